using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// A 2-D convolution layer, as PyTorch's <c>nn.Conv2d</c>: <c>weight</c> [out, in/groups, kH, kW]
/// and optional <c>bias</c> [out], named and laid out as PyTorch names them so checkpoints load
/// there unchanged. See <see cref="Tensor.Conv2d(Tensor, Tensor?, int, int, int, int)"/>.
/// </summary>
public sealed class Conv2d : Module
{
    private readonly ConvSettings _settings;

    /// <summary>
    /// Creates the layer with PyTorch's default initialisation: weight and bias uniform in
    /// ±1/√fanIn, fanIn = in/groups·kH·kW (Kaiming uniform with a = √5), drawn from <paramref name="random"/>.
    /// </summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">The kernel's height and width.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zeros on every side.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups (groups = in = out is depthwise).</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv2d(int inChannels, int outChannels, int kernelSize, NumpyRandom random, int stride = 1, int padding = 0,
                  int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, (kernelSize, kernelSize), random,
               ConvSettings.Create("Conv2d", (stride, stride), (padding, padding), (dilation, dilation), groups), bias, dtype)
    {
    }

    /// <summary>Creates the layer as <c>nn.Conv2d</c> does, drawing the initial values from <see cref="Tensor.DefaultGenerator"/>.</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">The kernel's height and width.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zeros on every side.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups (groups = in = out is depthwise).</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0,
                  int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, Tensor.DefaultGenerator, stride, padding, dilation, groups, bias, dtype)
    {
    }

    /// <summary>Creates the layer with padding "same" (output as large as the input; stride 1) or "valid" (none).</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">The kernel's height and width.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="stride">The step (1 for "same").</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv2d(int inChannels, int outChannels, int kernelSize, NumpyRandom random, string padding, int stride = 1,
                  int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, (kernelSize, kernelSize), random,
               ConvSettings.Create("Conv2d", (stride, stride), (0, 0), (dilation, dilation), groups, ConvSettings.ParseSame("Conv2d", padding)), bias, dtype)
    {
    }

    /// <summary>Creates the layer with separate vertical and horizontal sizes.</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">(height, width) of the kernel.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="stride">(vertical, horizontal) steps.</param>
    /// <param name="padding">(vertical, horizontal) zeros on each side.</param>
    /// <param name="dilation">(vertical, horizontal) tap spacings.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv2d(int inChannels, int outChannels, (int H, int W) kernelSize, NumpyRandom random, (int H, int W) stride,
                  (int H, int W) padding, (int H, int W) dilation, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, random, ConvSettings.Create("Conv2d", stride, padding, dilation, groups), bias, dtype)
    {
    }

    private Conv2d(int inChannels, int outChannels, (int H, int W) kernelSize, NumpyRandom random, ConvSettings settings, bool bias, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(random);
        ConvParameters.Check("Conv2d", inChannels, outChannels, kernelSize, settings.Groups);
        _settings = settings;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels / settings.Groups, kernelSize.H, kernelSize.W], dtype)));
        Bias = bias ? RegisterParameter("bias", new Parameter(Tensor.Zeros([outChannels], dtype))) : null;
        ConvParameters.Initialise(Weight, Bias, random);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel's (height, width).</summary>
    public (int H, int W) KernelSize { get; }

    /// <summary>The (vertical, horizontal) stride.</summary>
    public (int H, int W) Stride => (_settings.StrideH, _settings.StrideW);

    /// <summary>The (vertical, horizontal) padding on each side; (0, 0) when <see cref="SamePadding"/>.</summary>
    public (int H, int W) Padding => (_settings.PadH, _settings.PadW);

    /// <summary>Whether the padding is "same" (chosen so that the output is as large as the input).</summary>
    public bool SamePadding => _settings.Same;

    /// <summary>The (vertical, horizontal) dilation.</summary>
    public (int H, int W) Dilation => (_settings.DilationH, _settings.DilationW);

    /// <summary>Channel groups.</summary>
    public int Groups => _settings.Groups;

    /// <summary>The kernels, [out, in/groups, kH, kW].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Conv2d(Weight, Bias, _settings);
}
