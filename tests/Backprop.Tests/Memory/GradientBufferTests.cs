using Backprop.NN;
using Backprop.Random;

namespace Backprop.Tests.Memory;

/// <summary>
/// What the backward pass hands out stays correct and readable after the pass gives its
/// temporaries back: leaves' gradients, gradients asked for, gradients hooks kept.
/// </summary>
public class GradientBufferTests
{
    private static Tensor Leaf(int n, double start)
    {
        Tensor t = Tensor.Arange(start, start + n, 1, DType.Float64);
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void BackwardTwiceAddsTheSameAmountTwice()
    {
        Tensor x = Leaf(5000, 1); // large enough to be pooled
        (x * x).Sum().Backward();
        double[] once = x.Grad!.ToDoubleArray();
        (x * x).Sum().Backward();
        Assert.Equal(once.Select(v => 2 * v), x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void TwoLeavesThatReceiveTheSameGradientKeepSeparateBuffers()
    {
        // Add passes one gradient tensor to both operands: one leaf may take it over, the
        // other must copy, or the second pass would add into both through one buffer.
        Tensor a = Leaf(5000, 0), b = Leaf(5000, 1);
        (a + b).Sum().Backward();
        (a + b).Sum().Backward();
        Assert.All(a.Grad!.ToDoubleArray(), v => Assert.Equal(2.0, v));
        Assert.All(b.Grad!.ToDoubleArray(), v => Assert.Equal(2.0, v));
        Assert.NotSame(a.Grad!.StorageArray, b.Grad!.StorageArray);
    }

    [Fact]
    public void AGradientAHookKeptIsStillReadableAfterThePass()
    {
        Tensor x = Leaf(5000, 1);
        Tensor y = x * 3.0;
        Tensor? seen = null, made = null;
        y.RegisterHook(g => { seen = g; made = g * 2.0; return null; });
        y.Sum().Backward();
        Assert.All(seen!.ToDoubleArray(), v => Assert.Equal(1.0, v));
        Assert.All(made!.ToDoubleArray(), v => Assert.Equal(2.0, v));
        Assert.All(x.Grad!.ToDoubleArray(), v => Assert.Equal(3.0, v));
    }

    [Fact]
    public void GradientsAskedForAreReadableAfterThePass()
    {
        Tensor x = Leaf(5000, 1);
        Tensor[] grads = Autograd.Grad([(x * x).Sum()], [x]);
        Assert.Equal(x.ToDoubleArray().Select(v => 2 * v), grads[0].ToDoubleArray());
        Assert.Null(x.Grad);
    }

    [Fact]
    public void AClearedGradientCannotBeReadThroughAnOldReference()
    {
        Tensor x = Leaf(5000, 1);
        (x * 2.0).Sum().Backward();
        Tensor old = x.Grad!;
        x.ZeroGrad();
        Assert.Null(x.Grad);
        ObjectDisposedException e = Assert.Throws<ObjectDisposedException>(() => old.Sum());
        Assert.Contains("ZeroGrad", e.Message);
    }

    [Fact]
    public void AGradientTheUserSetIsNotReleasedOrChangedInPlace()
    {
        Tensor x = Leaf(3, 1);
        Tensor mine = Tensor.Ones([3], DType.Float64);
        x.Grad = mine;
        (x * 2.0).Sum().Backward();
        Assert.Equal([3.0, 3.0, 3.0], x.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 1.0, 1.0], mine.ToDoubleArray());
        x.ZeroGrad();
        Assert.Equal([1.0, 1.0, 1.0], mine.ToDoubleArray());
    }

    [Fact]
    public void ALinearLayersWeightGradientIsContiguousAndRight()
    {
        var layer = new Linear(3, 2, new NumpyRandom(0), dtype: DType.Float64);
        Tensor x = Tensor.Randn(new NumpyRandom(1), [4, 3], DType.Float64);
        layer.Forward(x).Sum().Backward();
        Tensor grad = layer.Weight.Grad!;
        Assert.True(grad.IsContiguous);
        // d/dW Σ(x·Wᵀ) = column sums of x, the same for every output row.
        double[] columnSums = [.. Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 4).Sum(i => x.ToDoubleArray()[i * 3 + j]))];
        double[] g = grad.ToDoubleArray();
        for (int o = 0; o < 2; o++)
            for (int j = 0; j < 3; j++) Assert.Equal(columnSums[j], g[o * 3 + j], 12);
    }
}
