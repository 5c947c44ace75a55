using Backprop.Random;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Tensors;

/// <summary>
/// The fused ops (Linear, MseLoss, tanh's and sigmoid's one-pass backward): gradients against
/// finite differences in Float64, gradients of gradients, edge points, and the same bits as the
/// composed forms they replace.
/// </summary>
public class FusedOpTests
{
    [Fact]
    public void LinearGradCheck()
    {
        Tensor x = Normal(1, 5, 3), w = Normal(2, 4, 3), b = Normal(3, 4);
        AssertGradCheck(t => t[0].Linear(t[1], t[2]), x, w, b);
        AssertGradCheck(t => t[0].Linear(t[1]), x, w);
        AssertGradCheck(t => t[0].Linear(t[1], t[2]), Normal(4, 3), w, b);          // one example
        AssertGradCheck(t => t[0].Linear(t[1], t[2]), Normal(5, 2, 2, 3), w, b);    // extra batch dimension
        AssertGradCheck(t => t[0].Transpose(0, 1).Linear(t[1], t[2]), Normal(6, 3, 5), w, b); // a transposed input
        AssertGradCheck(t => t[0].Linear(t[1].Transpose(0, 1), t[2]), x, Normal(7, 3, 4), b); // a transposed weight
    }

    [Fact]
    public void MseLossGradCheck()
    {
        Tensor x = Normal(10, 4, 3), target = Normal(11, 4, 3);
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            AssertGradCheck(t => Losses.MseLoss(t[0], t[1], reduction), x, target);
            AssertGradCheck(t => Losses.MseLoss(t[0].Transpose(0, 1), t[1].Transpose(0, 1), reduction), x, target);
        }
        AssertGradCheck(t => Losses.MseLoss(t[0], t[1]), Normal(12), Normal(13)); // scalars
    }

    [Fact]
    public void SecondDerivativesThroughFusedOps()
    {
        Tensor x = Normal(20, 3, 2), w = Normal(21, 4, 2), b = Normal(22, 4), target = Normal(23, 3, 4);
        Func<Tensor[], Tensor>[] functions =
        [
            t => Losses.MseLoss(t[0].Linear(t[1], t[2]).Tanh(), target),
            t => Losses.MseLoss(t[0].Linear(t[1], t[2]).Sigmoid(), target, Reduction.Sum),
            t => Losses.MseLoss(t[0].Linear(t[1], t[2]), target, Reduction.None).Pow(2).Sum(),
        ];
        foreach (Func<Tensor[], Tensor> f in functions)
        {
            AssertGradCheck(t =>
            {
                Tensor[] g = Autograd.Grad([f(t)], t, createGraph: true);
                return g[0].Pow(2).Sum() + g[1].Sum() + g[2].Pow(2).Sum();
            }, x, w, b);
        }
    }

    [Theory]
    [InlineData(10, 7, 8)]      // TF Playground's first layer
    [InlineData(10, 8, 1)]      // its output layer
    [InlineData(1, 5, 3)]
    [InlineData(33, 17, 9)]
    [InlineData(128, 784, 256)] // threaded, packed product
    public void LinearHasTheBitsOfTheComposedForm(int rows, int inFeatures, int outFeatures)
    {
        var random = new NumpyRandom((uint)(rows * 1000 + inFeatures));
        Tensor x0 = Tensor.Randn(random, rows, inFeatures), w0 = Tensor.Randn(random, outFeatures, inFeatures), b0 = Tensor.Randn(random, outFeatures);
        Tensor seed = Tensor.Randn(random, rows, outFeatures);
        (float[] y, float[] gx, float[] gw, float[] gb) Run(bool fused)
        {
            Tensor x = x0.Clone().Detach(), w = w0.Clone().Detach(), b = b0.Clone().Detach();
            x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
            Tensor y = fused ? x.Linear(w, b) : x.MatMul(w.T) + b;
            y.Backward(seed);
            return (y.ToArray<float>(), x.Grad!.ToArray<float>(), w.Grad!.ToArray<float>(), b.Grad!.ToArray<float>());
        }
        var composed = Run(fused: false);
        var fusedResult = Run(fused: true);
        Assert.Equal(composed.y, fusedResult.y);
        Assert.Equal(composed.gx, fusedResult.gx);
        Assert.Equal(composed.gw, fusedResult.gw);
        Assert.Equal(composed.gb, fusedResult.gb);
    }

    [Fact]
    public void ActivationBackwardsHaveTheBitsOfTheComposedForms()
    {
        var random = new NumpyRandom(30);
        Tensor x0 = Tensor.Randn(random, 7, 13) * 2.0, seed = Tensor.Randn(random, 7, 13);
        foreach (bool tanh in new[] { true, false })
        {
            Tensor x = x0.Detach();
            x.RequiresGrad = true;
            Tensor y = tanh ? x.Tanh() : x.Sigmoid();
            y.Backward(seed);
            Tensor expected;
            using (Autograd.NoGrad()) expected = tanh ? seed * (1.0 - y * y) : seed * y * (1.0 - y);
            Assert.Equal(expected.ToArray<float>(), x.Grad!.ToArray<float>());
        }
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void MseLossHasTheBitsOfTheComposedForm(Reduction reduction)
    {
        var random = new NumpyRandom(40);
        Tensor x0 = Tensor.Randn(random, 300, 7), t0 = Tensor.Randn(random, 300, 7);
        (float[] loss, float[] gx, float[] gt) Run(bool fused)
        {
            Tensor x = x0.Detach(), t = t0.Clone().Detach();
            x.RequiresGrad = t.RequiresGrad = true;
            Tensor loss;
            if (fused) loss = Losses.MseLoss(x, t, reduction);
            else
            {
                Tensor d = x - t;
                Tensor squares = d * d;
                loss = reduction switch { Reduction.Mean => squares.Mean(), Reduction.Sum => squares.Sum(), _ => squares };
            }
            Tensor gradient = reduction == Reduction.None ? Tensor.FromArray(Enumerable.Range(0, 2100).Select(i => (float)Math.Sin(i)).ToArray(), 300, 7) : Tensor.Scalar(0.75);
            loss.Backward(gradient);
            return (loss.ToArray<float>(), x.Grad!.ToArray<float>(), t.Grad!.ToArray<float>());
        }
        var composed = Run(fused: false);
        var fused = Run(fused: true);
        Assert.Equal(composed.loss, fused.loss);
        Assert.Equal(composed.gx, fused.gx);
        Assert.Equal(composed.gt, fused.gt);
    }

    [Fact]
    public void EdgePoints()
    {
        // No rows: an empty product, zero gradients for the weight and bias.
        Tensor w = Tensor.Ones(3, 2), b = Tensor.Ones(3);
        w.RequiresGrad = b.RequiresGrad = true;
        Tensor empty = Tensor.Zeros(0, 2).Linear(w, b);
        Assert.Equal([0, 3], empty.Shape);
        empty.Sum().Backward();
        Assert.Equal(new float[6], w.Grad!.ToArray<float>());
        Assert.Equal(new float[3], b.Grad!.ToArray<float>());

        // NaN and infinity propagate through the loss and its gradient.
        Tensor x = Tensor.FromArray(new[] { 1f, float.NaN, float.PositiveInfinity }), target = Tensor.FromArray(new[] { 0f, 0f, 0f });
        x.RequiresGrad = true;
        Tensor loss = Losses.MseLoss(x, target, Reduction.None);
        Assert.Equal(new[] { 1f, float.NaN, float.PositiveInfinity }, loss.ToArray<float>());
        loss.Sum().Backward();
        Assert.Equal(new[] { 2f, float.NaN, float.PositiveInfinity }, x.Grad!.ToArray<float>());
        Assert.True(float.IsNaN(Losses.MseLoss(Tensor.Zeros(0), Tensor.Zeros(0)).ToArray<float>()[0])); // the mean of nothing

        // A saturated tanh passes no gradient; an infinite gradient there is NaN, as in the composed form.
        Tensor z = Tensor.FromArray(new[] { 30f, -30f });
        z.RequiresGrad = true;
        z.Tanh().Backward(Tensor.FromArray(new[] { 1f, float.PositiveInfinity }));
        Assert.Equal(0f, z.Grad!.ToArray<float>()[0]);
        Assert.True(float.IsNaN(z.Grad!.ToArray<float>()[1]));
    }

    [Fact]
    public void ErrorsNameTheShapes()
    {
        Tensor x = Tensor.Ones(4, 3);
        var e = Assert.Throws<ArgumentException>(() => x.Linear(Tensor.Ones(2, 5)));
        Assert.Contains("[4,3]", e.Message);
        Assert.Contains("[2,5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.Linear(Tensor.Ones(2, 3), Tensor.Ones(3)));
        Assert.Contains("bias [3]", e.Message);
        Assert.Throws<ArgumentException>(() => x.Linear(Tensor.Ones([2, 3], DType.Float64)));
        e = Assert.Throws<ArgumentException>(() => Losses.MseLoss(x, Tensor.Ones(3, 4)));
        Assert.Contains("MseLoss", e.Message);
        Assert.Throws<ArgumentException>(() => Losses.MseLoss(x, Tensor.Ones([4, 3], DType.Float64)));
    }

    [Fact]
    public void LinearChecksItsSavedTensors()
    {
        Tensor x = Tensor.Ones(2, 3), w = Tensor.Ones(4, 3);
        w.RequiresGrad = true;
        Tensor y = x.Linear(w);
        x.MulInPlace(2);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Linear backward", e.Message);
    }
}
