using Backprop.OnnxExport.Proto;
using static Backprop.OnnxExport.TensorProtos;

namespace Backprop.OnnxExport;

/// <summary>
/// How each traced op becomes ONNX nodes (opset 17): one line per op where the ONNX op is the
/// same, a small method where attributes or shapes need translating. An op missing from the
/// table fails the export with its name.
/// </summary>
internal static class OpMappings
{
    /// <summary>Writes one op: the builder, the op, its inputs' names, its output's name.</summary>
    private delegate void Mapping(GraphBuilder graph, TracedOp op, string[] inputs, string output);

    private static readonly Dictionary<string, Mapping> Table = new()
    {
        ["Linear"] = (g, op, x, y) => g.Node("Gemm", x, y, Int("transB", 1)),
        ["MatMul"] = Same("MatMul"),
        ["Add"] = Same("Add"),
        ["Sub"] = Same("Sub"),
        ["Mul"] = Same("Mul"),
        ["Div"] = Same("Div"),
        ["Pow"] = Same("Pow"),
        ["Neg"] = Same("Neg"),
        ["Exp"] = Same("Exp"),
        ["Log"] = Same("Log"),
        ["Sqrt"] = Same("Sqrt"),
        ["Abs"] = Same("Abs"),
        ["Erf"] = Same("Erf"),
        ["Relu"] = Same("Relu"),
        ["Tanh"] = Same("Tanh"),
        ["Sigmoid"] = Same("Sigmoid"),
        ["Softplus"] = Same("Softplus"),
        ["LeakyRelu"] = (g, op, x, y) => g.Node("LeakyRelu", x, y, Float("alpha", Attributes<ScalarAttributes>(op).Value)),
        ["Softmax"] = (g, op, x, y) => g.Node("Softmax", x, y, Int("axis", Attributes<AxisAttributes>(op).Axis)),
        ["LogSoftmax"] = (g, op, x, y) => g.Node("LogSoftmax", x, y, Int("axis", Attributes<AxisAttributes>(op).Axis)),
        ["LayerNorm"] = (g, op, x, y) => g.Node("LayerNormalization", x, y,
            Int("axis", Attributes<NormalizationAttributes>(op).Axis), Float("epsilon", Attributes<NormalizationAttributes>(op).Epsilon)),
        ["BatchNorm"] = (g, op, x, y) => g.Node("BatchNormalization", x, y, Float("epsilon", Attributes<NormalizationAttributes>(op).Epsilon)),
        ["Reshape"] = Reshape,
        ["Expand"] = Expand,
        ["Permute"] = (g, op, x, y) => g.Node("Transpose", x, y, Ints("perm", [.. Attributes<PermutationAttributes>(op).Order.Select(d => (long)d)])),
        ["Cat"] = (g, op, x, y) => g.Node("Concat", x, y, Int("axis", Attributes<AxisAttributes>(op).Axis)),
        ["IndexSelect"] = (g, op, x, y) => g.Node("Gather", [x[0], g.NameOf(Attributes<IndexAttributes>(op).Index)], y, Int("axis", Attributes<IndexAttributes>(op).Axis)),
        ["Gather"] = (g, op, x, y) => g.Node("GatherElements", [x[0], g.NameOf(Attributes<IndexAttributes>(op).Index)], y, Int("axis", Attributes<IndexAttributes>(op).Axis)),
        ["Sum"] = Sum,
        ["To"] = (g, op, x, y) => g.Node("Cast", x, y, Int("to", (long)ElementType(op.Output.DType))),
        ["Detach"] = Same("Identity"),
        ["Copy"] = Same("Identity"),
        ["Squeeze"] = Same("Identity"), // recorded only when nothing is squeezed (a real squeeze is a Reshape)
        ["Gt"] = Same("Greater"),
        ["Ge"] = Same("GreaterOrEqual"),
        ["Lt"] = Same("Less"),
        ["Le"] = Same("LessOrEqual"),
        ["Eq"] = Same("Equal"),
        ["Ne"] = NotEqual,
        ["LogicalNot"] = Same("Not"),
        ["LogicalAnd"] = Same("And"),
        ["LogicalOr"] = Same("Or"),
        ["Where"] = Where,
        ["Conv2d"] = Conv,
        ["ConvTranspose2d"] = ConvTranspose,
        ["MaxPool2d"] = (g, op, x, y) => Pool(g, "MaxPool", Attributes<PoolAttributes>(op), x, y),
        ["AvgPool2d"] = (g, op, x, y) => Pool(g, "AveragePool", Attributes<PoolAttributes>(op), x, y),
        ["AdaptiveAvgPool2d"] = AdaptiveAvgPool,
    };

