namespace Backprop.Tests.Tensors;

/// <summary>
/// Values and gradients of the tensor ops at their edge points — 0, exponent 0, kinks, ±∞,
/// NaN, empty tensors — against closed forms and PyTorch's conventions, in float64.
/// </summary>
public class EdgePointTests
{
    private const double Inf = double.PositiveInfinity;

    /// <summary>f at <paramref name="xs"/> and the gradient of Σf there.</summary>
    private static (double[] Value, double[] Gradient) At(Func<Tensor, Tensor> f, params double[] xs)
    {
        Tensor x = Tensor.FromArray(xs);
        x.RequiresGrad = true;
        Tensor y = f(x);
        y.Sum().Backward();
        return (y.ToDoubleArray(), x.Grad!.ToDoubleArray());
    }

    private static void AssertAt(Func<Tensor, Tensor> f, double[] xs, double[] value, double[] gradient)
    {
        (double[] v, double[] g) = At(f, xs);
        Assert.Equal(value, v);
        Assert.Equal(gradient, g);
    }

    [Fact]
    public void PowWithExponentZeroIsConstantEvenAtZero()
    {
        // x⁰ = 1 everywhere, so its derivative is 0 — not 0·0⁻¹ = 0·∞ = NaN at x = 0.
        AssertAt(x => x.Pow(0.0), [0, 2, -3], [1, 1, 1], [0, 0, 0]);

        Tensor a = Tensor.FromArray(new[] { 0.0, 2.0 });
        Tensor b = Tensor.FromArray(new[] { 0.0, 0.0 });
        a.RequiresGrad = b.RequiresGrad = true;
        Tensor y = a.Pow(b);
        y.Sum().Backward();
        Assert.Equal([1.0, 1.0], y.ToDoubleArray());
        Assert.Equal([0.0, 0.0], a.Grad!.ToDoubleArray());
        Assert.Equal([0.0, Math.Log(2)], b.Grad!.ToDoubleArray()); // d/db aᵇ = aᵇ ln a, taken as 0 at a = 0
    }

