namespace Backprop.NN;

/// <summary>Max pooling over the last two dimensions, as PyTorch's <c>nn.MaxPool2d</c> (no parameters). See <see cref="Tensor.MaxPool2d"/>.</summary>
/// <param name="kernelSize">The window's height and width.</param>
/// <param name="stride">The step between windows; null for the kernel size.</param>
/// <param name="padding">Implicit -∞ on every side, at most half the kernel.</param>
/// <param name="dilation">The spacing between window elements.</param>
/// <param name="ceilMode">Whether the output size rounds up (PyTorch's <c>ceil_mode</c>; see <see cref="Tensor.MaxPool2d"/>).</param>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    /// <summary>The window's height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>The step between windows.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>The padding on every side.</summary>
    public int Padding { get; } = padding;

    /// <summary>The spacing between window elements.</summary>
    public int Dilation { get; } = dilation;

    /// <summary>Whether the output size rounds up (a last, partial window).</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.MaxPool2d(KernelSize, Stride, Padding, Dilation, CeilMode);
}

/// <summary>Average pooling over the last two dimensions, as PyTorch's <c>nn.AvgPool2d</c> (no parameters). See <see cref="Tensor.AvgPool2d"/>.</summary>
/// <param name="kernelSize">The window's height and width.</param>
/// <param name="stride">The step between windows; null for the kernel size.</param>
/// <param name="padding">Zeros on every side, at most half the kernel.</param>
/// <param name="countIncludePad">Whether padded zeros count in the divisor.</param>
/// <param name="ceilMode">Whether the output size rounds up (PyTorch's <c>ceil_mode</c>; see <see cref="Tensor.AvgPool2d"/>).</param>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true, bool ceilMode = false) : Module
{
    /// <summary>The window's height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>The step between windows.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>The padding on every side.</summary>
    public int Padding { get; } = padding;

    /// <summary>Whether padded zeros count in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary>Whether the output size rounds up (a last, partial window).</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.AvgPool2d(KernelSize, Stride, Padding, CountIncludePad, CeilMode);
}

/// <summary>Average pooling to a fixed output size, as PyTorch's <c>nn.AdaptiveAvgPool2d</c> (no parameters). See <see cref="Tensor.AdaptiveAvgPool2d(int, int)"/>.</summary>
/// <param name="outputHeight">The output height.</param>
/// <param name="outputWidth">The output width.</param>
public sealed class AdaptiveAvgPool2d(int outputHeight, int outputWidth) : Module
{
    /// <summary>Pools to a square output (1 for global average pooling).</summary>
    /// <param name="outputSize">The output height and width.</param>
    public AdaptiveAvgPool2d(int outputSize) : this(outputSize, outputSize)
    {
    }

    /// <summary>The output height.</summary>
    public int OutputHeight { get; } = outputHeight;

    /// <summary>The output width.</summary>
    public int OutputWidth { get; } = outputWidth;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.AdaptiveAvgPool2d(OutputHeight, OutputWidth);
}
