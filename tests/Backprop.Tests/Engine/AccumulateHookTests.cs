namespace Backprop.Tests.Engine;

/// <summary>Post-accumulate hooks and end-of-pass callbacks: the two places data-parallel training hooks into Backward.</summary>
public sealed class AccumulateHookTests
{
    [Fact]
    public void APostAccumulateHookSeesTheLeafsSummedGradientOncePerPass()
    {
        var a = Tensor.FromArray(new[] { 3.0 }, 1);
        a.RequiresGrad = true;
        var seen = new List<double>();
        using IDisposable handle = a.RegisterPostAccumulateGradHook(leaf => seen.Add(leaf.Grad!.ToArray<double>()[0]));
        Tensor y = (a * a + a).Sum(); // two paths into a: d/da = 2a + 1 = 7
        y.Backward();
        Assert.Equal([7.0], seen);
        (a * a + a).Sum().Backward(); // accumulates: 14
        Assert.Equal([7.0, 14.0], seen);
        handle.Dispose();
        (a * a).Sum().Backward();
        Assert.Equal(2, seen.Count);
        var b = a * 2;
        Assert.Throws<InvalidOperationException>(() => b.RegisterPostAccumulateGradHook(_ => { }));
    }

    [Fact]
    public void AQueuedCallbackRunsOnceAfterEveryGradientIsInPlace()
    {
        var first = Tensor.FromArray(new[] { 1.0, 2.0 }, 2);
        var last = Tensor.FromArray(new[] { 5.0 }, 1);
        first.RequiresGrad = true;
        last.RequiresGrad = true;
        var log = new List<string>();
        // 'last' feeds the output directly, so its gradient is accumulated before 'first''s.
        using IDisposable hook = last.RegisterPostAccumulateGradHook(_ =>
        {
            log.Add($"last ready, first {(first.Grad is null ? "not yet" : "ready")}");
            Autograd.QueueCallback(() => log.Add($"callback: first.Grad {string.Join(",", first.Grad!.ToArray<double>())}"));
        });
        ((first * 3).Sum() * 2 + last.Sum()).Backward();
        Assert.Equal(["last ready, first not yet", "callback: first.Grad 6,6"], log);
        var e = Assert.Throws<InvalidOperationException>(() => Autograd.QueueCallback(() => { }));
        Assert.StartsWith("Autograd.QueueCallback: no backward pass is running", e.Message);
    }
}
