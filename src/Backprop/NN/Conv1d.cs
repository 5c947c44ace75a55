using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// A 1-D convolution layer over [N, C, L] inputs, as PyTorch's <c>nn.Conv1d</c>: <c>weight</c>
/// [out, in/groups, k] and optional <c>bias</c> [out]. See <see cref="Tensor.Conv1d(Tensor, Tensor?, int, int, int, int)"/>.
/// </summary>
public sealed class Conv1d : Module
{
    private readonly ConvSettings _settings;

    /// <summary>Creates the layer with PyTorch's default initialisation (uniform in ±1/√(in/groups·k)).</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">The kernel's length.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zeros at each end.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv1d(int inChannels, int outChannels, int kernelSize, NumpyRandom random, int stride = 1, int padding = 0,
                  int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, random, ConvSettings.Create("Conv1d", (1, stride), (0, padding), (1, dilation), groups), bias, dtype)
    {
    }

    /// <summary>Creates the layer as <c>nn.Conv1d</c> does, drawing the initial values from <see cref="Tensor.DefaultGenerator"/>.</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">The kernel's length.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zeros at each end.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0,
                  int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, Tensor.DefaultGenerator, stride, padding, dilation, groups, bias, dtype)
    {
    }

    /// <summary>Creates the layer with padding "same" (stride 1) or "valid".</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O.</param>
    /// <param name="kernelSize">The kernel's length.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="stride">The step (1 for "same").</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Conv1d(int inChannels, int outChannels, int kernelSize, NumpyRandom random, string padding, int stride = 1,
                  int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, random,
               ConvSettings.Create("Conv1d", (1, stride), (0, 0), (1, dilation), groups, ConvSettings.ParseSame("Conv1d", padding)), bias, dtype)
    {
    }

    private Conv1d(int inChannels, int outChannels, int kernelSize, NumpyRandom random, ConvSettings settings, bool bias, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(random);
        ConvParameters.Check("Conv1d", inChannels, outChannels, (1, kernelSize), settings.Groups);
        _settings = settings;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels / settings.Groups, kernelSize], dtype)));
        Bias = bias ? RegisterParameter("bias", new Parameter(Tensor.Zeros([outChannels], dtype))) : null;
        ConvParameters.Initialise(Weight, Bias, random);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel's length.</summary>
    public int KernelSize { get; }

    /// <summary>The stride.</summary>
    public int Stride => _settings.StrideW;

    /// <summary>The padding at each end; 0 when <see cref="SamePadding"/>.</summary>
    public int Padding => _settings.PadW;

    /// <summary>Whether the padding is "same".</summary>
    public bool SamePadding => _settings.Same;

    /// <summary>The dilation.</summary>
    public int Dilation => _settings.DilationW;

    /// <summary>Channel groups.</summary>
    public int Groups => _settings.Groups;

    /// <summary>The kernels, [out, in/groups, k].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Conv1d(Weight, Bias, _settings);
}
