using Backprop.Diagnostics;
using CsCheck;
using Backprop.Memory;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Tests.Tensors;

/// <summary>
/// Two or more Linear + activation pairs in a row as one op (<c>Tensor.LinearActivationStack</c>,
/// used by <see cref="Sequential"/>): the same bits as the layers run one by one, forward and
/// backward, for every activation, with and without biases, in float and double; gradients
/// against finite differences and gradients of gradients; the saved-tensor checks; and where a
/// stack must break (hooks, a width that does not fit, another module between).
/// </summary>
public class LinearActivationStackTests
{
    private static Sequential Model(DType dtype, bool bias, params ActivationKind[] kinds)
    {
        // Widths 3 -> 5 -> 4 -> 5 -> ... -> 2: hidden layers of different widths, so that a slice of the wrong layer shows.
        var model = new Sequential();
        int width = 3;
        for (int l = 0; l < kinds.Length; l++)
        {
            int next = l + 1 == kinds.Length ? 2 : (l % 2 == 0 ? 5 : 4);
            model.Add(new Linear(width, next, new NumpyRandom((uint)(10 + l)), bias, dtype));
            model.Add(new Activation(kinds[l]));
            width = next;
        }
        return model;
    }

    /// <summary>The model's modules one by one (each its own op: Linear, then the activation), as they ran before any fusing.</summary>
    private static Tensor OneByOne(Sequential model, Tensor x)
    {
        foreach (Module layer in model.Layers) x = layer.Forward(x);
        return x;
    }

