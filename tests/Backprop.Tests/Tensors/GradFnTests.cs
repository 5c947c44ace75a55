namespace Backprop.Tests.Tensors;

/// <summary>Rules as objects: each op's rule checks every tensor it saved, however many, and names the op.</summary>
public class GradFnTests
{
    [Fact]
    public void TanhChecksItsSavedOutput()
    {
        Tensor x = Tensor.FromArray(new[] { 0.1f, -2f, 0.7f }, 3);
        x.RequiresGrad = true;
        Tensor y = x.Tanh();
        Assert.Equal("Tanh", y.Op);
        using (Autograd.NoGrad()) y.MulInPlace(2);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Tanh backward: its output", e.Message);
    }

    [Fact]
    public void ARuleWithMoreThanTwoSavedTensorsChecksEachOfThem()
    {
        Tensor a = Tensor.Ones(2), b = Tensor.Ones(3), c = Tensor.Ones(4);
        var fn = new ClosureGradFn("Three", [a], [a, b, c], g => [g]);
        fn.CheckSavedVersions(a); // nothing changed yet
        c.MulInPlace(2);
        var e = Assert.Throws<InvalidOperationException>(() => fn.CheckSavedVersions(a));
        Assert.Contains("Three backward: a tensor it saved (Float32 [4])", e.Message);
        Assert.Contains("(version 0 then, 1 now)", e.Message);
    }

    [Fact]
    public void LinearAndTanhRulesGiveTheGradientsOfTheComposedOps()
    {
        // Against the composed form (MatMul through a transposed view, a broadcast add, the
        // composed tanh), whose rules are closures: the same bits.
        var random = new Backprop.Random.NumpyRandom(8);
        Tensor x0 = Tensor.Randn(random, 10, 7), w0 = Tensor.Randn(random, 8, 7), b0 = Tensor.Randn(random, 8);
        (float[] gx, float[] gw, float[] gb) Grads(bool fused)
        {
            Tensor x = x0.Detach(), w = w0.Detach(), b = b0.Detach();
            x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
            Tensor y = fused ? x.Linear(w, b).Tanh() : (x.MatMul(w.Transpose(0, 1)) + b).Tanh();
            y.Sum().Backward();
            return (x.Grad!.ToArray<float>(), w.Grad!.ToArray<float>(), b.Grad!.ToArray<float>());
        }
        var fused = Grads(true);
        var composed = Grads(false);
        Assert.Equal(composed.gx, fused.gx);
        Assert.Equal(composed.gw, fused.gw);
        Assert.Equal(composed.gb, fused.gb);
    }

    [Fact]
    public void ElementwiseResultsShareTheInputsShapeAndHaveRowMajorStrides()
    {
        Tensor x = Tensor.Ones(10, 8);
        Tensor y = x.Tanh(), z = x * y;
        Assert.Same(x.ShapeArray, y.ShapeArray);
        Assert.Same(x.ShapeArray, z.ShapeArray);
        Assert.Equal([8, 1], y.Strides.ToArray());
        // Contiguous, but with a stride other than row-major's on a dimension of size 1: the
        // result gets row-major strides of its own.
        Tensor odd = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3).View([3, 1], [1, 5], 0);
        Assert.True(odd.IsContiguous);
        Tensor doubled = odd * 2.0, tanh = odd.Tanh();
        Assert.Equal([1, 1], doubled.Strides.ToArray());
        Assert.Equal([1, 1], tanh.Strides.ToArray());
        Assert.Equal([2f, 4f, 6f], doubled.ToArray<float>());
    }
}
