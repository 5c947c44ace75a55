using Backprop.NN;
using Backprop.Random;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Tensors;

/// <summary>
/// The fused Linear + activation op (<c>Tensor.LinearActivation</c>) and its use by
/// <see cref="Sequential"/>: the same bits as the two ops it replaces, forward and backward,
/// gradients against finite differences, gradients of gradients, the saved-output check, and
/// the cases where the layers must stay apart (hooks, traces, anomaly mode).
/// </summary>
public class LinearActivationTests
{
    public static TheoryData<ActivationKind> Activations => [ActivationKind.Relu, ActivationKind.Tanh, ActivationKind.Sigmoid];

    private static FusedActivation Fused(ActivationKind kind) =>
        kind switch { ActivationKind.Relu => FusedActivation.Relu, ActivationKind.Tanh => FusedActivation.Tanh, _ => FusedActivation.Sigmoid };

    private static Tensor Unfused(Tensor x, Tensor w, Tensor? b, FusedActivation activation)
    {
        Tensor z = x.Linear(w, b);
        return activation switch { FusedActivation.Relu => z.Relu(), FusedActivation.Tanh => z.Tanh(), _ => z.Sigmoid() };
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void GradCheck(ActivationKind kind)
    {
        FusedActivation activation = Fused(kind);
        Tensor x = Normal(1, 5, 3), w = Normal(2, 4, 3), b = Normal(3, 4);
        AssertGradCheck(t => t[0].LinearActivation(t[1], t[2], activation), x, w, b);
        AssertGradCheck(t => t[0].LinearActivation(t[1], null, activation), x, w);
        AssertGradCheck(t => t[0].LinearActivation(t[1], t[2], activation), Normal(4, 3), w, b);       // one example: the composed form
        AssertGradCheck(t => t[0].Transpose(0, 1).LinearActivation(t[1], t[2], activation), Normal(5, 3, 5), w, b); // a transposed input
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void SecondDerivatives(ActivationKind kind)
    {
        FusedActivation activation = Fused(kind);
        Tensor x = Normal(10, 3, 2), w = Normal(11, 4, 2), b = Normal(12, 4), target = Normal(13, 3, 4);
        AssertGradCheck(t =>
        {
            Tensor loss = Losses.MseLoss(t[0].LinearActivation(t[1], t[2], activation), target);
            Tensor[] g = Autograd.Grad([loss], t, createGraph: true);
            return g[0].Pow(2).Sum() + g[1].Sum() + g[2].Pow(2).Sum();
        }, x, w, b);
    }

    [Theory]
    [InlineData(ActivationKind.Tanh, 10, 7, 8)]      // TF Playground's first layer
    [InlineData(ActivationKind.Tanh, 10, 8, 1)]      // its output layer
    [InlineData(ActivationKind.Sigmoid, 33, 17, 9)]
    [InlineData(ActivationKind.Relu, 1, 5, 3)]
    [InlineData(ActivationKind.Relu, 128, 784, 256)] // the MNIST MLP's first layer: threaded, packed product
    public void SameBitsAsTheTwoOps(ActivationKind kind, int rows, int inFeatures, int outFeatures)
    {
        FusedActivation activation = Fused(kind);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            var random = new NumpyRandom((uint)(rows * 1000 + inFeatures));
            Tensor x0 = Tensor.Randn(random, [rows, inFeatures], dtype), w0 = Tensor.Randn(random, [outFeatures, inFeatures], dtype);
            Tensor b0 = Tensor.Randn(random, [outFeatures], dtype), seed = Tensor.Randn(random, [rows, outFeatures], dtype);
            (double[] y, double[] gx, double[] gw, double[] gb) Run(bool fused)
            {
                Tensor x = x0.Clone().Detach(), w = w0.Clone().Detach(), b = b0.Clone().Detach();
                x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
                Tensor y = fused ? x.LinearActivation(w, b, activation) : Unfused(x, w, b, activation);
                y.Backward(seed);
                return (Doubles(y), Doubles(x.Grad!), Doubles(w.Grad!), Doubles(b.Grad!));
            }
            var apart = Run(fused: false);
            var together = Run(fused: true);
            Assert.Equal(apart.y, together.y);
            Assert.Equal(apart.gx, together.gx);
            Assert.Equal(apart.gw, together.gw);
            Assert.Equal(apart.gb, together.gb);
        }
    }

    private static double[] Doubles(Tensor t) => t.To(DType.Float64).ToArray<double>();

    [Fact]
    public void EdgePointsMatchTheTwoOps()
    {
        // The ReLU kink (z = 0, reached exactly with a zero weight row), ±infinity and NaN in the product.
        float[] inputs = [0f, 1f, -2f, float.PositiveInfinity, float.NaN, -0f];
        foreach (FusedActivation activation in new[] { FusedActivation.Relu, FusedActivation.Tanh, FusedActivation.Sigmoid })
        {
            (float[] y, float[] gx) Run(bool fused)
            {
                Tensor x = Tensor.FromArray(inputs, 3, 2).Detach(), w = Tensor.FromArray(new float[] { 1f, 0f, 0f, 0f, -1f, 1f }, 3, 2).Detach();
                x.RequiresGrad = w.RequiresGrad = true;
                Tensor y = fused ? x.LinearActivation(w, null, activation) : Unfused(x, w, null, activation);
                y.Backward(Tensor.OnesLike(y));
                return (y.ToArray<float>(), x.Grad!.ToArray<float>());
            }
            var apart = Run(false);
            var together = Run(true);
            Assert.Equal(apart.y, together.y);
            Assert.Equal(apart.gx, together.gx);
        }
    }

    [Fact]
    public void WritingTheOutputInPlaceBeforeBackwardThrows()
    {
        Tensor x = Normal(20, 4, 3), w = Normal(21, 2, 3);
        Tensor y = x.LinearActivation(w, null, FusedActivation.Tanh);
        Tensor sum = y.Sum();
        using (Autograd.NoGrad()) y.Detach().AddInPlace(Tensor.OnesLike(y));
        var e = Assert.Throws<InvalidOperationException>(() => sum.Backward());
        Assert.Contains("Linear+Tanh backward: its output", e.Message);
        Assert.Contains("modified in place", e.Message);
    }

    [Fact]
    public void WritingTheWeightInPlaceBeforeBackwardThrows()
    {
        Tensor x = Normal(22, 4, 3), w = Normal(23, 2, 3);
        Tensor sum = x.LinearActivation(w, null, FusedActivation.Relu).Sum();
        using (Autograd.NoGrad()) w.Detach().AddInPlace(Tensor.OnesLike(w));
        var e = Assert.Throws<InvalidOperationException>(() => sum.Backward());
        Assert.Contains("Linear+Relu backward: its input 1", e.Message);
    }

    private static Sequential Mlp(ActivationKind kind) => new(
        new Linear(3, 5, new NumpyRandom(1)), new Activation(kind), new Linear(5, 2, new NumpyRandom(2)), new Activation(kind));

    [Theory]
    [InlineData(ActivationKind.Relu, "Linear+Relu")]
    [InlineData(ActivationKind.Tanh, "Linear+Tanh")]
    [InlineData(ActivationKind.Sigmoid, "Linear+Sigmoid")]
    public void SequentialFusesALinearAndItsActivation(ActivationKind kind, string op)
    {
        // One pair is one op; two or more in a row are one stack op (LinearActivationStackTests).
        Tensor x = Tensor.Randn(new NumpyRandom(3), 4, 3);
        Tensor y = new Sequential(new Linear(3, 5, new NumpyRandom(1)), new Activation(kind)).Forward(x);
        Assert.Equal(op, y.GradFn!.Name);
        Assert.Same(x, y.GradFn.Inputs[0]);
        Assert.Equal(op + " stack", Mlp(kind).Forward(x).GradFn!.Name);
    }

    [Fact]
    public void PyTorchNamedActivationModulesFuseToo()
    {
        Tensor x = Tensor.Randn(new NumpyRandom(7), 4, 3);
        Assert.Equal("Linear+Relu", new Sequential(new Linear(3, 2, new NumpyRandom(1)), new ReLU()).Forward(x).GradFn!.Name);
        Assert.Equal("Linear+Tanh", new Sequential(new Linear(3, 2, new NumpyRandom(1)), new Backprop.NN.Tanh()).Forward(x).GradFn!.Name);
        Assert.Equal("Linear+Sigmoid", new Sequential(new Linear(3, 2, new NumpyRandom(1)), new Backprop.NN.Sigmoid()).Forward(x).GradFn!.Name);
        Assert.Equal("LeakyRelu", new Sequential(new Linear(3, 2, new NumpyRandom(1)), new LeakyReLU()).Forward(x).GradFn!.Name);
        // A Linear last (nothing after it) and a Linear before a non-activation run as they are.
        Assert.Equal("Linear", new Sequential(new Linear(3, 2, new NumpyRandom(1))).Forward(x).GradFn!.Name);
        Assert.Equal("Linear", new Sequential(new Linear(3, 2, new NumpyRandom(1)), new Dropout(0.5)).Eval().Forward(x).GradFn!.Name);
    }

    [Fact]
    public void NoGradRunsTheFusedForwardWithoutARule()
    {
        Sequential model = Mlp(ActivationKind.Tanh);
        Tensor x = Tensor.Randn(new NumpyRandom(8), 4, 3);
        Tensor recorded = model.Forward(x);
        Tensor y;
        using (Autograd.NoGrad()) y = model.Forward(x);
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        Assert.Equal(recorded.ToArray<float>(), y.ToArray<float>());
    }

    [Theory]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.LeakyRelu)]
    [InlineData(ActivationKind.Identity)]
    public void ActivationsWithoutAFusedFormRunApart(ActivationKind kind)
    {
        Tensor y = Mlp(kind).Forward(Tensor.Randn(new NumpyRandom(3), 4, 3));
        Assert.DoesNotContain("+", y.GradFn!.Name);
    }

    [Fact]
    public void SequentialGivesTheSameNumbersFusedOrNot()
    {
        // The same model and batch through the fused path and, with a hook that does nothing on
        // the last activation, through the two ops: outputs and every gradient bit for bit.
        Tensor batch = Tensor.Randn(new NumpyRandom(4), 6, 3);
        (float[] y, float[][] grads) Run(bool watched)
        {
            Sequential model = Mlp(ActivationKind.Tanh);
            using IDisposable? hook = watched ? model.Layers[3].RegisterForwardHook((_, _, _) => { }) : null;
            Tensor y = model.Forward(batch);
            Assert.Equal(watched ? "Tanh" : "Linear+Tanh stack", y.GradFn!.Name);
            y.Pow(2).Sum().Backward();
            return (y.ToArray<float>(), [.. model.Parameters().Select(p => p.Grad!.ToArray<float>())]);
        }
        var apart = Run(watched: true);
        var together = Run(watched: false);
        Assert.Equal(apart.y, together.y);
        Assert.Equal(apart.grads, together.grads);
    }

    [Fact]
    public void HooksOnEitherModuleSeeTheirOwnOutputs()
    {
        Sequential model = Mlp(ActivationKind.Tanh);
        var seen = new List<string>();
        using IDisposable linearHook = model.Layers[0].RegisterForwardHook((m, _, output) => seen.Add($"{m.GetType().Name} {output.GradFn!.Name}"));
        using IDisposable backwardHook = model.Layers[1].RegisterBackwardHook((m, _) => seen.Add($"{m.GetType().Name} backward"));
        model.Forward(Tensor.Randn(new NumpyRandom(5), 2, 3)).Sum().Backward();
        Assert.Equal(["Linear Linear", "Activation backward"], seen);
    }

    [Fact]
    public void AnomalyModeAndTracesSeeEveryOp()
    {
        Sequential model = Mlp(ActivationKind.Sigmoid);
        Tensor x = Tensor.Randn(new NumpyRandom(6), 2, 3);
        using (Autograd.DetectAnomaly()) Assert.Equal("Sigmoid", model.Forward(x).GradFn!.Name);
        Assert.Equal("Linear+Sigmoid stack", model.Forward(x).GradFn!.Name);
    }
}
