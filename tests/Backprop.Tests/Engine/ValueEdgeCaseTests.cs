namespace Backprop.Tests.Engine;

/// <summary>
/// Each op's value and gradient at its edge points (zero, exponent 0, the ReLU kink, infinities,
/// NaN, log 0), against the closed form, with PyTorch's conventions where calculus has none.
/// </summary>
public class ValueEdgeCaseTests
{
    private static (double Data, double Grad) At(double x, Func<Value, Value> f)
    {
        var v = new Value(x);
        Value y = f(v);
        y.Backward();
        return (y.Data, v.Grad);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(2.5)]
    [InlineData(-3.0)]
    [InlineData(double.PositiveInfinity)]
    public void PowZeroIsOneWithGradientZeroEverywhere(double x)
    {
        (double data, double grad) = At(x, v => v.Pow(0));
        Assert.Equal(1.0, data);
        Assert.Equal(0.0, grad); // PyTorch: 0, not 0 * x^-1 = NaN at x = 0
    }

    [Fact]
    public void PowAtZeroFollowsTheClosedForm()
    {
        Assert.Equal((0.0, 1.0), At(0, v => v.Pow(1)));                            // 1 * 0^0
        Assert.Equal((0.0, 0.0), At(0, v => v.Pow(2)));                            // 2 * 0^1
        Assert.Equal((0.0, double.PositiveInfinity), At(0, v => v.Pow(0.5)));      // 0.5 * 0^-0.5
        Assert.Equal((double.PositiveInfinity, double.NegativeInfinity), At(0, v => v.Pow(-1))); // -1 * 0^-2
        (double data, double grad) = At(-8, v => v.Pow(1.0 / 3));
        Assert.True(double.IsNaN(data) && double.IsNaN(grad));
    }

    [Fact]
    public void ReluHasGradientZeroAtTheKinkAndOneAbove()
    {
        Assert.Equal((0.0, 0.0), At(0.0, v => v.Relu()));
        Assert.Equal((0.0, 0.0), At(-0.0, v => v.Relu()));
        Assert.Equal((1e-300, 1.0), At(1e-300, v => v.Relu()));
        Assert.Equal((0.0, 0.0), At(double.NegativeInfinity, v => v.Relu()));
        Assert.Equal((double.PositiveInfinity, 1.0), At(double.PositiveInfinity, v => v.Relu()));
    }

    [Fact]
    public void AnOffReluPassesZeroEvenWhenTheIncomingGradientIsInfinite()
    {
        // d/dx relu(x) * 1/relu(x)... built so that the gradient reaching the ReLU is infinite.
        var x = new Value(-1.0);
        Value r = x.Relu();
        Value y = r.Pow(-1);              // 1/0 = inf, gradient -inf
        y.Backward();
        Assert.Equal(double.NegativeInfinity, r.Grad);
        Assert.Equal(0.0, x.Grad);        // PyTorch's threshold_backward: 0, not 0 * inf
    }

    [Fact]
    public void LogAtZeroIsMinusInfinityWithGradientPlusInfinity()
    {
        Assert.Equal((double.NegativeInfinity, double.PositiveInfinity), At(0, v => v.Log()));
        Assert.Equal((0.0, 1.0), At(1, v => v.Log()));
        (double data, double grad) = At(-2, v => v.Log());
        Assert.True(double.IsNaN(data));
        Assert.Equal(-0.5, grad); // 1/a, as PyTorch's grad / self
        Assert.Equal((double.PositiveInfinity, 0.0), At(double.PositiveInfinity, v => v.Log()));
    }

    [Fact]
    public void ExpTanhAndSigmoidSaturateToFiniteGradients()
    {
        Assert.Equal((0.0, 0.0), At(double.NegativeInfinity, v => v.Exp()));
        Assert.Equal((double.PositiveInfinity, double.PositiveInfinity), At(double.PositiveInfinity, v => v.Exp()));
        Assert.Equal((1.0, 1.0), At(0, v => v.Exp()));
        Assert.Equal((0.0, 1.0), At(0, v => v.Tanh()));
        Assert.Equal((1.0, 0.0), At(double.PositiveInfinity, v => v.Tanh()));
        Assert.Equal((-1.0, 0.0), At(double.NegativeInfinity, v => v.Tanh()));
        Assert.Equal((0.5, 0.25), At(0, v => v.Sigmoid()));
        Assert.Equal((0.0, 0.0), At(-1000, v => v.Sigmoid()));
        Assert.Equal((1.0, 0.0), At(1000, v => v.Sigmoid()));
    }

    [Fact]
    public void ArithmeticAtZeroAndInfinityFollowsIeee()
    {
        var a = new Value(0.0);
        var b = new Value(double.PositiveInfinity);
        Value product = a * b; // 0 * inf = NaN; d/da = inf, d/db = 0
        product.Backward();
        Assert.True(double.IsNaN(product.Data));
        Assert.Equal(double.PositiveInfinity, a.Grad);
        Assert.Equal(0.0, b.Grad);

        var x = new Value(1.0);
        var zero = new Value(0.0);
        Value quotient = x / zero; // x * zero^-1: d/dx = inf, d/dzero = x * -1 * 0^-2 = -inf
        quotient.Backward();
        Assert.Equal(double.PositiveInfinity, quotient.Data);
        Assert.Equal(double.PositiveInfinity, x.Grad);
        Assert.Equal(double.NegativeInfinity, zero.Grad);
        Assert.Equal((0.0, 0.0), At(5, v => v * 0.0));
    }

    [Fact]
    public void NaNInputsGiveNaNGradientsWhereTheDerivativeDependsOnTheInput()
    {
        Func<Value, Value>[] ops = [v => v.Pow(2), v => v.Exp(), v => v.Log(), v => v.Tanh(), v => v.Sigmoid(), v => v.Relu(), v => v * v];
        foreach (Func<Value, Value> op in ops)
        {
            (double data, double grad) = At(double.NaN, op);
            Assert.True(double.IsNaN(data) && double.IsNaN(grad), $"{op(new Value(1)).Op}: {data}, {grad}");
        }
        // Constant slopes do not depend on the input.
        Assert.Equal(1.0, At(double.NaN, v => v + 1).Grad);
        Assert.Equal(2.0, At(double.NaN, v => v * 2).Grad);
    }
}