    [Fact]
    public void PowAtZeroFollowsKTimesXToTheKMinusOne()
    {
        AssertAt(x => x.Pow(2.0), [0], [0], [0]);
        AssertAt(x => x.Pow(1.0), [0], [0], [1]);
        AssertAt(x => x.Pow(0.5), [0], [0], [Inf]);
        AssertAt(x => x.Pow(-1.0), [0], [Inf], [-Inf]);
        AssertAt(x => x.Pow(0.5), [-4], [double.NaN], [double.NaN]); // no real root
        // A broadcast exponent tensor with a zero in it: the zero column's gradient is 0.
        Tensor a = Tensor.FromArray(new[] { 0.0, 0, 3, 3 }, 2, 2);
        a.RequiresGrad = true;
        a.Pow(Tensor.FromArray(new[] { 0.0, 2 })).Sum().Backward();
        Assert.Equal([0.0, 0, 0, 6], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void KinksTakePyTorchsOneSidedChoices()
    {
        AssertAt(x => x.Relu(), [-1, 0, 1], [0, 0, 1], [0, 0, 1]);
        AssertAt(x => x.LeakyRelu(0.1), [-1, 0, 1], [-0.1, 0, 1], [0.1, 0.1, 1]);
        AssertAt(x => x.Abs(), [-2, 0, 2], [2, 0, 2], [-1, 0, 1]);
        AssertAt(x => x.Clamp(-1, 1), [-2, -1, 0, 1, 2], [-1, -1, 0, 1, 1], [0, 1, 1, 1, 0]); // bounds inclusive
        AssertAt(x => x.Maximum(Tensor.FromArray(new[] { 1.0, 1, 1 })), [0, 1, 2], [1, 1, 2], [0, 0.5, 1]); // ties split
        AssertAt(x => x.Minimum(Tensor.FromArray(new[] { 1.0, 1, 1 })), [0, 1, 2], [0, 1, 1], [1, 0.5, 0]);
    }

    [Fact]
    public void ZeroAndInfinityGiveTheLimits()
    {
        AssertAt(x => x.Sqrt(), [0], [0], [Inf]);
        AssertAt(x => x.Log(), [0, Inf], [-Inf, Inf], [Inf, 0]);
        AssertAt(x => x.Exp(), [-Inf, 0], [0, 1], [0, 1]);
        AssertAt(x => x.Tanh(), [-Inf, 0, Inf], [-1, 0, 1], [0, 1, 0]);
        AssertAt(x => x.Sigmoid(), [-Inf, 0, Inf], [0, 0.5, 1], [0, 0.25, 0]);
        AssertAt(x => x.Softplus(), [-Inf, 0, Inf], [0, Math.Log(2), Inf], [0, 0.5, 1]);
        AssertAt(x => 1.0 / x, [0], [Inf], [-Inf]);
    }

    [Fact]
    public void NaNPropagatesThroughValuesAndGradients()
    {
        double nan = double.NaN;
        foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[] { x => x.Exp(), x => x.Tanh(), x => x.Relu(), x => x.Abs(), x => x.Pow(2.0), x => x.Sqrt(), x => x.Clamp(-1, 1) })
        {
            (double[] v, _) = At(f, nan, 0.5);
            Assert.True(double.IsNaN(v[0]));
            Assert.False(double.IsNaN(v[1]));
        }
        Assert.True(double.IsNaN(Tensor.FromArray(new[] { 1.0, nan }).Sum().Item()));
        Assert.True(double.IsNaN(Tensor.FromArray(new[] { 1.0, nan, 3 }).Max().Item())); // NaN wins, as in PyTorch
        (_, double[] g) = At(x => x.Sum() * double.NaN, 1, 2);
        Assert.All(g, d => Assert.True(double.IsNaN(d)));
    }

    [Fact]
    public void ReluStopsEvenAnInfiniteOrNaNGradientWhereItsInputIsNotPositive()
    {
        // PyTorch's threshold_backward: a selection, not a product (inf · 0 would be NaN).
        Tensor x = Tensor.FromArray(new[] { -2.0, 0.0, 3.0, -1.0 });
        x.RequiresGrad = true;
        x.Relu().Backward(Tensor.FromArray(new[] { double.PositiveInfinity, double.NaN, 5.0, double.NaN }));
        Assert.Equal([0.0, 0.0, 5.0, 0.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ReluBackwardIsItselfDifferentiable()
    {
        // d/dg of ReLU's backward is the same selection: a gradient of a gradient through ReLU.
        Tensor x = Tensor.FromArray(new[] { -1.5, 0.5, 2.0 });
        Tensor w = Tensor.FromArray(new[] { 3.0, 4.0, 5.0 });
        x.RequiresGrad = w.RequiresGrad = true;
        Tensor[] g = Autograd.Grad([(x * w).Relu().Sum()], [x], createGraph: true); // = w where x·w > 0
        Assert.Equal([0.0, 4.0, 5.0], g[0].ToDoubleArray());
        Tensor[] gw = Autograd.Grad([g[0].Sum()], [w]);
        Assert.Equal([0.0, 1.0, 1.0], gw[0].ToDoubleArray());
    }

    [Fact]
    public void ElementwiseOpsOnEmptyTensorsGiveEmptyResultsAndGradients()
    {
        // An empty batch flows through every layer of a network: each op returns an empty
        // result and an empty gradient (TensorPrimitives refuses some empty spans outright).
        Func<Tensor, Tensor>[] ops =
        [
            x => x.Sigmoid(), x => x.Tanh(), x => x.Relu(), x => x.Exp(), x => x.Log(), x => x.Neg(), x => x.Abs(),
            x => x.Sqrt(), x => x.Pow(3), x => x.LeakyRelu(), x => x.Gelu(), x => x.Softplus(),
            x => x.Softmax(-1), x => x.LogSoftmax(-1), x => x * x, x => x + 1.0, x => x / 2.0,
        ];
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            for (int i = 0; i < ops.Length; i++)
            {
                Tensor x = Tensor.Zeros([0, 3], dtype);
                x.RequiresGrad = true;
                Tensor y = ops[i](x);
                Assert.Equal([0, 3], y.Shape);
                y.Sum().Backward();
                Assert.Equal([0, 3], x.Grad!.Shape);
            }
        }
    }

    [Fact]
    public void EmptyReductionsGiveIdentitiesOrNaN()
    {
        Tensor empty = Tensor.Zeros([0], DType.Float64);
        Assert.Equal(0.0, empty.Sum().Item());
        Assert.True(double.IsNaN(empty.Mean().Item()));
        Assert.True(double.IsNaN(empty.Var().Item())); // not the -0 of 0 / -1
        Assert.True(double.IsNaN(empty.Var(unbiased: false).Item()));
        Assert.True(double.IsNaN(empty.Std().Item()));
        Assert.Equal(double.NegativeInfinity, empty.LogSumExp().Item());
        Assert.Throws<ArgumentException>(() => empty.Max());

        Tensor rows = Tensor.Zeros([3, 0], DType.Float64);
        Assert.Equal([0.0, 0, 0], rows.Sum(1).ToDoubleArray());
        Assert.All(rows.Var([1]).ToDoubleArray(), v => Assert.True(double.IsNaN(v)));
        Assert.All(rows.Std([1]).ToDoubleArray(), v => Assert.True(double.IsNaN(v)));
        Assert.Equal([double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], rows.LogSumExp(1).ToDoubleArray());
        Assert.Equal([0], rows.Mean(0).Shape);

        // One element: the unbiased variance divides by 0 (NaN), the biased by 1.
        Tensor one = Tensor.FromArray(new[] { 5.0 });
        Assert.True(double.IsNaN(one.Var().Item()));
        Assert.Equal(0.0, one.Var(unbiased: false).Item());

        // Gradients through empty reductions are empty, not errors.
        Tensor leaf = Tensor.Zeros([0, 4], DType.Float64);
        leaf.RequiresGrad = true;
        leaf.Sum().Backward();
        Assert.Equal([0, 4], leaf.Grad!.Shape);
    }
}
