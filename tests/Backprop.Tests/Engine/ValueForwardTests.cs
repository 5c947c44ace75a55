namespace Backprop.Tests.Engine;

/// <summary>Each operator's forward value, against the closed form computed with Math.</summary>
public class ValueForwardTests
{
    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(-1.5, 0.25)]
    [InlineData(0.0, -4.0)]
    public void BinaryOperatorsComputeTheirClosedForms(double a, double b)
    {
        var x = new Value(a);
        var y = new Value(b);
        Assert.Equal(a + b, (x + y).Data);
        Assert.Equal(a * b, (x * y).Data);
        Assert.Equal(a + -b, (x - y).Data);
        Assert.Equal(a * Math.Pow(b, -1), (x / y).Data);
        Assert.Equal(a * -1, (-x).Data);
        Assert.Equal(a + 2.5, (x + 2.5).Data);
        Assert.Equal(2.5 + a, (2.5 + x).Data);
        Assert.Equal(a * 2.5, (x * 2.5).Data);
        Assert.Equal(a * 2.5, (2.5 * x).Data);
        Assert.Equal(a + -2.5, (x - 2.5).Data);
        Assert.Equal(-a + 2.5, (2.5 - x).Data);
        Assert.Equal(a * (1 / 2.5), (x / 2.5).Data);
        Assert.Equal(Math.Pow(b, -1) * 2.5, (2.5 / y).Data);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-0.3)]
    [InlineData(3.0)]
    public void FunctionsComputeTheirClosedForms(double a)
    {
        var x = new Value(a);
        Assert.Equal(Math.Pow(a, 3), x.Pow(3).Data);
        Assert.Equal(Math.Exp(a), x.Exp().Data);
        Assert.Equal(Math.Tanh(a), x.Tanh().Data);
        Assert.Equal(1 / (1 + Math.Exp(-a)), x.Sigmoid().Data);
        Assert.Equal(a > 0 ? a : 0, x.Relu().Data);
        Assert.Equal(Math.Log(Math.Abs(a)), new Value(Math.Abs(a)).Log().Data);
    }

    [Fact]
    public void LogOfZeroIsNegativeInfinityAndOfANegativeNumberNaN()
    {
        Assert.Equal(double.NegativeInfinity, new Value(0).Log().Data);
        Assert.True(double.IsNaN(new Value(-1).Log().Data));
    }

    [Fact]
    public void PowWithoutARealResultIsNaNNotAnException()
    {
        Assert.True(double.IsNaN(new Value(-8).Pow(1.0 / 3).Data));
        Value zeroInverse = new Value(0).Pow(-1);
        Assert.Equal(double.PositiveInfinity, zeroInverse.Data);
    }

    [Fact]
    public void NaNFlowsThroughEveryFunction()
    {
        var nan = new Value(double.NaN);
        Value[] results = [nan + 1, nan * 2, nan.Pow(2), nan.Exp(), nan.Log(), nan.Tanh(), nan.Sigmoid(), nan.Relu()];
        Assert.All(results, r => Assert.True(double.IsNaN(r.Data), r.Op));
    }

    [Fact]
    public void SigmoidSaturatesWithoutOverflow()
    {
        Assert.Equal(0.0, new Value(-1000).Sigmoid().Data);
        Assert.Equal(1.0, new Value(1000).Sigmoid().Data);
    }

    [Fact]
    public void ToStringUsesTheChaptersFormatInInvariantCulture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma (built by hand: the tests run in invariant globalization mode).
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            System.Globalization.CultureInfo.CurrentCulture = comma;
            Assert.Equal("1,5", 1.5.ToString());
            var v = new Value(1.3) { Grad = -7.4 };
            Assert.Equal("Value(1.3000, grad=-7.4000)", v.ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void NodesRecordTheirOpAndInputs()
    {
        var a = new Value(2, "a");
        var b = new Value(3, "b");
        Value c = a * b;
        Assert.Equal("*", c.Op);
        Assert.Equal([a, b], c.Inputs);
        Assert.Equal("", a.Op);
        Assert.Empty(a.Inputs);
        Assert.Equal("a", a.Label);
        Assert.Null(c.Label);
        c.Label = "c";
        Assert.Equal("c", c.Label);
        Assert.Equal("**2", a.Pow(2).Op);
        Assert.Equal("ReLU", a.Relu().Op);
        Assert.Equal("*1.5", (a * 1.5).Op);
        Assert.Equal([a], (a + 1).Inputs);
    }
}
