using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Tensors;

/// <summary>Select and the indexer: values against the row-major layout, views, errors, gradients.</summary>
public class SelectIndexerTests
{
    // x[i, j, k] = 100 i + 10 j + k, so every value names its own position.
    private static Tensor Positions() =>
        Tensor.FromArray(Enumerable.Range(0, 2 * 3 * 4).Select(p => (double)(p / 12 * 100 + p / 4 % 3 * 10 + p % 4)).ToArray(), 2, 3, 4);

    [Fact]
    public void SelectRemovesTheDimensionAndKeepsTheRest()
    {
        Tensor x = Positions();
        Assert.Equal([3, 4], x.Select(0, 1).Shape);
        Assert.Equal([100.0, 101, 102, 103, 110, 111, 112, 113, 120, 121, 122, 123], x.Select(0, 1).ToDoubleArray());
        Assert.Equal([2, 4], x.Select(1, 2).Shape);
        Assert.Equal([20.0, 21, 22, 23, 120, 121, 122, 123], x.Select(1, 2).ToDoubleArray());
        Assert.Equal([3.0, 13, 23, 103, 113, 123], x.Select(-1, -1).ToDoubleArray());
        Assert.Equal(112.0, x.Select(0, 1).Select(0, 1).Select(0, 2).Item());
    }

    [Fact]
    public void IndexerMixesIntegersRangesAndFromEnd()
    {
        Tensor x = Positions();
        Assert.Equal(x.Select(0, 1).ToDoubleArray(), x[1].ToDoubleArray());
        Assert.Equal([112.0], x[1, 1, 2].Reshape(1).ToDoubleArray());
        Assert.Empty(x[1, 1, 2].Shape);
        Assert.Equal([21.0, 22, 23], x[0, 2, 1..].ToDoubleArray());
        Assert.Equal([3, 3], x[1, .., 1..4].Shape);
        Assert.Equal([101.0, 102, 103, 111, 112, 113, 121, 122, 123], x[1, .., 1..4].ToDoubleArray());
        Assert.Equal([120.0, 121, 122, 123], x[^1, ^1].ToDoubleArray());
        Assert.Equal([120.0, 121, 122, 123], x[-1, -1].ToDoubleArray());
        Assert.Equal([0, 4], x[0, 5..].Shape); // past the end is empty, as in Python
    }

    [Fact]
    public void ResultsAreViewsOfTheSameStorage()
    {
        Tensor x = Positions();
        Tensor row = x[1, 2];
        x.MulInPlace(2);
        Assert.Equal([240.0, 242, 244, 246], row.ToDoubleArray());
    }

    [Fact]
    public void ErrorsNameTheOpTheIndexAndTheShape()
    {
        Tensor x = Positions();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(1, 3));
        Assert.Contains("Select", e.Message);
        Assert.Contains("index 3", e.Message);
        Assert.Contains("[2,3,4]", e.Message);
        var i = Assert.Throws<ArgumentOutOfRangeException>(() => x[0, 7]);
        Assert.Contains("dimension 1 of size 3", i.Message);
        var r = Assert.Throws<ArgumentException>(() => x[0, 0, 0, 0]);
        Assert.Contains("4 indices for a tensor of rank 3", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Select(0, 0));
    }

    [Fact]
    public void GradientsGoBackToTheIndexedPositions()
    {
        Tensor a = Normal(1, 3, 4);
        AssertGradCheck(x => x[0].Select(0, 1) * x[0].Select(1, -1).Sum(), a);
        AssertGradCheck(x => x[0][2, 1..3] * 3.0 + x[0][0].Pow(2).Sum(), a);
        AssertGradCheck(x => x[0][.., 1].Tanh(), a);

        Tensor b = Tensor.Ones([3, 4], DType.Float64);
        b.RequiresGrad = true;
        (b[1, 1..3] * 5.0).Sum().Backward();
        Assert.Equal([0.0, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0, 0], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SecondDerivativesPassThroughSelect()
    {
        AssertGradCheck(x => Autograd.Grad([x[0][1].Pow(3).Sum()], x, createGraph: true)[0].Sum(), Normal(2, 3, 2));
    }
}
