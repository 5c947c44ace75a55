using Backprop.NN;
using Backprop.OnnxTests.Support;
using Backprop.OnnxExport.Proto;
using Backprop.Random;
using Xunit.Abstractions;

namespace Backprop.OnnxTests;

/// <summary>
/// Every mapped op, exported on a batch of 3 and run in ONNX Runtime on that batch and on a
/// batch of 5: the engine and ORT agree to 1e-5, and the model holds the ONNX op the mapping
/// promises (so the test exercises the mapping it names).
/// </summary>
/// <remarks>Each case prints its differences (docs/onnx.md's table): run with <c>--logger "console;verbosity=detailed"</c>.</remarks>
public sealed class OpAgreementTests(ITestOutputHelper log)
{
    /// <summary>One case: the ONNX op expected in the model, the module, the input shape (first dimension the batch), and whether the batch may change.</summary>
    public sealed record Case(string OnnxOp, Func<Module> Module, int[] Shape, bool DynamicBatch = true, bool Indices = false);

    private static NumpyRandom Rng() => new(3);

    private static Tensor Values(int seed, params int[] shape) => Tensor.Randn(new NumpyRandom((uint)seed), shape);

    private static Tensor Positive(int seed, params int[] shape) => Tensor.Rand(new NumpyRandom((uint)seed), shape) + 1.0;

    private static TestModule Fn(Func<TestModule, Tensor, Tensor> forward) => new(forward);

