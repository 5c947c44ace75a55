using Backprop.Random;

namespace Backprop.Tests.Tensors;

/// <summary>Creating tensors, reading them back, and printing them.</summary>
public class TensorCreationTests
{
    [Fact]
    public void FromArrayCopiesTheDataAndChecksTheShape()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        Tensor t = Tensor.FromArray(data, 2, 3);
        data[0] = 99;
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(2, t.Rank);
        Assert.Equal(6, t.Count);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.ToArray<float>());
        ArgumentException e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(data, 4, 2));
        Assert.Contains("[4,2]", e.Message);
        Assert.Contains("6", e.Message);
    }

    [Fact]
    public void FactoriesFillAsNamed()
    {
        Assert.Equal([0f, 0, 0, 0], Tensor.Zeros(2, 2).ToArray<float>());
        Assert.Equal([1.0, 1.0], Tensor.Ones([2], DType.Float64).ToArray<double>());
        Assert.Equal([7f, 7, 7], Tensor.Full([3], 7).ToArray<float>());
        Assert.Equal([0f, 0.5f, 1, 1.5f], Tensor.Arange(0, 2, 0.5).ToArray<float>());
        Assert.Equal([5.0, 3.0], Tensor.Arange(5, 1, -2, DType.Float64).ToArray<double>());
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], Tensor.Linspace(0, 1, 5, DType.Float64).ToArray<double>());
        Assert.Equal([1f, 0, 0, 0, 1, 0], Tensor.Eye(2, 3).ToArray<float>());
        Assert.Equal(3.5, Tensor.Scalar(3.5).Item());
        Assert.Equal(0, Tensor.Scalar(3.5).Rank);
        Tensor like = Tensor.OnesLike(Tensor.Zeros([2, 3], DType.Float64));
        Assert.Equal([2, 3], like.Shape);
        Assert.Equal(DType.Float64, like.DType);
    }

    [Fact]
    public void RandnIsNumpysStreamBitForBitInFloat64()
    {
        double[] expected = new NumpyRandom(42).Randn(6);
        Assert.Equal(expected, Tensor.Randn(new NumpyRandom(42), [2, 3], DType.Float64).ToArray<double>());
        double[] uniform = new NumpyRandom(7).Rand(4);
        Assert.Equal(uniform, Tensor.Rand(new NumpyRandom(7), [4], DType.Float64).ToArray<double>());
        Assert.Equal(Array.ConvertAll(expected, v => (float)v), Tensor.Randn(new NumpyRandom(42), 6).ToArray<float>());
    }

    [Fact]
    public void ReadingBackChecksTheType()
    {
        Tensor t = Tensor.Ones(2);
        Assert.Throws<InvalidOperationException>(() => t.ToArray<double>());
        Assert.Equal([1.0, 1.0], t.ToDoubleArray());
        Assert.Throws<InvalidOperationException>(() => t.Item());
    }

    [Fact]
    public void ToStringNestsLikeNumpy()
    {
        Tensor t = Tensor.FromArray(new[] { 1.0, -2.5, 3.0, 4.25 }, 2, 2);
        Assert.Equal("tensor([[ 1.0, -2.5],\n        [ 3.0, 4.25]], dtype=Float64)", t.ToString());
        Tensor x = Tensor.Ones(2);
        x.RequiresGrad = true;
        Assert.Equal("tensor([2.0, 2.0], dtype=Float32, grad_fn=Mul)", (x * 2.0).ToString());
        Assert.Equal("tensor(3.0, dtype=Float32)", Tensor.Scalar(3).ToString());
        string big = Tensor.Zeros(2000).ToString();
        Assert.Contains("...", big);
        Assert.True(big.Length < 200, big);
    }

    [Fact]
    public void EmptyTensorsAreContiguousAndReadBack()
    {
        Tensor empty = Tensor.Zeros(4, 0);
        Assert.True(empty.IsContiguous);
        Assert.Empty(empty.ToArray<float>());
        Assert.Equal([4], empty.Sum(1).Shape);
        Assert.Equal(new float[4], empty.Sum(1).ToArray<float>()); // the sum of nothing is 0
    }

    [Fact]
    public void NegativeSizesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, -1));
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0));
    }
}
