using Backprop.Kernels;
namespace Backprop;

// Convolutions. Three recorded ops carry everything: the convolution y = conv(x, w), its input
// gradient dx = convᵀ(dy, w) (which is also ConvTranspose2d) and its weight gradient
// dw = corr(x, dy). All three are partial derivatives of the one trilinear form <dy, conv(x, w)>,
// so the backward rule of each is written with the other two, and gradients of gradients work
// to any order. Each runs the fast kernel (im2col tiles + packed matmul, see ConvolutionKernel).

public partial class Tensor
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch's <c>conv2d</c>) of this [N, C, H, W]
    /// tensor with <paramref name="weight"/> [O, C/groups, kH, kW], plus <paramref name="bias"/>
    /// [O] when given: y[n, o] = b[o] + Σ w[o, c, i, j]·x[n, c, s·h + d·i - p, s·w + d·j - p].
    /// </summary>
    /// <param name="weight">The kernels, [out, in/groups, kH, kW] as PyTorch lays them out.</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zeros added on every side.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups: input and output channels split into this many independent convolutions (groups = C is depthwise).</param>
    /// <exception cref="ArgumentException">The shapes do not fit; the message names the op and both shapes.</exception>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>2-D convolution with separate vertical and horizontal stride, padding and dilation.</summary>
    /// <param name="weight">The kernels, [out, in/groups, kH, kW].</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="stride">(vertical, horizontal) steps.</param>
    /// <param name="padding">(vertical, horizontal) zeros on each side.</param>
    /// <param name="dilation">(vertical, horizontal) tap spacings.</param>
    /// <param name="groups">Channel groups.</param>
    /// <exception cref="ArgumentException">The shapes do not fit; the message names the op and both shapes.</exception>
    public Tensor Conv2d(Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1) =>
        Conv2d(weight, bias, ConvSettings.Create("Conv2d", stride, padding, dilation, groups));

    /// <summary>
    /// 2-D convolution with padding given as PyTorch's strings: "same" pads so that the output
    /// has the input's height and width (stride 1; an even kernel puts the extra zero after), and
    /// "valid" does not pad.
    /// </summary>
    /// <param name="weight">The kernels, [out, in/groups, kH, kW].</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="stride">The step (must be 1 for "same").</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    public Tensor Conv2d(Tensor weight, Tensor? bias, string padding, int stride = 1, int dilation = 1, int groups = 1) =>
        Conv2d(weight, bias, ConvSettings.Create("Conv2d", (stride, stride), (0, 0), (dilation, dilation), groups, ConvSettings.ParseSame("Conv2d", padding)));

    internal Tensor Conv2d(Tensor weight, Tensor? bias, ConvSettings settings)
    {
        ArgumentNullException.ThrowIfNull(weight);
        CheckConvTypes("Conv2d", this, weight, bias);
        ConvGeometry g = settings.Geometry("Conv2d", _shape, weight._shape);
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != g.OutChannels))
            throw new ArgumentException($"Conv2d: bias must be [{g.OutChannels}] for weight {ShapeMath.Format(weight._shape)}, got {ShapeMath.Format(bias._shape)}");
        return Convolve(this, weight, bias, g);
    }

    /// <summary>
    /// 1-D convolution of this [N, C, L] tensor with <paramref name="weight"/> [O, C/groups, k]
    /// (computed as a 2-D convolution of height 1).
    /// </summary>
    /// <param name="weight">The kernels, [out, in/groups, k].</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="stride">The step between output positions.</param>
    /// <param name="padding">Zeros added at each end.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    /// <exception cref="ArgumentException">The shapes do not fit; the message names the op and both shapes.</exception>
    public Tensor Conv1d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv1d(weight, bias, ConvSettings.Create("Conv1d", (1, stride), (0, padding), (1, dilation), groups));

    /// <summary>1-D convolution with padding "same" or "valid".</summary>
    /// <param name="weight">The kernels, [out, in/groups, k].</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="padding">"same" or "valid".</param>
    /// <param name="stride">The step (must be 1 for "same").</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <param name="groups">Channel groups.</param>
    public Tensor Conv1d(Tensor weight, Tensor? bias, string padding, int stride = 1, int dilation = 1, int groups = 1) =>
        Conv1d(weight, bias, ConvSettings.Create("Conv1d", (1, stride), (0, 0), (1, dilation), groups, ConvSettings.ParseSame("Conv1d", padding)));

    internal Tensor Conv1d(Tensor weight, Tensor? bias, ConvSettings settings)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (Rank != 3 || weight.Rank != 3)
            throw new ArgumentException($"Conv1d: input must be [N, C, L] and weight [out, in/groups, k], got input {ShapeMath.Format(_shape)} and weight {ShapeMath.Format(weight._shape)}");
        try
        {
            return Unsqueeze(2).Conv2d(weight.Unsqueeze(2), bias, settings).Squeeze(2);
        }
        catch (ArgumentException e) when (e.Message.StartsWith("Conv2d:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Conv1d: input {ShapeMath.Format(_shape)} and weight {ShapeMath.Format(weight._shape)} (as 2-D: {e.Message["Conv2d: ".Length..]})", e);
        }
    }

    /// <summary>
    /// 2-D transposed convolution (PyTorch's <c>conv_transpose2d</c>, sometimes called
    /// deconvolution): the gradient of <see cref="Conv2d(Tensor, Tensor?, int, int, int, int)"/>
    /// with respect to its input, applied to this [N, Cin, H, W] tensor, with
    /// <paramref name="weight"/> [Cin, Cout/groups, kH, kW]. The output is [N, Cout, H', W'] with
    /// H' = (H - 1)·stride - 2·padding + dilation·(kH - 1) + outputPadding + 1.
    /// </summary>
    /// <param name="weight">The kernels, [in, out/groups, kH, kW] as PyTorch lays them out.</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="stride">The stride of the convolution this inverts.</param>
    /// <param name="padding">The padding of the convolution this inverts (removed from the output).</param>
    /// <param name="outputPadding">Extra rows and columns on the bottom and right, to choose among the output sizes a strided convolution maps to one size (less than stride or dilation).</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">The spacing between kernel taps.</param>
    /// <exception cref="ArgumentException">The shapes do not fit; the message names the op and both shapes.</exception>
    public Tensor ConvTranspose2d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1) =>
        ConvTranspose2d(weight, bias, (stride, stride), (padding, padding), (outputPadding, outputPadding), (dilation, dilation), groups);

    /// <summary>
    /// 2-D transposed convolution with separate vertical and horizontal stride, padding, output
    /// padding and dilation (PyTorch's pairs): H' = (H - 1)·stride.H - 2·padding.H +
    /// dilation.H·(kH - 1) + outputPadding.H + 1, and likewise W'.
    /// </summary>
    /// <param name="weight">The kernels, [in, out/groups, kH, kW].</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="stride">(vertical, horizontal) strides of the convolution this inverts.</param>
    /// <param name="padding">(vertical, horizontal) padding removed from each side of the output.</param>
    /// <param name="outputPadding">(vertical, horizontal) extra rows at the bottom and columns at the right, each less than its stride or dilation.</param>
    /// <param name="dilation">(vertical, horizontal) tap spacings.</param>
    /// <param name="groups">Channel groups.</param>
    /// <exception cref="ArgumentException">The shapes do not fit; the message names the op and both shapes.</exception>
    public Tensor ConvTranspose2d(Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) outputPadding,
                                  (int H, int W) dilation, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        CheckConvTypes("ConvTranspose2d", this, weight, bias);
        const string Op = "ConvTranspose2d";
        ConvSettings settings = ConvSettings.Create(Op, stride, padding, dilation, groups);
        settings.CheckOutputPadding(Op, outputPadding);
        if (Rank != 4 || weight.Rank != 4)
            throw new ArgumentException($"{Op}: input must be [N, C, H, W] and weight [in, out/groups, kH, kW], got input {ShapeMath.Format(_shape)} and weight {ShapeMath.Format(weight._shape)}");
        int c = _shape[1];
        if (weight._shape[0] != c || c % groups != 0)
            throw new ArgumentException($"{Op}: input {ShapeMath.Format(_shape)} and weight {ShapeMath.Format(weight._shape)}: the weight's dimension 0 must be the input's {c} channels, divisible by groups {groups}");
        int outC = weight._shape[1] * groups;
        int h = (_shape[2] - 1) * stride.H - 2 * padding.H + dilation.H * (weight._shape[2] - 1) + outputPadding.H + 1;
        int w = (_shape[3] - 1) * stride.W - 2 * padding.W + dilation.W * (weight._shape[3] - 1) + outputPadding.W + 1;
        if (h < 1 || w < 1)
            throw new ArgumentException($"{Op}: input {ShapeMath.Format(_shape)} and weight {ShapeMath.Format(weight._shape)} give an empty output ({h}x{w})");
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != outC))
            throw new ArgumentException($"{Op}: bias must be [{outC}] for weight {ShapeMath.Format(weight._shape)} and groups {groups}, got {ShapeMath.Format(bias._shape)}");
        // The convolution this is the input gradient of maps [N, outC, h, w] to this tensor's shape.
        ConvGeometry g = settings.Geometry(Op, [_shape[0], outC, h, w], weight._shape) with { OutHeight = _shape[2], OutWidth = _shape[3] };
        Tensor result = ConvInputGradient(this, weight, g, Op);
        if (bias is not null) result += bias.Reshape(1, outC, 1, 1);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, Op, bias is null ? [this, weight] : [this, weight, bias], new ConvAttributes(g)) : result;
    }

    /// <summary>y = conv(x, w) + b; d/dx = convᵀ(dy, w), d/dw = corr(x, dy), d/db = Σ dy over N, H, W.</summary>
    private static Tensor Convolve(Tensor x, Tensor w, Tensor? b, ConvGeometry g)
    {
        Tensor xc = StridedCopy.ToContiguous(x), wc = StridedCopy.ToContiguous(w);
        Tensor? bc = b is null ? null : StridedCopy.ToContiguous(b);
        Tensor y = Uninitialized(x.DType, g.OutputShape); // the kernel writes every element
        if (x.DType == DType.Float32) ConvolutionKernel.Forward(xc.Memory<float>(), wc.Memory<float>(), bc?.Memory<float>() ?? default, y.Memory<float>(), g);
        else ConvolutionKernel.Forward(xc.Memory<double>(), wc.Memory<double>(), bc?.Memory<double>() ?? default, y.Memory<double>(), g);
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        y = TensorGraph.Record(y, "Conv2d", inputs, [x, w], dy =>
        {
            // A strided dy (the broadcast ones of Sum's backward) is copied once for the three
            // gradients, not once in each (three serial passes over [N, O, OH, OW]); unless dy is
            // on the graph (gradients of gradients), where the gradients must record dy itself.
            Tensor dyc = dy.RequiresGrad ? dy : StridedCopy.ToContiguous(dy);
            return
            [
                x.RequiresGrad ? ConvInputGradient(dyc, w, g, "Conv2dInputGrad") : null,
                w.RequiresGrad ? ConvWeightGradient(x, dyc, g) : null,
                b is not null && b.RequiresGrad ? dyc.Sum([0, 2, 3]) : null,
            ];
        });
        return TensorGraph.Tracing ? TensorGraph.Describe(y, "Conv2d", inputs, new ConvAttributes(g)) : y;
    }

    /// <summary>dx = convᵀ(dy, w) (linear in both); its own rule: d/d(dy) = conv(u, w), d/dw = corr(u, dy).</summary>
    private static Tensor ConvInputGradient(Tensor dy, Tensor w, ConvGeometry g, string name)
    {
        Tensor dyc = StridedCopy.ToContiguous(dy), wc = StridedCopy.ToContiguous(w);
        Tensor dx = Uninitialized(dy.DType, g.InputShape);
        if (dy.DType == DType.Float32) ConvolutionKernel.InputGradient(dyc.Memory<float>(), wc.Memory<float>(), dx.Memory<float>(), g);
        else ConvolutionKernel.InputGradient(dyc.Memory<double>(), wc.Memory<double>(), dx.Memory<double>(), g);
        return TensorGraph.Record(dx, name, [dy, w], [dy, w], u =>
        [
            dy.RequiresGrad ? Convolve(u, w, null, g) : null,
            w.RequiresGrad ? ConvWeightGradient(u, dy, g) : null,
        ]);
    }

    /// <summary>dw = corr(x, dy) (linear in both); its own rule: d/dx = convᵀ(dy, v), d/d(dy) = conv(x, v).</summary>
    private static Tensor ConvWeightGradient(Tensor x, Tensor dy, ConvGeometry g)
    {
        Tensor xc = StridedCopy.ToContiguous(x), dyc = StridedCopy.ToContiguous(dy);
        Tensor dw = Uninitialized(x.DType, g.WeightShape);
        if (x.DType == DType.Float32) ConvolutionKernel.WeightGradient(xc.Memory<float>(), dyc.Memory<float>(), dw.Memory<float>(), g);
        else ConvolutionKernel.WeightGradient(xc.Memory<double>(), dyc.Memory<double>(), dw.Memory<double>(), g);
        return TensorGraph.Record(dw, "Conv2dWeightGrad", [x, dy], [x, dy], v =>
        [
            x.RequiresGrad ? ConvInputGradient(dy, v, g, "Conv2dInputGrad") : null,
            dy.RequiresGrad ? Convolve(x, v, null, g) : null,
        ]);
    }

    private static void CheckConvTypes(string op, Tensor x, Tensor w, Tensor? b)
    {
        DTypes.RequireFloat(op, x);
        DTypes.RequireSame(op, x, w);
        if (b is not null) DTypes.RequireSame(op, x, b);
    }

    /// <summary>The elements of a contiguous tensor as memory over its storage (for kernels that split work over threads).</summary>
    internal Memory<T> Memory<T>() where T : unmanaged
    {
        if (!IsContiguous) throw new InvalidOperationException("internal: Memory() of a non-contiguous tensor");
        return new Memory<T>((T[])_storage.Buffer, _offset, Count);
    }
}