    /// <summary>A layer normalisation, batch norm... with non-trivial weights and statistics, as a trained layer has.</summary>
    private static T Trained<T>(T module, int[] shape) where T : Module
    {
        using (Autograd.NoGrad())
        {
            foreach ((string name, Parameter p) in module.NamedParameters()) p.CopyFrom(Values(name.Length + p.Count, [.. p.Shape]) * 0.5 + 1.0);
        }
        module.Train();
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < 3; i++) module.Forward(Values(10 + i, shape) * 2.0 + 0.5); // moves running statistics, if any
        }
        return module;
    }

    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["Linear"] = new("Gemm", () => new Linear(4, 5, Rng()), [3, 4]),
        ["Linear without bias"] = new("Gemm", () => new Linear(4, 5, Rng(), bias: false), [3, 4]),
        ["Linear on rank 3"] = new("MatMul", () => new Linear(4, 5, Rng()), [3, 2, 4]),
        ["MatMul"] = new("MatMul", () => Fn((m, x) => x.MatMul(m["w"])).With("w", Values(1, 4, 5)), [3, 4]),
        ["Add"] = new("Add", () => Fn((m, x) => x + m["b"]).With("b", Values(1, 4)), [3, 4]),
        ["Sub"] = new("Sub", () => Fn((m, x) => m["b"] - x).With("b", Values(1, 4)), [3, 4]),
        ["Mul"] = new("Mul", () => Fn((m, x) => x * m["b"]).With("b", Values(1, 4)), [3, 4]),
        ["Div"] = new("Div", () => Fn((m, x) => x / m["b"]).With("b", Positive(1, 4)), [3, 4]),
        ["Scalar constants"] = new("Mul", () => Fn((_, x) => (x * 0.5 + 2.0) / 3.0 - 1.0), [3, 4]),
        ["Relu"] = new("Relu", () => new Activation(ActivationKind.Relu), [3, 4]),
        ["LeakyRelu"] = new("LeakyRelu", () => Fn((_, x) => x.LeakyRelu(0.2)), [3, 4]),
        ["Tanh"] = new("Tanh", () => new Activation(ActivationKind.Tanh), [3, 4]),
        ["Sigmoid"] = new("Sigmoid", () => new Activation(ActivationKind.Sigmoid), [3, 4]),
        ["Gelu"] = new("Erf", () => new Activation(ActivationKind.Gelu), [3, 4]),
        ["Gelu (tanh approximation)"] = new("Tanh", () => Fn((_, x) => x.Gelu("tanh")), [3, 4]),
        ["Softplus"] = new("Softplus", () => Fn((_, x) => (x * 4.0).Softplus()), [3, 4]),
        ["Softplus with beta 2"] = new("Softplus", () => Fn((_, x) => x.Softplus(beta: 2)), [3, 4]),
        ["Softmax"] = new("Softmax", () => Fn((_, x) => x.Softmax(1)), [3, 4]),
        ["LogSoftmax"] = new("LogSoftmax", () => Fn((_, x) => x.LogSoftmax(-1)), [3, 2, 4]),
        ["LayerNorm"] = new("LayerNormalization", () => Trained(new LayerNorm(4), [3, 4]), [3, 4]),
        ["LayerNorm over two dimensions, no affine"] = new("LayerNormalization", () => Fn((_, x) => x.LayerNorm(2)), [3, 2, 4]),
        ["BatchNorm1d"] = new("BatchNormalization", () => Trained(new BatchNorm1d(4), [6, 4]), [3, 4]),
        ["BatchNorm2d"] = new("BatchNormalization", () => Trained(new BatchNorm2d(2), [4, 2, 3, 3]), [3, 2, 3, 3]),
        ["Dropout (evaluation: the identity)"] = new("Gemm", () => new Sequential(new Linear(4, 5, Rng()), new NN.Dropout(0.5, Rng())), [3, 4]),
        ["Flatten"] = new("Reshape", () => new Flatten(), [3, 2, 3, 2]),
        ["Unflatten"] = new("Reshape", () => new Unflatten(1, 2, 3), [3, 6]),
        ["Flatten everything"] = new("Reshape", () => Fn((_, x) => x.Flatten()), [3, 4]),
        ["Transpose"] = new("Transpose", () => Fn((_, x) => x.Transpose(1, 2)), [3, 2, 4]),
        ["Permute"] = new("Transpose", () => Fn((_, x) => x.Permute(0, 2, 3, 1)), [3, 2, 4, 5]),
        ["Expand"] = new("Expand", () => Fn((_, x) => x.Expand(x.Shape[0], 2, 4) * 2.0), [3, 1, 4]),
        ["Cast (To)"] = new("Cast", () => Fn((_, x) => (x.To(DType.Float64) * 2.0).Exp().To(DType.Float32)), [3, 4]),
        ["Concat"] = new("Concat", () => Fn((m, x) => Tensor.Cat([x, x * m["w"]], 1)).With("w", Values(2, 4)), [3, 4]),
        ["Gather (IndexSelect)"] = new("Gather", () => Fn((_, x) => x.IndexSelect(1, Tensor.FromArray(new long[] { 2, 0, 2 }))), [3, 4]),
        ["Gather (Embedding)"] = new("Gather", () => new Embedding(10, 4, Rng()), [3, 5], Indices: true),
        ["GatherElements"] = new("GatherElements", () => Fn((_, x) => x.Gather(1, Tensor.FromArray(new long[] { 0, 3, 1, 1, 2, 0 }, 3, 2))), [3, 4], DynamicBatch: false),
        ["Sum and Mean"] = new("ReduceSum", () => Fn((_, x) => x.Sum(1) + x.Mean([1, 2], keepDim: true).Reshape(-1, 1)), [3, 2, 4]),
        ["Pow, Exp, Log, Sqrt, Abs, Neg"] = new("Pow", () => Fn((_, x) => (x.Abs() + 1.0).Log() + x.Exp().Sqrt() - x.Neg() + x.Pow(2.0)), [3, 4]),
        ["Comparisons, logic, Where"] = new("Where", () => Fn((_, x) => Tensor.Where(x.Gt(0.25), x, x * 2.0)
            + x.Lt(-0.5).LogicalOr(x.Ge(1.0)).To(DType.Float32) - (x.Ne(0.0) & x.Le(1.0) & !x.Eq(0.5)).To(DType.Float32)), [3, 4]),
        ["Where on a 0/1 float mask"] = new("Where", () => Fn((_, x) => Tensor.Where(x.Gt(0.0).To(DType.Float32), x, x.Neg())), [3, 4]),
        ["Conv2d"] = new("Conv", () => new Conv2d(2, 4, 3, Rng(), stride: 2, padding: 1), [3, 2, 7, 7]),
        ["Conv2d same, even kernel, groups, dilation"] = new("Conv", () => new Conv2d(4, 4, 4, Rng(), "same", dilation: 2, groups: 2), [3, 4, 9, 9]),
        ["Conv1d"] = new("Conv", () => new Conv1d(2, 3, 3, Rng(), padding: 1), [3, 2, 9]),
        ["ConvTranspose2d"] = new("ConvTranspose", () => new ConvTranspose2d(4, 2, 3, Rng(), stride: 2, padding: 1, outputPadding: 1), [3, 4, 5, 5]),
        ["MaxPool2d"] = new("MaxPool", () => new MaxPool2d(3, 2, 1), [3, 2, 7, 7]),
        ["AvgPool2d"] = new("AveragePool", () => new AvgPool2d(3, 2, 1), [3, 2, 7, 7]),
        ["AvgPool2d without padding in the count"] = new("AveragePool", () => new AvgPool2d(3, 2, 1, countIncludePad: false), [3, 2, 7, 7]),
        ["MaxPool2d with ceil mode"] = new("MaxPool", () => new MaxPool2d(3, 2, 1, ceilMode: true), [3, 2, 8, 7]),
        ["AvgPool2d with ceil mode"] = new("AveragePool", () => new AvgPool2d(3, 2, 1, ceilMode: true), [3, 2, 8, 7]),
        ["AvgPool2d with ceil mode, without padding in the count"] = new("AveragePool", () => new AvgPool2d(3, 2, 1, countIncludePad: false, ceilMode: true), [3, 2, 8, 7]),
        ["AdaptiveAvgPool2d to 1x1"] = new("GlobalAveragePool", () => new AdaptiveAvgPool2d(1), [3, 2, 5, 5]),
        ["AdaptiveAvgPool2d to 2x2"] = new("AveragePool", () => new AdaptiveAvgPool2d(2), [3, 2, 4, 6]),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    private static Tensor Input(Case c, int batch, int seed)
    {
        int[] shape = [batch, .. c.Shape[1..]];
        if (!c.Indices) return Values(seed, shape);
        var random = new NumpyRandom((uint)seed);
        return Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (long)random.NextInterval(9)).ToArray(), shape);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EngineAndOnnxRuntimeAgree(string name)
    {
        Case c = Cases[name];
        Module module = c.Module();
        Tensor sample = Input(c, 3, 21);
        byte[] bytes = Exported.Bytes(module, sample);
        ModelProto model = ModelProto.Parser.ParseFrom(bytes);
        Assert.Contains(c.OnnxOp, model.Graph.Node.Select(n => n.OpType));

        double sameBatch = OrtRun.MaxDifference(Exported.Engine(module, sample), OrtRun.Run(bytes, sample));
        Assert.True(sameBatch <= Exported.Tolerance, $"{name}: max |engine - ORT| = {sameBatch:G3}");
        if (!c.DynamicBatch)
        {
            log.WriteLine($"| {name} | {c.OnnxOp} | {sameBatch:0.0e+0} | (fixed batch) |");
            return;
        }
        Tensor other = Input(c, 5, 22);
        double otherBatch = OrtRun.MaxDifference(Exported.Engine(module, other), OrtRun.Run(bytes, other));
        Assert.True(otherBatch <= Exported.Tolerance, $"{name}, batch 5: max |engine - ORT| = {otherBatch:G3}");
        log.WriteLine($"| {name} | {c.OnnxOp} | {sameBatch:0.0e+0} | {otherBatch:0.0e+0} |");
    }
}
