namespace Backprop.Tests.Engine;

/// <summary>Each claim of the README's "scalar engine in ten lines" section, with its own example.</summary>
public class ReadmeScalarEngineTests
{
    [Fact]
    public void TheTenLineExamplePrintsWhatTheReadmeSays()
    {
        var x = new Value(2.0, "x");
        var w = new Value(0.5, "w");
        var b = new Value(0.3, "b");
        Value output = (w * x + b).Relu();
        Value loss = (output - 5.0).Pow(2);
        Assert.Equal(1.3, output.Data, 12);
        Assert.Equal(13.69, loss.Data, 12);
        loss.Backward();
        Assert.Equal("Value(0.5000, grad=-14.8000)", w.ToString());
        Assert.Equal(-7.4, b.Grad, 12);
    }

    [Fact]
    public void ANodeUsedTwiceGetsBothContributionsAndBackwardTwiceAddsTwice()
    {
        var a = new Value(1.0);
        Value b = a + a;
        Value c = b + b;
        c.Backward();
        Assert.Equal(4.0, a.Grad);
        c.Backward();
        Assert.Equal(8.0, a.Grad);
        Assert.Equal(2.0, b.Grad);
    }

    [Fact]
    public void TwoOutputsThatShareNodesAddUpExactly()
    {
        var a = new Value(3.0);
        Value b = a.Pow(2);
        (2 * b).Backward();
        (3 * b).Backward();
        Assert.Equal(30.0, a.Grad);
    }

    [Fact]
    public void ZeroGradOnTheOutputResetsEveryNode()
    {
        var a = new Value(1.0);
        Value c = (a + a) * (a + a);
        c.Backward();
        c.ZeroGrad();
        Assert.All(ValueGraph.Nodes(c), n => Assert.Equal(0.0, n.Grad));
    }

    [Fact]
    public void ADoubleOperandIsFoldedIntoTheOp()
    {
        var x = new Value(1.0);
        Value y = x * 1.0001 + 0.5;
        Assert.Equal(3, ValueGraph.Nodes(y).Count); // x, x*1.0001, +0.5
        Assert.Equal("+0.5", y.Op);
    }

    [Fact]
    public void IeeeArithmeticNeverThrows()
    {
        var zero = new Value(0.0);
        Value log = zero.Log();
        log.Backward();
        Assert.Equal(double.NegativeInfinity, log.Data);
        Assert.Equal(double.PositiveInfinity, zero.Grad);
        Assert.True(double.IsNaN(new Value(-1.0).Log().Data));
        Assert.True(double.IsNaN(new Value(-8.0).Pow(0.5).Data));

        var x = new Value(0.0);
        x.Pow(0).Backward();
        x.Relu().Backward();
        Assert.Equal(0.0, x.Grad);
    }

    [Fact]
    public void DataAndGradAreSettable()
    {
        var p = new Value(1.0);
        (p * 3).Backward();
        p.Data -= 0.1 * p.Grad;
        p.Grad = 0;
        Assert.Equal(0.7, p.Data, 12);
        Assert.Equal(0.0, p.Grad);
    }
}
