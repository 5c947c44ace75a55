using Backprop.Optim;

namespace Backprop.Tests.Tensors;

/// <summary>
/// In-place writes to a tensor that a backward rule saved must stop the backward pass with an
/// error naming the op and both versions (PyTorch's rule), never give a silently wrong gradient.
/// Each case is one that gave a wrong gradient before version counters (the wrong value and the
/// right one are in the comments).
/// </summary>
public class InPlaceVersionTests
{
    private static Tensor Leaf(params double[] values)
    {
        Tensor t = Tensor.FromArray(values);
        t.RequiresGrad = true;
        return t;
    }

    private static Tensor Constant(params double[] values) => Tensor.FromArray(values);

    private static void AssertRefused(Action backward, string op, int then, int now)
    {
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(backward);
        Assert.StartsWith($"{op} backward:", e.Message);
        Assert.Contains($"version {then} then, {now} now", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AFactorScaledInPlaceAfterTheProductIsRefused()
    {
        // was x.Grad = 10,20,30; right: 1,2,3
        Tensor x = Leaf(1, 2, 3), c = Constant(1, 2, 3);
        Tensor y = x * c;
        c.MulInPlace(10);
        AssertRefused(() => y.Sum().Backward(), "Mul", 0, 1);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void AWeightChangedUnderNoGradBetweenForwardAndBackwardIsRefused()
    {
        // was 4,6,8; right: 2,4,6
        Tensor x = Leaf(1, 2, 3), w = Leaf(2, 4, 6);
        Tensor loss = (x * w).Sum();
        using (Autograd.NoGrad()) w.AddInPlace(Tensor.Ones([3], DType.Float64), 2);
        AssertRefused(() => loss.Backward(), "Mul", 0, 1);
    }

    [Fact]
    public void TheOutputOfExpScaledInPlaceIsRefused()
    {
        // was 0,0; right: 1,e
        Tensor x = Leaf(0, 1);
        Tensor y = x.Exp();
        using (Autograd.NoGrad()) y.Detach().MulInPlace(0);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Exp backward: its output (Float64 [2])", e.Message);
    }

    [Fact]
    public void WritingThroughADetachedViewIsRefused()
    {
        // was 200,400,600; right: 2,4,6
        Tensor x = Leaf(1, 1, 1), w = Leaf(2, 4, 6);
        Tensor loss = (x * w).Sum();
        w.Detach().MulInPlace(100);
        AssertRefused(() => loss.Backward(), "Mul", 0, 1);
    }

    [Fact]
    public void AnOptimizerStepBetweenAForwardAndItsBackwardIsRefused()
    {
        // was 1,4,9; right: 3,12,27 (d/dw of Σw³ at the old w)
        Tensor w = Leaf(1, 2, 3);
        var sgd = new Sgd([w], learningRate: 0.1);
        Tensor first = w.Sum();
        Tensor second = (w * w * w).Sum();
        first.Backward();
        sgd.Step();
        AssertRefused(() => second.Backward(), "Mul", 0, 1);
    }

    [Fact]
    public void AnInputRefilledWithCopyFromAfterTheForwardIsRefused()
    {
        // was 7; right: 3
        Tensor input = Constant(3), w = Leaf(5);
        Tensor loss = (input * w).Sum();
        input.CopyFrom(Constant(7));
        AssertRefused(() => loss.Backward(), "Mul", 0, 1);
    }

    [Fact]
    public void AnIndexTensorChangedAfterGatherIsRefused()
    {
        Tensor x = Leaf(1, 2, 3);
        Tensor index = Tensor.FromArray(new long[] { 0, 2 });
        Tensor picked = x.Gather(0, index);
        index.CopyFrom(Tensor.FromArray(new long[] { 1, 1 }));
        AssertRefused(() => picked.Sum().Backward(), "Gather", 0, 1);
    }

    [Fact]
    public void AnInPlaceWriteToATensorNoRuleReadsIsAllowed()
    {
        // Add's rule does not read its operands: PyTorch allows this, and so do we.
        Tensor x = Leaf(1, 2, 3), c = Constant(1, 2, 3);
        Tensor y = x + c;
        c.MulInPlace(10);
        y.Sum().Backward();
        Assert.Equal([1.0, 1.0, 1.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void EveryMutatingApiBumpsTheVersion()
    {
        Tensor t = Constant(1, 2);
        Assert.Equal(0, t.Version);
        t.AddInPlace(Constant(1, 1));
        t.MulInPlace(2);
        t.CopyFrom(Constant(5, 6));
        Assert.Equal(3, t.Version);
        Assert.Equal(3, t.Detach().Version); // views share the counter
    }

    [Theory]
    [InlineData("AddInPlace")]
    [InlineData("MulInPlace")]
    [InlineData("CopyFrom")]
    public void EveryMutatingApiOnASavedTensorMakesBackwardThrow(string api)
    {
        Tensor x = Leaf(1, 2), saved = Constant(3, 4);
        Tensor loss = (x * saved).Sum();
        switch (api)
        {
            case "AddInPlace": saved.AddInPlace(Constant(1, 1)); break;
            case "MulInPlace": saved.MulInPlace(2); break;
            default: saved.CopyFrom(Constant(0, 0)); break;
        }
        AssertRefused(() => loss.Backward(), "Mul", 0, 1);
    }

    [Fact]
    public void AHookReturningAGradientOfTheWrongShapeIsRefusedWhereItReturns()
    {
        Tensor x = Leaf(1, 2, 3);
        Tensor y = x * 2.0;
        y.RegisterHook(_ => Tensor.Zeros([2], DType.Float64));
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Float64 [2] for a tensor of Float64 [3]", e.Message);

        Tensor z = x * 3.0;
        z.RegisterHook(g => g.To(DType.Float32));
        e = Assert.Throws<InvalidOperationException>(() => z.Sum().Backward());
        Assert.Contains("Float32 [3] for a tensor of Float64 [3]", e.Message);
    }
}