    /// <summary>The traced op names that have a mapping, sorted (for messages and docs).</summary>
    public static IReadOnlyList<string> Mapped { get; } = [.. Table.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The inputs an op reads as graph values: its inputs, and the index of an indexing op.</summary>
    public static IEnumerable<Tensor> Reads(TracedOp op) =>
        op.Attributes is IndexAttributes index ? [.. op.Inputs, index.Index] : op.Inputs;

    /// <summary>Writes <paramref name="op"/> as nodes producing <paramref name="output"/>.</summary>
    /// <exception cref="NotSupportedException">The op has no ONNX mapping; the message names it.</exception>
    public static void Write(GraphBuilder graph, TracedOp op, string[] inputs, string output)
    {
        if (!Table.TryGetValue(op.Name, out Mapping? mapping))
            throw new NotSupportedException($"Onnx.Export: the op '{op.Name}' (output {Format(op.Output.Shape)}) has no ONNX mapping; mapped ops: {string.Join(", ", Mapped)}");
        mapping(graph, op, inputs, output);
    }

    private static Mapping Same(string onnxOp) => (g, op, x, y) => g.Node(onnxOp, x, y);

    private static void NotEqual(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        string equal = g.Intermediate();
        g.Node("Equal", x, equal);
        g.Node("Not", [equal], y);
    }

    /// <summary>Where: a condition that is not Bool counts as true where it is non-zero, as ONNX's Cast to bool reads it.</summary>
    private static void Where(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        string condition = x[0];
        if (op.Inputs[0].DType != DType.Bool)
        {
            condition = g.Intermediate();
            g.Node("Cast", [x[0]], condition, Int("to", (long)TensorProto.Types.DataType.Bool));
        }
        g.Node("Where", [condition, x[1], x[2]], y);
    }

    private static T Attributes<T>(TracedOp op) where T : OpAttributes =>
        op.Attributes as T ?? throw new InvalidOperationException($"internal: traced {op.Name} has no {typeof(T).Name}");

    /// <summary>
    /// Reshape to the traced shape, with the batch dimension as -1 (inferred) so that the graph
    /// runs with any batch size. A reshape that folds the batch into another dimension of a
    /// result of rank 2 or more cannot be written so, and fails.
    /// </summary>
    private static void Reshape(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        long[] shape = [.. op.Output.Shape.Select(d => (long)d)];
        Tensor input = op.Inputs[0];
        if (g.DependsOnInput(input))
        {
            if (g.IsBatched(op.Output) || shape.Length == 1) shape[0] = -1;
            else if (g.IsBatched(input))
                throw new NotSupportedException($"Onnx.Export: Reshape from {Format(input.Shape)} to {Format(op.Output.Shape)} mixes the batch dimension (the sample's first, {g.BatchSize}) into others; a graph with a dynamic batch cannot hold it");
        }
        g.Node("Reshape", [x[0], g.Int64Constant(shape)], y);
    }

    /// <summary>Expand to the traced shape; a batched input keeps its batch (1 broadcasts to it).</summary>
    private static void Expand(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        long[] shape = [.. op.Output.Shape.Select(d => (long)d)];
        Tensor input = op.Inputs[0];
        if (g.IsBatched(op.Output))
        {
            if (!g.IsBatched(input) || input.Rank != op.Output.Rank)
                throw new NotSupportedException($"Onnx.Export: Expand from {Format(input.Shape)} to {Format(op.Output.Shape)} creates the batch dimension; a graph with a dynamic batch cannot hold it");
            shape[0] = 1;
        }
        g.Node("Expand", [x[0], g.Int64Constant(shape)], y);
    }

    private static void Sum(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        ReductionAttributes a = Attributes<ReductionAttributes>(op);
        if (a.Dims.Length == 0)
        {
            g.Node("Identity", x, y); // ReduceSum with no axes would reduce everything
            return;
        }
        g.Node("ReduceSum", [x[0], g.Int64Constant([.. a.Dims.Select(d => (long)d)])], y, Int("keepdims", a.KeepDim ? 1 : 0));
    }

    private static void Conv(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        Kernels.ConvGeometry c = Attributes<ConvAttributes>(op).Geometry;
        // Padding after the input: what the last window needs ("same" with an even kernel pads
        // more after than before; a stride may leave rows no window reads).
        int bottom = Math.Max(0, (c.OutHeight - 1) * c.StrideH + c.DilationH * (c.KernelH - 1) + 1 - c.Height - c.PadTop);
        int right = Math.Max(0, (c.OutWidth - 1) * c.StrideW + c.DilationW * (c.KernelW - 1) + 1 - c.Width - c.PadLeft);
        g.Node("Conv", x, y, Ints("kernel_shape", c.KernelH, c.KernelW), Ints("strides", c.StrideH, c.StrideW),
            Ints("pads", c.PadTop, c.PadLeft, bottom, right), Ints("dilations", c.DilationH, c.DilationW), Int("group", c.Groups));
    }

    private static void ConvTranspose(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        // The geometry is the convolution's this inverts: its input is this op's output.
        Kernels.ConvGeometry c = Attributes<ConvAttributes>(op).Geometry;
        int extraH = c.Height - ((c.OutHeight - 1) * c.StrideH - 2 * c.PadTop + c.DilationH * (c.KernelH - 1) + 1);
        int extraW = c.Width - ((c.OutWidth - 1) * c.StrideW - 2 * c.PadLeft + c.DilationW * (c.KernelW - 1) + 1);
        g.Node("ConvTranspose", x, y, Ints("kernel_shape", c.KernelH, c.KernelW), Ints("strides", c.StrideH, c.StrideW),
            Ints("pads", c.PadTop, c.PadLeft, c.PadTop, c.PadLeft), Ints("dilations", c.DilationH, c.DilationW),
            Ints("output_padding", extraH, extraW), Int("group", c.Groups));
    }

    private static void Pool(GraphBuilder g, string onnxOp, PoolAttributes a, string[] x, string y)
    {
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", a.Kernel, a.Kernel), Ints("strides", a.Stride, a.Stride), Ints("pads", a.Padding, a.Padding, a.Padding, a.Padding),
        };
        if (onnxOp == "MaxPool") attributes.Add(Ints("dilations", a.Dilation, a.Dilation));
        else attributes.Add(Int("count_include_pad", a.CountIncludePad ? 1 : 0));
        if (a.CeilMode) attributes.Add(Int("ceil_mode", 1));
        g.Node(onnxOp, x, y, [.. attributes]);
    }

    /// <summary>Global average pooling for a 1×1 output; windows of equal size when the input divides evenly; nothing else has an ONNX form.</summary>
    private static void AdaptiveAvgPool(GraphBuilder g, TracedOp op, string[] x, string y)
    {
        AdaptivePoolAttributes a = Attributes<AdaptivePoolAttributes>(op);
        int h = op.Inputs[0].Shape[2], w = op.Inputs[0].Shape[3];
        if (a.Height == 1 && a.Width == 1)
        {
            g.Node("GlobalAveragePool", x, y);
            return;
        }
        if (h % a.Height != 0 || w % a.Width != 0)
            throw new NotSupportedException($"Onnx.Export: AdaptiveAvgPool2d from {h}x{w} to {a.Height}x{a.Width} has windows of unequal size, which ONNX's AveragePool cannot express");
        int kh = h / a.Height, kw = w / a.Width;
        g.Node("AveragePool", x, y, Ints("kernel_shape", kh, kw), Ints("strides", kh, kw));
    }

    private static string Format(IReadOnlyList<int> shape) => "[" + string.Join(",", shape) + "]";
}
