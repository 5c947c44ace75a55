using Backprop.Random;

namespace Backprop.Tests.Tensors;

/// <summary>Forward values against closed forms and naive loops, and the errors ops raise.</summary>
public class OpValueTests
{
    private static Tensor D(double[] values, params int[] shape) => shape.Length == 0 ? Tensor.FromArray(values) : Tensor.FromArray(values, shape);

    [Fact]
    public void BroadcastingFollowsNumpy()
    {
        Tensor a = D([1, 2, 3], 3, 1);
        Tensor b = D([10, 20], 2);
        Assert.Equal([11.0, 21, 12, 22, 13, 23], (a + b).ToDoubleArray());
        Assert.Equal([3, 2], (a + b).Shape);
        ArgumentException e = Assert.Throws<ArgumentException>(() => D([1, 2, 3], 3) + D([1, 2], 2));
        Assert.Contains("Add", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void MixingTypesIsAnError()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2) + Tensor.Ones([2], DType.Float64));
        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(new long[] { 1 }) * 2.0);
    }

    [Fact]
    public void MatMulMatchesANaiveLoop()
    {
        var random = new NumpyRandom(3);
        Tensor a = Tensor.Randn(random, [2, 5, 7], DType.Float64), b = Tensor.Randn(random, [7, 3], DType.Float64);
        double[] c = a.MatMul(b).ToDoubleArray();
        double[] x = a.ToDoubleArray(), y = b.ToDoubleArray();
        for (int t = 0; t < 2; t++)
        for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++)
        {
            double sum = 0;
            for (int p = 0; p < 7; p++) sum += x[t * 35 + i * 7 + p] * y[p * 3 + j];
            Assert.Equal(sum, c[t * 15 + i * 3 + j], 12);
        }
        Assert.Equal([2, 5, 3], a.MatMul(b).Shape);
        Assert.Equal(0, D([1, 2], 2).MatMul(D([3, 4], 2)).Rank);
        Assert.Equal(11.0, D([1, 2], 2).MatMul(D([3, 4], 2)).Item());
    }

    [Fact]
    public void MatMulShapeErrorsNameBothShapes()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4).MatMul(Tensor.Zeros(5, 2)));
        Assert.Equal("MatMul: [3,4] @ [5,2]: inner dimensions 4 and 5 differ", e.Message);
    }

    [Fact]
    public void ReductionsMatchClosedForms()
    {
        Tensor t = D([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(21.0, t.Sum().Item());
        Assert.Equal([6.0, 15], t.Sum(1).ToDoubleArray());
        Assert.Equal([2, 1], t.Sum(1, keepDim: true).Shape);
        Assert.Equal([2.5, 3.5, 4.5], t.Mean(0).ToDoubleArray());
        Assert.Equal(3.5, t.Var(unbiased: true).Item(), 12);  // Σ(x - 3.5)² / 5 = 17.5 / 5
        Assert.Equal(17.5 / 6, t.Var(unbiased: false).Item(), 12);
        Assert.Equal(Math.Sqrt(3.5), t.Std().Item(), 12);
        Assert.Equal(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), t.LogSumExp(1).ToDoubleArray()[0], 12);
        Assert.Equal(1000 + Math.Log(2), D([1000, 1000], 2).LogSumExp([0]).Item(), 9); // no overflow
        (Tensor values, Tensor indices) = D([3, 7, 7, 1], 2, 2).Max(1);
        Assert.Equal([7.0, 7], values.ToDoubleArray());
        Assert.Equal([1L, 0], indices.ToArray<long>());
        Assert.Equal(DType.Int64, indices.DType);
        Assert.Equal(2L, D([1, 5, 9, 2], 4).Argmax().Item());
        Assert.Equal([1L, 1], D([3, 1, 7, 2], 2, 2).Argmin(1).ToArray<long>());
    }

    [Fact]
    public void SoftmaxRowsSumToOneAndCrossEntropyMatchesTheFormula()
    {
        Tensor logits = D([1, 2, 3, 1000, 1000, 1000], 2, 3);
        double[] s = logits.Softmax(-1).ToDoubleArray();
        Assert.Equal(1.0, s[0] + s[1] + s[2], 12);
        Assert.Equal(1.0 / 3, s[4], 12); // large logits do not overflow
        Tensor targets = Tensor.FromArray(new long[] { 2, 0 });
        double row0 = -(3 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        double row1 = Math.Log(3);
        Assert.Equal((row0 + row1) / 2, Losses.CrossEntropy(logits, targets).Item(), 1e-12);
        Assert.Equal(row0 + row1, Losses.CrossEntropy(logits, targets, Reduction.Sum).Item(), 1e-12);
        double[] each = Losses.CrossEntropy(logits, targets, Reduction.None).ToDoubleArray();
        Assert.Equal(row0, each[0], 1e-12);
        Assert.Equal(row1, each[1], 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsStable()
    {
        Tensor logits = D([-1000, 0, 1000], 3);
        Tensor targets = D([0, 1, 1], 3);
        double[] losses = Losses.BinaryCrossEntropyWithLogits(logits, targets, Reduction.None).ToDoubleArray();
        Assert.Equal([0.0, Math.Log(2), 0.0], losses);
    }

    [Fact]
    public void IndexSelectReadsAStridedIndexViewAndItsGradientAddsRepeatsUp()
    {
        Tensor t = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        t.RequiresGrad = true;
        // Every other element of [2, 9, 0, 9, 0, 9]: a view that is not contiguous.
        Tensor indices = Tensor.FromArray(new long[] { 2, 9, 0, 9, 0, 9 }).Slice(0, 0, null, 2);
        Assert.False(indices.IsContiguous);
        Tensor picked = t.IndexSelect(0, indices);
        Assert.Equal(new double[] { 5, 6, 1, 2, 1, 2 }, picked.ToDoubleArray());
        picked.Sum().Backward();
        Assert.Equal(new double[] { 2, 2, 0, 0, 1, 1 }, t.Grad!.ToDoubleArray());
    }

    [Fact]
    public void IndicesOutOfRangeNameTheIndexAndTheSize()
    {
        Tensor t = Tensor.Zeros(3, 2);
        IndexOutOfRangeException e = Assert.Throws<IndexOutOfRangeException>(() => t.IndexSelect(0, Tensor.FromArray(new long[] { 3 })));
        Assert.Contains("index 3", e.Message);
        Assert.Contains("size 3", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => Losses.CrossEntropy(t, Tensor.FromArray(new long[] { 0, 0, 5 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Sum(2));
    }

    [Fact]
    public void ViewsShareStorageAndCopiesDoNot()
    {
        Tensor t = D([1, 2, 3, 4, 5, 6], 2, 3);
        Tensor transposed = t.T;
        Assert.False(transposed.IsContiguous);
        Assert.Equal([1.0, 4, 2, 5, 3, 6], transposed.ToDoubleArray());
        Assert.Equal([2.0, 5], t.Slice(1, 1, 2).Reshape(-1).ToDoubleArray());
        Assert.Equal([1.0, 3, 4, 6], t.Slice(1, 0, null, 2).ToDoubleArray());
        Assert.Equal([3, 2], transposed.Contiguous().Shape);
        Assert.Throws<InvalidOperationException>(() => transposed.View(6));
        Assert.Equal([1.0, 4, 2, 5, 3, 6], transposed.Reshape(6).ToDoubleArray());
        Assert.Equal([2, 2, 3], t.Expand(2, 2, 3).Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], t.Expand(2, 2, 3).ToDoubleArray());
        Assert.Equal([2, 2, 3], t.ExpandAs(Tensor.Zeros([2, 2, 3], DType.Float64)).Shape);
    }

    [Fact]
    public void CatStackGatherAndScatterAddPlaceElementsAsPyTorchDoes()
    {
        Tensor a = D([1, 2], 1, 2), b = D([3, 4, 5, 6], 2, 2);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], Tensor.Cat([a, b], 0).ToDoubleArray());
        Assert.Equal([2, 2], Tensor.Stack([D([1, 2], 2), D([3, 4], 2)], 1).Shape);
        Assert.Equal([1.0, 3, 2, 4], Tensor.Stack([D([1, 2], 2), D([3, 4], 2)], 1).ToDoubleArray());
        Tensor index = Tensor.FromArray(new long[] { 1, 1, 0 }, 1, 3);
        Tensor src = D([10, 20, 30], 1, 3);
        Assert.Equal([30.0, 30, 0], Tensor.Zeros([1, 3], DType.Float64).ScatterAdd(1, index, src).ToDoubleArray());
        Assert.Equal([4.0, 4, 3], D([3, 4, 5], 1, 3).Gather(1, index).ToDoubleArray());
    }

    [Fact]
    public void GeluAndErfMatchReferenceValues()
    {
        // erf(0.5) = 0.5204998778130465, erf(2) = 0.9953222650189527, erf(4) = 0.9999999845827421 (known values)
        double[] expected = [0.5204998778130465, 0.9953222650189527, 0.9999999845827421, -0.5204998778130465];
        double[] actual = D([0.5, 2, 4, -0.5], 4).Erf().ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 2e-15);
        double x = 1.3;
        double gelu = x * 0.9031995154143897; // x·Φ(x), Φ(1.3) from the normal table
        Assert.Equal(gelu, D([x], 1).Gelu().Item(), 12);
    }

    [Fact]
    public void DropoutIsSeededAndScaled()
    {
        Tensor x = Tensor.Ones([1000], DType.Float64);
        double[] a = x.Dropout(0.25, new NumpyRandom(1)).ToDoubleArray();
        double[] b = x.Dropout(0.25, new NumpyRandom(1)).ToDoubleArray();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0 || Math.Abs(v - 4.0 / 3) < 1e-12));
        Assert.InRange(a.Count(v => v == 0), 200, 300);
        Assert.Same(x, x.Dropout(0.25, new NumpyRandom(1), training: false));
    }

    [Theory]
    [InlineData(DType.Float32, 0.3)]
    [InlineData(DType.Float64, 0.3)]
    [InlineData(DType.Float32, 0.1)]
    public void DropoutsOnePassMaskEqualsTheComposedFormulaBitForBit(DType dtype, double p)
    {
        // The mask is drawn in one pass; it must be the numbers (Rand > p) / (1 - p) gives.
        Tensor x = Tensor.Randn(new NumpyRandom(7), [64, 33], dtype);
        Tensor expected = x * (Tensor.Rand(new NumpyRandom(2), [64, 33], dtype).Gt(p).To(dtype) / (1 - p));
        Assert.Equal(expected.ToDoubleArray(), x.Dropout(p, new NumpyRandom(2)).ToDoubleArray());
    }
}
