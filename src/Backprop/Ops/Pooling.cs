using Backprop.Kernels;
namespace Backprop;

// Pooling over the last two dimensions of [N, C, H, W] (or [C, H, W]) tensors. Max pooling
// records which element each output took; its backward scatters to those elements, and the
// scatter's own backward gathers from them (so second derivatives work). Average pooling is
// linear: its backward spreads each gradient over the window, and the spread's backward is the
// average again.

public partial class Tensor
{
    /// <summary>
    /// The maximum of each kernelSize×kernelSize window, as PyTorch's <c>max_pool2d</c>; padding
    /// acts as -∞. The gradient goes to the element each window took (the first maximum).
    /// </summary>
    /// <param name="kernelSize">The window's height and width.</param>
    /// <param name="stride">The step between windows; null for the kernel size.</param>
    /// <param name="padding">Implicit -∞ on every side, at most half the kernel.</param>
    /// <param name="dilation">The spacing between window elements.</param>
    /// <param name="ceilMode">Whether the output size rounds up (PyTorch's <c>ceil_mode</c>): a last, partial window per row and column when the stride leaves input over, if it starts inside the input or its left padding.</param>
    /// <exception cref="ArgumentException">The input is not [N, C, H, W] or [C, H, W], or is smaller than the window.</exception>
    public Tensor MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) =>
        MaxPool2dWithIndices(kernelSize, stride, padding, dilation, ceilMode).Values;

    /// <summary>
    /// <see cref="MaxPool2d"/> and, for each output, the flat index (row·W + column) within its
    /// input plane of the element it took, as an Int64 tensor (PyTorch's <c>return_indices</c>).
    /// </summary>
    /// <param name="kernelSize">The window's height and width.</param>
    /// <param name="stride">The step between windows; null for the kernel size.</param>
    /// <param name="padding">Implicit -∞ on every side, at most half the kernel.</param>
    /// <param name="dilation">The spacing between window elements.</param>
    /// <param name="ceilMode">Whether the output size rounds up (see <see cref="MaxPool2d"/>).</param>
    public (Tensor Values, Tensor Indices) MaxPool2dWithIndices(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        const string Op = "MaxPool2d";
        DTypes.RequireFloat(Op, this);
        if (Rank == 3)
        {
            (Tensor v, Tensor i) = Unsqueeze(0).MaxPool2dWithIndices(kernelSize, stride, padding, dilation, ceilMode);
            return (v.Squeeze(0), i.Squeeze(0));
        }
        int s = stride ?? kernelSize;
        (int oh, int ow) = PoolOutput(Op, kernelSize, s, padding, dilation, ceilMode);
        var g = new ConvGeometry(_shape[0], _shape[1], _shape[2], _shape[3], _shape[1], kernelSize, kernelSize, s, s, padding, padding, dilation, dilation, 1, oh, ow);
        Tensor x = StridedCopy.ToContiguous(this);
        Tensor values = Uninitialized(DType, g.OutputShape), indices = Uninitialized(DType.Int64, g.OutputShape);
        int planes = g.Batch * g.Channels;
        if (DType == DType.Float32) MaxPool2dKernel.Forward(x.Memory<float>(), values.Memory<float>(), indices.Memory<long>(), g, planes);
        else MaxPool2dKernel.Forward(x.Memory<double>(), values.Memory<double>(), indices.Memory<long>(), g, planes);
        int[] inputShape = (int[])_shape.Clone();
        TensorGraph.Record(values, Op, [this], [indices], dy => [MaxPoolScatter(dy, indices, inputShape)]);
        if (TensorGraph.Tracing) TensorGraph.Describe(values, Op, [this], new PoolAttributes(kernelSize, s, padding, dilation, false, ceilMode));
        return (values, indices);
    }

    /// <summary>Zeros of <paramref name="inputShape"/> with each element of <paramref name="dy"/> added at its index; backward: gather at the same indices.</summary>
    private static Tensor MaxPoolScatter(Tensor dy, Tensor indices, int[] inputShape)
    {
        Tensor dyc = StridedCopy.ToContiguous(dy);
        Tensor dx = Uninitialized(dy.DType, inputShape);
        int plane = inputShape[2] * inputShape[3], outPlane = dy._shape[2] * dy._shape[3], planes = inputShape[0] * inputShape[1];
        if (dy.DType == DType.Float32) MaxPool2dKernel.Scatter<float>(dyc.Memory<float>(), indices.Memory<long>(), dx.Memory<float>(), plane, outPlane, planes);
        else MaxPool2dKernel.Scatter<double>(dyc.Memory<double>(), indices.Memory<long>(), dx.Memory<double>(), plane, outPlane, planes);
        return TensorGraph.Record(dx, "MaxPool2dBackward", [dy], [indices], u => [MaxPoolGather(u, indices)]);
    }

    /// <summary>The elements of <paramref name="source"/> at <paramref name="indices"/>, plane by plane; backward: scatter to them.</summary>
    private static Tensor MaxPoolGather(Tensor source, Tensor indices)
    {
        Tensor sc = StridedCopy.ToContiguous(source);
        Tensor result = Uninitialized(source.DType, (int[])indices._shape.Clone());
        int plane = source._shape[2] * source._shape[3], outPlane = indices._shape[2] * indices._shape[3], planes = source._shape[0] * source._shape[1];
        if (source.DType == DType.Float32) MaxPool2dKernel.Gather(sc.Span<float>(), indices.Span<long>(), result.Span<float>(), plane, outPlane, planes);
        else MaxPool2dKernel.Gather(sc.Span<double>(), indices.Span<long>(), result.Span<double>(), plane, outPlane, planes);
        int[] shape = (int[])source._shape.Clone();
        return TensorGraph.Record(result, "MaxPool2dGather", [source], [indices], dy => [MaxPoolScatter(dy, indices, shape)]);
    }

    /// <summary>
    /// The mean of each kernelSize×kernelSize window, as PyTorch's <c>avg_pool2d</c>. With
    /// <paramref name="countIncludePad"/> (PyTorch's default) padded zeros count in the divisor.
    /// </summary>
    /// <param name="kernelSize">The window's height and width.</param>
    /// <param name="stride">The step between windows; null for the kernel size.</param>
    /// <param name="padding">Zeros on every side, at most half the kernel.</param>
    /// <param name="countIncludePad">Whether padded zeros count in the divisor.</param>
    /// <param name="ceilMode">
    /// Whether the output size rounds up (PyTorch's <c>ceil_mode</c>): a last, partial window per
    /// row and column when the stride leaves input over, if it starts inside the input or its
    /// left padding. Its divisor counts only the part within the padded input (with
    /// <paramref name="countIncludePad"/>) or within the input (without), as PyTorch's.
    /// </param>
    /// <exception cref="ArgumentException">The input is not [N, C, H, W] or [C, H, W], or is smaller than the window.</exception>
    public Tensor AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true, bool ceilMode = false)
    {
        if (Rank == 3) return Unsqueeze(0).AvgPool2d(kernelSize, stride, padding, countIncludePad, ceilMode).Squeeze(0);
        int s = stride ?? kernelSize;
        (int oh, int ow) = PoolOutput("AvgPool2d", kernelSize, s, padding, 1, ceilMode);
        PoolWindows windows = PoolWindows.Average(_shape[2], _shape[3], (kernelSize, kernelSize), (s, s), (padding, padding), oh, ow, countIncludePad);
        Tensor result = AveragePool("AvgPool2d", this, windows);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "AvgPool2d", [this], new PoolAttributes(kernelSize, s, padding, 1, countIncludePad, ceilMode)) : result;
    }

    /// <summary>
    /// Average pooling to a fixed output size, as PyTorch's <c>adaptive_avg_pool2d</c>: output
    /// (i, j) averages input rows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉) and the matching columns. (1, 1) is
    /// global average pooling.
    /// </summary>
    /// <param name="outputHeight">The output height.</param>
    /// <param name="outputWidth">The output width.</param>
    public Tensor AdaptiveAvgPool2d(int outputHeight, int outputWidth)
    {
        if (Rank == 3) return Unsqueeze(0).AdaptiveAvgPool2d(outputHeight, outputWidth).Squeeze(0);
        if (Rank != 4) throw new ArgumentException($"AdaptiveAvgPool2d: input must be [N, C, H, W] or [C, H, W], got {ShapeMath.Format(_shape)}");
        if (outputHeight < 1 || outputWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outputHeight), $"AdaptiveAvgPool2d: output size must be ≥ 1, got ({outputHeight}, {outputWidth})");
        Tensor result = AveragePool("AdaptiveAvgPool2d", this, PoolWindows.Adaptive(_shape[2], _shape[3], outputHeight, outputWidth));
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "AdaptiveAvgPool2d", [this], new AdaptivePoolAttributes(outputHeight, outputWidth)) : result;
    }

    /// <summary>Adaptive average pooling to a square output.</summary>
    /// <param name="outputSize">The output height and width.</param>
    public Tensor AdaptiveAvgPool2d(int outputSize) => AdaptiveAvgPool2d(outputSize, outputSize);

    /// <summary>y = mean of each window; d/dx spreads dy/divisor over the window (and that spread's rule is the mean again).</summary>
    private static Tensor AveragePool(string op, Tensor x, PoolWindows w)
    {
        DTypes.RequireFloat(op, x);
        Tensor xc = StridedCopy.ToContiguous(x);
        Tensor y = Uninitialized(x.DType, [x._shape[0], x._shape[1], w.OutHeight, w.OutWidth]);
        int planes = x._shape[0] * x._shape[1];
        if (x.DType == DType.Float32) AvgPool2dKernel.Forward(xc.Span<float>(), y.Span<float>(), w, planes);
        else AvgPool2dKernel.Forward(xc.Span<double>(), y.Span<double>(), w, planes);
        int[] shape = (int[])x._shape.Clone();
        return TensorGraph.Record(y, op, [x], [], dy => [AveragePoolSpread(op, dy, w, shape)]);
    }

    private static Tensor AveragePoolSpread(string op, Tensor dy, PoolWindows w, int[] inputShape)
    {
        Tensor dyc = StridedCopy.ToContiguous(dy);
        Tensor dx = Uninitialized(dy.DType, inputShape);
        int planes = inputShape[0] * inputShape[1];
        if (dy.DType == DType.Float32) AvgPool2dKernel.Backward(dyc.Span<float>(), dx.Span<float>(), w, planes);
        else AvgPool2dKernel.Backward(dyc.Span<double>(), dx.Span<double>(), w, planes);
        return TensorGraph.Record(dx, op + "Backward", [dy], [], u => [AveragePool(op, u, w)]);
    }

    /// <summary>Checks a pooling's input and options; returns the output height and width.</summary>
    private (int Height, int Width) PoolOutput(string op, int kernel, int stride, int padding, int dilation, bool ceilMode)
    {
        if (Rank != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W] or [C, H, W], got {ShapeMath.Format(_shape)}");
        if (kernel < 1) throw new ArgumentOutOfRangeException(nameof(kernel), $"{op}: kernel size must be ≥ 1, got {kernel}");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be ≥ 1, got {stride}");
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: dilation must be ≥ 1, got {dilation}");
        if (padding < 0 || padding > kernel / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding must be between 0 and half the kernel size ({kernel / 2}), got {padding}");
        int span = dilation * (kernel - 1) + 1;
        if (_shape[2] + 2 * padding < span || _shape[3] + 2 * padding < span)
            throw new ArgumentException($"{op}: input {ShapeMath.Format(_shape)} with padding {padding} is smaller than the window ({span}x{span})");
        return (PoolExtent(_shape[2], span, stride, padding, ceilMode), PoolExtent(_shape[3], span, stride, padding, ceilMode));
    }

    /// <summary>
    /// Windows along one axis, as PyTorch's <c>pooling_output_shape</c>: ⌊(size + 2·padding − span) / stride⌋ + 1,
    /// or with <paramref name="ceilMode"/> rounded up, less the last window if it would start in the right padding.
    /// </summary>
    private static int PoolExtent(int size, int span, int stride, int padding, bool ceilMode)
    {
        int room = size + 2 * padding - span;
        int count = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
        if (ceilMode && (count - 1) * stride >= size + padding) count--;
        return count;
    }

    /// <summary>
    /// Dimensions <paramref name="startDim"/> to <paramref name="endDim"/> (inclusive) merged into
    /// one, as PyTorch's <c>flatten(start_dim, end_dim)</c>: [N, C, H, W] becomes [N, C·H·W] with
    /// <c>Flatten(1)</c>. A view when the tensor is contiguous.
    /// </summary>
    /// <param name="startDim">The first dimension to merge.</param>
    /// <param name="endDim">The last dimension to merge (negative counts from the end).</param>
    public Tensor Flatten(int startDim, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int a = ShapeMath.NormalizeDim("Flatten", startDim, Rank), b = ShapeMath.NormalizeDim("Flatten", endDim, Rank);
        if (a > b) throw new ArgumentException($"Flatten: start dimension {startDim} comes after end dimension {endDim} for shape {ShapeMath.Format(_shape)}");
        int merged = 1;
        for (int d = a; d <= b; d++) merged *= _shape[d];
        return Reshape([.. _shape[..a], merged, .. _shape[(b + 1)..]]);
    }

    /// <summary>
    /// Dimension <paramref name="dim"/> split into <paramref name="sizes"/> (one may be -1), as
    /// PyTorch's <c>unflatten</c>: the inverse of <see cref="Flatten(int, int)"/>.
    /// </summary>
    /// <param name="dim">The dimension to split.</param>
    /// <param name="sizes">Its new sizes, whose product is its size.</param>
    public Tensor Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = ShapeMath.NormalizeDim("Unflatten", dim, Rank);
        int known = 1, infer = 0;
        foreach (int s in sizes)
        {
            if (s == -1) infer++;
            else known *= s;
        }
        if (sizes.Length == 0 || infer > 1 || (infer == 0 ? known != _shape[d] : known == 0 || _shape[d] % known != 0))
            throw new ArgumentException($"Unflatten: sizes {ShapeMath.Format(sizes)} do not split dimension {dim} of size {_shape[d]} (shape {ShapeMath.Format(_shape)})");
        return Reshape([.. _shape[..d], .. sizes, .. _shape[(d + 1)..]]);
    }
}