    public static TheoryData<ActivationKind[], bool> Stacks => new()
    {
        { [ActivationKind.Tanh, ActivationKind.Tanh], true },
        { [ActivationKind.Relu, ActivationKind.Sigmoid, ActivationKind.Tanh], true },
        { [ActivationKind.Sigmoid, ActivationKind.Relu, ActivationKind.Relu, ActivationKind.Tanh], false },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void SameBitsAsTheLayersOneByOne(ActivationKind[] kinds, bool bias)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (bool inputRequiresGrad in new[] { true, false })
            {
                Tensor batch = Tensor.Randn(new NumpyRandom(7), [6, 3], dtype);
                Tensor seed = Tensor.Randn(new NumpyRandom(8), [6, 2], dtype);
                (double[] y, double[]? gx, double[][] grads) Run(bool stacked)
                {
                    Sequential model = Model(dtype, bias, kinds);
                    Tensor x = batch.Clone().Detach();
                    x.RequiresGrad = inputRequiresGrad;
                    Tensor y = stacked ? model.Forward(x) : OneByOne(model, x);
                    Assert.Equal(stacked, y.GradFn!.Name.EndsWith(" stack", StringComparison.Ordinal));
                    y.Backward(seed);
                    return (Doubles(y), x.Grad is null ? null : Doubles(x.Grad), [.. model.Parameters().Select(p => Doubles(p.Grad!))]);
                }
                var apart = Run(stacked: false);
                var together = Run(stacked: true);
                Assert.Equal(apart.y, together.y);
                Assert.Equal(apart.gx, together.gx);
                Assert.Equal(apart.grads, together.grads);
                Assert.Equal(inputRequiresGrad, together.gx is not null);
            }
        }
    }

    [Fact]
    public void RandomStacksMatchTheLayersOneByOneBitForBit()
    {
        // Depth, widths (1 to 20: vector edges and tails), batch rows (0 to 13), activations,
        // biases and a second backward pass into the same leaves (accumulation), all drawn.
        Gen<(int[] Widths, int Rows, int[] Kinds, bool Bias, uint Seed)> stacks = Gen.Select(
            Gen.Int[1, 20].Array[3, 6], Gen.Int[0, 13], Gen.Int[0, 2].Array[5], Gen.Bool, Gen.UInt);
        stacks.Sample(stack =>
        {
            (int[] widths, int rows, int[] kinds, bool bias, uint seed) = stack;
            ActivationKind[] activations = [ActivationKind.Relu, ActivationKind.Tanh, ActivationKind.Sigmoid];
            Tensor batch = Tensor.Randn(new NumpyRandom(seed), rows, widths[0]);
            Tensor seedGrad = Tensor.Randn(new NumpyRandom(seed + 1), rows, widths[^1]);
            (float[] y, float[][] grads) Run(bool stacked)
            {
                var model = new Sequential();
                for (int l = 0; l + 1 < widths.Length; l++)
                {
                    model.Add(new Linear(widths[l], widths[l + 1], new NumpyRandom(seed + 2 + (uint)l), bias));
                    model.Add(new Activation(activations[kinds[l]]));
                }
                Tensor y = default!;
                for (int pass = 0; pass < 2; pass++)
                {
                    y = stacked ? model.Forward(batch) : OneByOne(model, batch);
                    y.Backward(seedGrad);
                }
                return (y.ToArray<float>(), [.. model.Parameters().Select(p => p.Grad!.ToArray<float>())]);
            }
            var apart = Run(false);
            var together = Run(true);
            Assert.Equal(apart.y, together.y);
            Assert.Equal(apart.grads, together.grads);
        }, iter: 100);
    }

    [Fact]
    public void TransposedInputAndTheEmptyBatchMatchTheLayersOneByOne()
    {
        foreach (Tensor batch in new[] { Tensor.Randn(new NumpyRandom(9), 3, 6).Transpose(0, 1), Tensor.Zeros(0, 3) })
        {
            (float[] y, float[][] grads) Run(bool stacked)
            {
                Sequential model = Model(DType.Float32, true, ActivationKind.Tanh, ActivationKind.Relu, ActivationKind.Tanh);
                Tensor y = stacked ? model.Forward(batch) : OneByOne(model, batch);
                y.Pow(2).Sum().Backward();
                return (y.ToArray<float>(), [.. model.Parameters().Select(p => p.Grad!.ToArray<float>())]);
            }
            var apart = Run(false);
            var together = Run(true);
            Assert.Equal(apart.y, together.y);
            Assert.Equal(apart.grads, together.grads);
        }
    }

    private static Tensor Stack(Tensor[] t, params FusedActivation[] activations)
    {
        // t: the input, then each layer's weight and bias.
        FusedLayer[] layers = [.. activations.Select((f, l) => new FusedLayer(t[1 + 2 * l], t[2 + 2 * l], f))];
        return t[0].LinearActivationStack(layers, Autograd.Modes);
    }

    private static Tensor[] Operands(uint seed)
    {
        Sequential model = Model(DType.Float64, true, ActivationKind.Tanh, ActivationKind.Sigmoid, ActivationKind.Relu);
        Tensor x = Tensor.Randn(new NumpyRandom(seed), [4, 3], DType.Float64);
        x.RequiresGrad = true;
        return [x, .. model.Parameters().Select(Leaf)];
    }

    [Fact]
    public void GradCheckInDouble()
    {
        Tensor[] t = Operands(11);
        Assert.Equal("Linear+Tanh stack", Stack(t, FusedActivation.Tanh, FusedActivation.Sigmoid, FusedActivation.Relu).GradFn!.Name);
        GradCheckResult result = GradCheck.Check(t => Stack(t, FusedActivation.Tanh, FusedActivation.Sigmoid, FusedActivation.Relu).Pow(2).Sum(), t);
        Assert.True(result.Passed, result.Message);
    }

    [Fact]
    public void SecondDerivativesAgainstFiniteDifferences()
    {
        Tensor target = Tensor.Randn(new NumpyRandom(19), [4, 4], DType.Float64); // two layers: 3 -> 5 -> 4
        GradCheckResult result = GradCheck.Check(t =>
        {
            Tensor loss = Losses.MseLoss(Stack(t, FusedActivation.Tanh, FusedActivation.Sigmoid), target);
            Tensor[] g = Autograd.Grad([loss], t, createGraph: true);
            return g[0].Pow(2).Sum() + g[1].Sum() + g[4].Pow(2).Sum();
        }, Operands(18)[..5]);
        Assert.True(result.Passed, result.Message);
    }

    [Fact]
    public void SecondDerivativesMatchTheLayersOneByOne()
    {
        // A gradient penalty: the gradient of the input's gradient, through the stack (run again
        // as recorded ops) and through the layers one by one.
        Tensor batch = Tensor.Randn(new NumpyRandom(12), [5, 3], DType.Float64);
        (double[] gx, double[][] grads) Run(bool stacked)
        {
            Sequential model = Model(DType.Float64, true, ActivationKind.Tanh, ActivationKind.Sigmoid);
            Tensor x = batch.Clone().Detach();
            x.RequiresGrad = true;
            Tensor y = stacked ? model.Forward(x) : OneByOne(model, x);
            Tensor[] g = Autograd.Grad([y.Pow(2).Sum()], [x], createGraph: true);
            g[0].Pow(2).Sum().Backward();
            return (Doubles(x.Grad!), [.. model.Parameters().Select(p => Doubles(p.Grad!))]);
        }
        var apart = Run(false);
        var together = Run(true);
        // The second pass adds the paths' contributions in another order: the last bits may differ.
        AssertClose(apart.gx, together.gx);
        for (int i = 0; i < apart.grads.Length; i++) AssertClose(apart.grads[i], together.grads[i]);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {expected[i]:R} against {actual[i]:R}");
    }

    [Fact]
    public void WritingAWeightInPlaceBeforeBackwardThrowsNamingTheStack()
    {
        Sequential model = Model(DType.Float32, true, ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Tanh);
        Tensor sum = model.Forward(Tensor.Randn(new NumpyRandom(13), 4, 3)).Sum();
        var middle = (Linear)model.Layers[2];
        using (Autograd.NoGrad()) middle.Weight.AddInPlace(Tensor.OnesLike(middle.Weight));
        var e = Assert.Throws<InvalidOperationException>(() => sum.Backward());
        Assert.Contains("Linear+Tanh stack backward", e.Message);
        Assert.Contains("modified in place", e.Message);
        Assert.Contains("[4,5]", e.Message);
    }

    [Fact]
    public void WritingTheOutputInPlaceBeforeBackwardThrows()
    {
        Sequential model = Model(DType.Float32, true, ActivationKind.Relu, ActivationKind.Relu);
        Tensor y = model.Forward(Tensor.Randn(new NumpyRandom(14), 4, 3));
        Tensor sum = y.Sum();
        using (Autograd.NoGrad()) y.Detach().AddInPlace(Tensor.OnesLike(y));
        var e = Assert.Throws<InvalidOperationException>(() => sum.Backward());
        Assert.Contains("Linear+Relu stack backward", e.Message);
    }

    [Fact]
    public void TheStackIsOneOpOverTheInputAndEveryParameter()
    {
        Sequential model = Model(DType.Float32, true, ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Tanh);
        Tensor x = Tensor.Randn(new NumpyRandom(15), 4, 3);
        Tensor y = model.Forward(x);
        Assert.Equal([x, .. model.Parameters()], y.GradFn!.Inputs);
        Assert.Equal([4, 2], y.Shape);
        using (Autograd.NoGrad())
        {
            Tensor z = model.Forward(x);
            Assert.Null(z.GradFn);
            Assert.Equal(y.ToArray<float>(), z.ToArray<float>());
        }
    }

    [Fact]
    public void ANoGradForwardInAScopeGivesBackItsScratch()
    {
        Sequential model = Model(DType.Float32, true, ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Tanh);
        Tensor x = Tensor.Randn(new NumpyRandom(16), 40, 3);
        using (Autograd.NoGrad())
        using (TensorScope scope = Tensor.Scope())
        {
            model.Forward(x);
            Assert.Equal(1, scope.Count); // the output: the hidden activations went back at once
        }
    }

    [Fact]
    public void StacksBreakWhereSomethingWatchesOrTheLayersDoNotChain()
    {
        Tensor x = Tensor.Randn(new NumpyRandom(17), 4, 3);
        Sequential hooked = Model(DType.Float32, true, ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Tanh);
        var seen = new List<int[]>();
        using (hooked.Layers[3].RegisterForwardHook((_, _, output) => seen.Add([.. output.Shape])))
        {
            // Pair 0 alone, pair 1 watched (two ops), pair 2 alone: no stack of two anywhere.
            Tensor y = hooked.Forward(x);
            Assert.Equal("Linear+Tanh", y.GradFn!.Name);
            Assert.Equal([[4, 4]], seen);
        }
        Assert.Equal("Linear+Tanh stack", hooked.Forward(x).GradFn!.Name);

        // A dropout between the pairs, and a last Linear without an activation: no stack either side.
        Sequential split = new(new Linear(3, 4, new NumpyRandom(1)), new Activation(ActivationKind.Tanh), new Dropout(0.5),
                               new Linear(4, 4, new NumpyRandom(2)), new Activation(ActivationKind.Tanh), new Linear(4, 2, new NumpyRandom(3)));
        split.Eval();
        Tensor z = split.Forward(x);
        Assert.Equal("Linear", z.GradFn!.Name);
        Assert.Equal("Linear+Tanh", z.GradFn.Inputs[0].GradFn!.Name);

        // A width that does not chain: the layers run one by one and the second reports it.
        Sequential broken = new(new Linear(3, 4, new NumpyRandom(1)), new Activation(ActivationKind.Tanh),
                                new Linear(5, 2, new NumpyRandom(2)), new Activation(ActivationKind.Tanh));
        var e = Assert.Throws<ArgumentException>(() => broken.Forward(x));
        Assert.Contains("Linear(5, 2)", e.Message);
    }

    private static Tensor Leaf(Tensor t)
    {
        Tensor copy = t.Detach().Clone();
        copy.RequiresGrad = true;
        return copy;
    }

    private static double[] Doubles(Tensor t) => t.To(DType.Float64).ToArray<double>();
}
