using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Tensors;

/// <summary>Every differentiable tensor op against finite differences (GradCheck, Float64), including broadcasting.</summary>
public class OpGradCheckTests
{
    [Fact]
    public void ArithmeticWithBroadcasting()
    {
        Tensor a = Normal(1, 3, 4), row = Normal(2, 4), column = Normal(3, 3, 1), scalar = Normal(4);
        Tensor positive = Uniform(5, 0.5, 2, 3, 4);
        AssertGradCheck(x => x[0] + x[1], a, row);
        AssertGradCheck(x => x[0] - x[1], column, a);
        AssertGradCheck(x => x[0] * x[1], a, column);
        AssertGradCheck(x => x[0] * x[1], scalar, a);
        AssertGradCheck(x => x[0] / x[1], row, positive);
        AssertGradCheck(x => -x[0], a);
        AssertGradCheck(x => x[0] * 2.5 + 1.0 - 3.0 / x[1], a, positive);
    }

    [Fact]
    public void Powers()
    {
        Tensor positive = Uniform(6, 0.5, 2, 2, 3), exponent = Normal(7, 2, 3), a = Normal(8, 2, 3);
        AssertGradCheck(x => x[0].Pow(x[1]), positive, exponent);
        AssertGradCheck(x => x[0].Pow(3), a);
        AssertGradCheck(x => x[0].Pow(-1.5), positive);
        AssertGradCheck(x => x[0].Pow(x[1]), positive, Normal(9, 3)); // broadcast exponent
    }

    [Fact]
    public void MathFunctions()
    {
        Tensor a = Normal(10, 2, 5), positive = Uniform(11, 0.3, 3, 2, 5);
        AssertGradCheck(x => x[0].Exp(), a);
        AssertGradCheck(x => x[0].Log(), positive);
        AssertGradCheck(x => x[0].Sqrt(), positive);
        AssertGradCheck(x => (x[0] + 3.0).Abs() - (x[0] - 3.0).Abs(), a); // away from the kink at 0
        AssertGradCheck(x => x[0].Erf(), a);
    }

    [Fact]
    public void Activations()
    {
        Tensor a = Normal(12, 3, 4);
        AssertGradCheck(x => x[0].Tanh(), a);
        AssertGradCheck(x => x[0].Sigmoid(), a);
        AssertGradCheck(x => x[0].Relu(), a);
        AssertGradCheck(x => x[0].LeakyRelu(0.1), a);
        AssertGradCheck(x => x[0].Gelu(), a);
        AssertGradCheck(x => x[0].Softplus(), a);
        AssertGradCheck(x => x[0].Clamp(-0.5, 0.7), a);
        AssertGradCheck(x => x[0].Maximum(x[1]), a, Normal(13, 4));
        AssertGradCheck(x => x[0].Minimum(x[1]), a, Normal(14, 3, 1));
        AssertGradCheck(x => Tensor.Where(x[0].Gt(0.0), x[0] * 2.0, x[1]), a, Normal(15, 4));
    }

    [Fact]
    public void Reductions()
    {
        Tensor a = Normal(20, 2, 3, 4);
        AssertGradCheck(x => x[0].Sum(), a);
        AssertGradCheck(x => x[0].Sum([0, 2]), a);
        AssertGradCheck(x => x[0].Sum(1, keepDim: true), a);
        AssertGradCheck(x => x[0].Mean(), a);
        AssertGradCheck(x => x[0].Mean([-1]), a);
        AssertGradCheck(x => x[0].Var(), a);
        AssertGradCheck(x => x[0].Var([1], unbiased: false, keepDim: true), a);
        AssertGradCheck(x => x[0].Std([2]), a);
        AssertGradCheck(x => x[0].LogSumExp([1]), a);
        AssertGradCheck(x => x[0].LogSumExp([0, 2], keepDim: true), a);
        AssertGradCheck(x => x[0].LogSumExp(), a);
        AssertGradCheck(x => x[0].Max(1).Values, a);
        AssertGradCheck(x => x[0].Min(2, keepDim: true).Values, a);
        AssertGradCheck(x => x[0].Max(), a);
        AssertGradCheck(x => x[0].Min(), a);
    }

    [Fact]
    public void MatMulInAllItsForms()
    {
        AssertGradCheck(x => x[0].MatMul(x[1]), Normal(30, 3, 4), Normal(31, 4, 2));
        AssertGradCheck(x => x[0].MatMul(x[1]), Normal(32, 4), Normal(33, 4)); // dot
        AssertGradCheck(x => x[0].MatMul(x[1]), Normal(34, 4), Normal(35, 4, 3)); // vector @ matrix
        AssertGradCheck(x => x[0].MatMul(x[1]), Normal(36, 3, 4), Normal(37, 4)); // matrix @ vector
        AssertGradCheck(x => x[0].MatMul(x[1]), Normal(38, 2, 3, 4), Normal(39, 4, 5)); // batched, broadcast
        AssertGradCheck(x => x[0].MatMul(x[1]), Normal(40, 2, 1, 3, 4), Normal(41, 3, 4, 2)); // both batched
        AssertGradCheck(x => x[0].T.MatMul(x[1].T), Normal(42, 4, 3), Normal(43, 2, 4)); // transposed views
    }

