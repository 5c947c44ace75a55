using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// A 2-D transposed convolution layer, as PyTorch's <c>nn.ConvTranspose2d</c>: <c>weight</c>
/// [in, out/groups, kH, kW] and optional <c>bias</c> [out]. See
/// <see cref="Tensor.ConvTranspose2d(Tensor, Tensor?, int, int, int, int, int)"/>.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary>Creates the layer as <c>nn.ConvTranspose2d</c> does, drawing the initial values from <see cref="Tensor.DefaultGenerator"/>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's height and width.</param>
    /// <param name="stride">The stride of the convolution this inverts.</param>
    /// <param name="padding">The padding of the convolution this inverts.</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right (less than stride or dilation).</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0,
                           int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, Tensor.DefaultGenerator, stride, padding, outputPadding, groups, bias, dilation, dtype)
    {
    }

    /// <summary>Creates the layer with PyTorch's default initialisation (uniform in ±1/√(out/groups·kH·kW)).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's height and width.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="stride">The stride of the convolution this inverts.</param>
    /// <param name="padding">The padding of the convolution this inverts.</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right (less than stride or dilation).</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, NumpyRandom random, int stride = 1, int padding = 0,
                           int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1, DType dtype = DType.Float32)
        : this(inChannels, outChannels, (kernelSize, kernelSize), random, (stride, stride), (padding, padding), (outputPadding, outputPadding),
               (dilation, dilation), groups, bias, dtype)
    {
    }

    /// <summary>Creates the layer with (height, width) pairs, as <c>nn.ConvTranspose2d</c> takes tuples.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's (height, width).</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="stride">(vertical, horizontal) strides of the convolution this inverts.</param>
    /// <param name="padding">(vertical, horizontal) padding of the convolution this inverts.</param>
    /// <param name="outputPadding">(vertical, horizontal) extra rows at the bottom and columns at the right, each less than its stride or dilation.</param>
    /// <param name="dilation">(vertical, horizontal) tap spacings.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public ConvTranspose2d(int inChannels, int outChannels, (int H, int W) kernelSize, NumpyRandom random, (int H, int W) stride,
                           (int H, int W) padding, (int H, int W) outputPadding, (int H, int W) dilation, int groups = 1, bool bias = true,
                           DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(random);
        ConvParameters.Check("ConvTranspose2d", inChannels, outChannels, kernelSize, groups);
        ConvSettings.Create("ConvTranspose2d", stride, padding, dilation, groups).CheckOutputPadding("ConvTranspose2d", outputPadding);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        Groups = groups;
        Dilation = dilation;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([inChannels, outChannels / groups, kernelSize.H, kernelSize.W], dtype)));
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
    public (int H, int W) Stride { get; }

    /// <summary>The (vertical, horizontal) padding removed from each side of the output.</summary>
    public (int H, int W) Padding { get; }

    /// <summary>The extra rows at the bottom and columns at the right of the output.</summary>
    public (int H, int W) OutputPadding { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The (vertical, horizontal) dilation.</summary>
    public (int H, int W) Dilation { get; }

    /// <summary>The kernels, [in, out/groups, kH, kW].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) =>
        input.ConvTranspose2d(Weight, Bias, Stride, Padding, OutputPadding, Dilation, Groups);
}
