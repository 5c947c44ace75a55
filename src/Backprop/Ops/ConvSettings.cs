namespace Backprop;

/// <summary>
/// The options of a 2-D convolution as the user gives them (strides, symmetric padding or
/// "same", dilations, groups), before an input fixes the sizes; <see cref="Geometry"/> checks them
/// against the input and weight shapes.
/// </summary>
internal readonly record struct ConvSettings(int StrideH, int StrideW, int PadH, int PadW, bool Same, int DilationH, int DilationW, int Groups)
{
    /// <summary>Settings from pairs, checking each is in range.</summary>
    public static ConvSettings Create(string op, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups, bool same = false)
    {
        if (stride.H < 1 || stride.W < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be ≥ 1, got ({stride.H}, {stride.W})");
        if (padding.H < 0 || padding.W < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding must be ≥ 0, got ({padding.H}, {padding.W})");
        if (dilation.H < 1 || dilation.W < 1) throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: dilation must be ≥ 1, got ({dilation.H}, {dilation.W})");
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be ≥ 1, got {groups}");
        if (same && (stride.H != 1 || stride.W != 1))
            throw new ArgumentException($"{op}: padding \"same\" needs stride 1 (as PyTorch), got ({stride.H}, {stride.W})", nameof(padding));
        return new(stride.H, stride.W, padding.H, padding.W, same, dilation.H, dilation.W, groups);
    }

    /// <summary>
    /// Checks a transposed convolution's output padding: in each dimension ≥ 0 and smaller than
    /// that dimension's stride or dilation (PyTorch's rule).
    /// </summary>
    public void CheckOutputPadding(string op, (int H, int W) outputPadding)
    {
        bool fits(int extra, int stride, int dilation) => extra >= 0 && (extra < stride || extra < dilation);
        if (!fits(outputPadding.H, StrideH, DilationH) || !fits(outputPadding.W, StrideW, DilationW))
            throw new ArgumentOutOfRangeException(nameof(outputPadding),
                $"{op}: output padding must be ≥ 0 and smaller than stride {Pair(StrideH, StrideW)} or dilation {Pair(DilationH, DilationW)} in each dimension, got {Pair(outputPadding.H, outputPadding.W)}");
    }

    private static string Pair(int h, int w) => h == w ? $"{h}" : $"({h}, {w})";

    /// <summary>Whether <paramref name="padding"/> is "same" (true) or "valid" (false); anything else throws.</summary>
    public static bool ParseSame(string op, string padding) => padding switch
    {
        "same" => true,
        "valid" => false,
        _ => throw new ArgumentException($"{op}: padding must be \"same\", \"valid\" or a number, got \"{padding}\"", nameof(padding)),
    };

    /// <summary>
    /// The geometry of convolving <paramref name="input"/> [N, C, H, W] with
    /// <paramref name="weightShape"/> [O, C/G, KH, KW]; errors name the op and both shapes.
    /// </summary>
    public Kernels.ConvGeometry Geometry(string op, IReadOnlyList<int> input, IReadOnlyList<int> weightShape)
    {
        string shapes = $"input {Format(input)} and weight {Format(weightShape)}";
        if (input.Count != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got {Format(input)}");
        if (weightShape.Count != 4) throw new ArgumentException($"{op}: weight must be [out, in/groups, kH, kW], got {Format(weightShape)}");
        int c = input[1], o = weightShape[0];
        if (c % Groups != 0 || o % Groups != 0)
            throw new ArgumentException($"{op}: {shapes}: {c} input and {o} output channels must both be divisible by groups {Groups}");
        if (weightShape[1] != c / Groups)
            throw new ArgumentException($"{op}: {shapes}: the input has {c} channels, so with groups {Groups} the weight's dimension 1 must be {c / Groups}, not {weightShape[1]}");
        int kh = weightShape[2], kw = weightShape[3];
        if (kh < 1 || kw < 1) throw new ArgumentException($"{op}: {shapes}: the kernel is empty");
        int spanH = DilationH * (kh - 1) + 1, spanW = DilationW * (kw - 1) + 1;
        int top = Same ? (spanH - 1) / 2 : PadH, left = Same ? (spanW - 1) / 2 : PadW;
        int paddedH = input[2] + (Same ? spanH - 1 : 2 * PadH), paddedW = input[3] + (Same ? spanW - 1 : 2 * PadW);
        if (paddedH < spanH || paddedW < spanW)
            throw new ArgumentException($"{op}: {shapes}: the padded input ({paddedH}x{paddedW}) is smaller than the dilated kernel ({spanH}x{spanW})");
        int oh = (paddedH - spanH) / StrideH + 1, ow = (paddedW - spanW) / StrideW + 1;
        return new(input[0], c, input[2], input[3], o, kh, kw, StrideH, StrideW, top, left, DilationH, DilationW, Groups, oh, ow);
    }

    private static string Format(IReadOnlyList<int> shape) => "[" + string.Join(",", shape) + "]";
}