    [Fact]
    public void ShapeOps()
    {
        Tensor a = Normal(50, 2, 3, 4);
        AssertGradCheck(x => x[0].Reshape(4, -1) * x[0].Reshape(4, 6), a);
        AssertGradCheck(x => x[0].Transpose(0, 2).Reshape(-1) * Tensor.Arange(0, 24, 1, DType.Float64), a);
        AssertGradCheck(x => x[0].Permute(2, 0, 1).Contiguous() * 2.0, a);
        AssertGradCheck(x => x[0].Unsqueeze(1).Squeeze(1).Sum(0), a);
        AssertGradCheck(x => x[0].Expand(2, 3, 4) * x[1], Normal(51, 3, 1), a);
        AssertGradCheck(x => x[0].Slice(2, 1, 4, 2) * 3.0, a);
        AssertGradCheck(x => x[0].Slice(0, -1), a);
        AssertGradCheck(x => Tensor.Cat([x[0], x[1]], 1), a, Normal(52, 2, 2, 4));
        AssertGradCheck(x => Tensor.Stack([x[0], x[1]], 1), Normal(53, 3), Normal(54, 3));
    }

    [Fact]
    public void IndexingOps()
    {
        Tensor a = Normal(60, 4, 3);
        Tensor indices = Tensor.FromArray(new long[] { 2, 0, 2 });
        AssertGradCheck(x => x[0].IndexSelect(0, indices), a);
        AssertGradCheck(x => x[0].IndexSelect(1, indices), a);
        Tensor index = Tensor.FromArray(new long[] { 0, 2, 1, 1, 0, 0, 2, 2 }, 4, 2);
        AssertGradCheck(x => x[0].Gather(1, index), a);
        AssertGradCheck(x => x[0].ScatterAdd(1, index, x[1]), a, Normal(61, 4, 2));
        AssertGradCheck(x => x[0].IndexAdd(0, indices, x[1]), a, Normal(62, 3, 3));
        AssertGradCheck(x => Tensor.Embedding(x[0], Tensor.FromArray(new long[] { 1, 3, 1, 0 }, 2, 2)), a);
    }

    [Fact]
    public void SoftmaxAndLosses()
    {
        Tensor logits = Normal(70, 4, 5);
        Tensor targets = Tensor.FromArray(new long[] { 1, 0, 4, 4 });
        AssertGradCheck(x => x[0].Softmax(-1), logits);
        AssertGradCheck(x => x[0].Softmax(0), logits);
        AssertGradCheck(x => x[0].LogSoftmax(1), logits);
        AssertGradCheck(x => Losses.CrossEntropy(x[0], targets), logits);
        AssertGradCheck(x => Losses.CrossEntropy(x[0], targets, Reduction.Sum, labelSmoothing: 0.1), logits);
        AssertGradCheck(x => Losses.CrossEntropy(x[0], targets, Reduction.None), logits);
        AssertGradCheck(x => Losses.NllLoss(x[0].LogSoftmax(-1), targets), logits);
        AssertGradCheck(x => Losses.MseLoss(x[0], x[1]), logits, Normal(71, 4, 5));
        Tensor probabilities = Tensor.Rand(new Backprop.Random.NumpyRandom(72), [4, 5], DType.Float64);
        AssertGradCheck(x => Losses.BinaryCrossEntropyWithLogits(x[0], probabilities), logits);
    }

    [Fact]
    public void LayerNormAndDropout()
    {
        Tensor a = Normal(80, 3, 4);
        AssertGradCheck(x => x[0].LayerNorm(1, x[1], x[2]), a, Normal(81, 4), Normal(82, 4));
        AssertGradCheck(x => x[0].LayerNorm(2), a);
        AssertGradCheck(x => x[0].Dropout(0.3, new Backprop.Random.NumpyRandom(5)), a); // same seed, same mask each call
    }

    [Fact]
    public void TypeConversionPassesGradientsBackInTheInputsType()
    {
        // Finite differences cannot see through float32 rounding, so this one is checked by hand.
        Tensor x = Uniform(90, 1, 2, 3);
        (x.To(DType.Float32) * 3.0).Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Assert.Equal([3.0, 3.0, 3.0], x.Grad.ToDoubleArray());
    }

    [Fact]
    public void SecondDerivatives()
    {
        // d/dx of (backward of f) against finite differences of the backward: gradients of gradients.
        Tensor a = Normal(100, 2, 3), w = Normal(101, 3, 2);
        Func<Tensor[], Tensor>[] functions =
        [
            x => x[0].Tanh().MatMul(x[1]).Sigmoid().Sum(),
            x => (x[0].Exp() * x[0]).Sum() + x[1].Pow(3).Sum(),
            x => x[0].Softmax(-1).Pow(2).Sum() + x[1].Gelu().Sum(),
            x => x[0].LogSumExp([1]).Sum() + (x[1] * x[1]).Sqrt().Sum(),
            x => Losses.CrossEntropy(x[0].MatMul(x[1]), Tensor.FromArray(new long[] { 1, 0 })),
        ];
        foreach (Func<Tensor[], Tensor> f in functions)
        {
            AssertGradCheck(x => Autograd.Grad([f(x)], x, createGraph: true)[0].Sum()
                + Autograd.Grad([f(x)], x, createGraph: true)[1].Pow(2).Sum(), a, w);
        }
    }
}
