using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Tensors;

/// <summary>The tensor engine's autograd semantics: accumulation, modes, hooks, errors, higher order.</summary>
public class AutogradTests
{
    [Fact]
    public void GradientsAccumulateIntoLeavesAcrossBackwardCalls()
    {
        Tensor x = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 });
        x.RequiresGrad = true;
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal([4.0, 8.0, 12.0], x.Grad!.ToDoubleArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void ATensorUsedTwiceGetsBothContributions()
    {
        Tensor a = Tensor.FromArray(new[] { 3.0 });
        a.RequiresGrad = true;
        Tensor b = a + a;
        (b + b).Sum().Backward();
        Assert.Equal([4.0], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NonScalarOutputsNeedAGradient()
    {
        Tensor x = Normal(1, 2, 2);
        Tensor y = x * 2.0;
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("[2,2]", e.Message);
        y.Backward(Tensor.OnesLike(y));
        Assert.Equal([2.0, 2.0, 2.0, 2.0], x.Grad!.ToDoubleArray());
        Assert.Throws<ArgumentException>(() => (x * 2.0).Backward(Tensor.Ones([3], DType.Float64)));
    }

    [Fact]
    public void BackwardOnATensorWithoutGradIsAClearError()
    {
        Tensor x = Tensor.Ones(2);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => x.Sum().Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void NoGradRecordsNothingAndRestoresTheMode()
    {
        Tensor x = Normal(2, 3);
        Tensor y;
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsGradEnabled);
            y = x * 2.0;
            using (Autograd.EnableGrad()) Assert.True((x * 2.0).RequiresGrad);
        }
        Assert.True(Autograd.IsGradEnabled);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.Op);
    }

    [Fact]
    public async Task NoGradFollowsAwaitsButDoesNotLeakToOtherThreads()
    {
        Tensor x = Normal(3, 3);
        using (Autograd.NoGrad())
        {
            await Task.Yield();
            Assert.False((x * 2.0).RequiresGrad); // the scope survives the await

            bool seen = false;
            var thread = new Thread(() => seen = Autograd.IsGradEnabled);
            thread.UnsafeStart(); // a thread that does not share this flow's context
            thread.Join();
            Assert.True(seen);
        }

        // A scope opened on another thread does not switch this one off.
        using var opened = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (Autograd.NoGrad())
            {
                opened.Set();
                done.Wait();
            }
        });
        other.Start();
        opened.Wait();
        Assert.True((x * 2.0).RequiresGrad);
        done.Set();
        other.Join();
    }

    [Fact]
    public void DetachStopsGradients()
    {
        Tensor x = Normal(4, 3);
        Tensor y = (x * 3.0).Detach() * x;
        y.Sum().Backward();
        double[] expected = (x.Detach() * 3.0).ToDoubleArray();
        Assert.Equal(expected, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void OnlyLeavesCanChangeRequiresGrad()
    {
        Tensor x = Normal(5, 2);
        Assert.Throws<InvalidOperationException>(() => (x * 2.0).RequiresGrad = false);
        Assert.Throws<InvalidOperationException>(() => Tensor.FromArray(new long[] { 1 }).RequiresGrad = true);
    }

    [Fact]
    public void HooksSeeAndMayReplaceTheGradientAndCanBeRemoved()
    {
        Tensor x = Normal(6, 3);
        Tensor h = x * 2.0;
        Tensor? seen = null;
        IDisposable handle = h.RegisterHook(g => { seen = g; return g * 10.0; });
        h.Sum().Backward();
        Assert.Equal([1.0, 1.0, 1.0], seen!.ToDoubleArray());
        Assert.Equal([20.0, 20.0, 20.0], x.Grad!.ToDoubleArray());
        handle.Dispose();
        x.ZeroGrad();
        (x * 2.0).Sum().Backward();
        h.Sum().Backward();
        Assert.Equal([4.0, 4.0, 4.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void GradReturnsGradientsWithoutTouchingLeaves()
    {
        Tensor x = Normal(7, 3);
        Tensor[] g = Autograd.Grad([(x * x).Sum()], [x]);
        Assert.Equal((x.Detach() * 2.0).ToDoubleArray(), g[0].ToDoubleArray());
        Assert.Null(x.Grad);
        Tensor unused = Normal(8, 2);
        Assert.Equal([0.0, 0.0], Autograd.Grad([(x * x).Sum()], [unused])[0].ToDoubleArray());
    }

    [Fact]
    public void HessianVectorProductMatchesTheClosedForm()
    {
        // f(x) = Σ x³ has Hessian diag(6x), so H·v = 6 x ⊙ v.
        Tensor x = Normal(9, 4);
        Tensor v = Tensor.FromArray(new[] { 1.0, -2.0, 0.5, 3.0 });
        Tensor gradient = Autograd.Grad([x.Pow(3).Sum()], [x], createGraph: true)[0];
        Assert.True(gradient.RequiresGrad);
        Tensor hv = Autograd.Grad([(gradient * v).Sum()], [x])[0];
        double[] xs = x.ToDoubleArray(), vs = v.ToDoubleArray(), actual = hv.ToDoubleArray();
        for (int i = 0; i < 4; i++) Assert.Equal(6 * xs[i] * vs[i], actual[i], 12);
    }

    [Fact]
    public void AnomalyModeNamesTheOpThatMadeANaN()
    {
        Tensor x = Tensor.FromArray(new[] { -1.0, 4.0 });
        x.RequiresGrad = true;
        using (Autograd.DetectAnomaly())
        {
            AnomalyException forward = Assert.Throws<AnomalyException>(() => x.Log());
            Assert.Equal("Log", forward.Op);
            Assert.Contains("forward", forward.Message);

            Tensor zero = Tensor.FromArray(new[] { 0.0, 1.0 });
            zero.RequiresGrad = true;
            Tensor y = zero.Sqrt(); // finite forward, infinite gradient at 0
            AnomalyException backward = Assert.Throws<AnomalyException>(() => y.Sum().Backward());
            Assert.Equal("Sqrt", backward.Op);
            Assert.Contains("backward", backward.Message);
            Assert.Contains(nameof(AnomalyModeNamesTheOpThatMadeANaN), backward.Message); // where it was created
        }
        Assert.False(Autograd.IsAnomalyDetectionEnabled);
    }

    [Fact]
    public void AFailedBackwardLeavesTheGraphUsable()
    {
        Tensor zero = Tensor.FromArray(new[] { 0.0, 1.0 });
        zero.RequiresGrad = true;
        Tensor y = zero.Sqrt().Sum();
        using (Autograd.DetectAnomaly()) Assert.Throws<AnomalyException>(() => y.Backward());
        y.Backward(); // without anomaly mode the infinity is simply the answer
        Assert.Equal(double.PositiveInfinity, zero.Grad!.ToDoubleArray()[0]);
    }

    [Fact]
    public void GradCheckCatchesAWrongBackwardRule()
    {
        // A deliberately wrong rule (d/dx x² taken as x instead of 2x) must fail the check.
        static Tensor WrongSquare(Tensor x)
        {
            Tensor result;
            using (Autograd.NoGrad()) result = (x * x).Detach();
            return TensorGraph.Record(result, "WrongSquare", [x], [x], g => [g * x]);
        }
        GradCheckResult result = GradCheck.Check(x => WrongSquare(x[0]), [Normal(10, 3)]);
        Assert.False(result.Passed);
        Assert.Contains("analytical", result.Message);
        Assert.True(GradCheck.Check(x => x[0] * x[0], [Normal(10, 3)]).Passed);
    }

    [Fact]
    public void GradCheckNeedsFloat64()
    {
        Tensor x = Tensor.Ones(2);
        x.RequiresGrad = true;
        Assert.Throws<ArgumentException>(() => GradCheck.Check(t => t[0] * 2.0, [x]));
    }

    [Fact]
    public void ADeepChainOfTensorOpsDoesNotOverflowTheStack()
    {
        Tensor x = Tensor.Ones([1], DType.Float64);
        x.RequiresGrad = true;
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y * 1.0;
        y.Sum().Backward();
        Assert.Equal([1.0], x.Grad!.ToDoubleArray());
    }
}
