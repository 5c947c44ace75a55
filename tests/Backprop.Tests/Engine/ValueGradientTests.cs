using Backprop.Tests.Support;

namespace Backprop.Tests.Engine;

/// <summary>Every backward rule of <see cref="Value"/> against central finite differences.</summary>
public class ValueGradientTests
{
    public static TheoryData<string, double[]> BinaryPoints => new()
    {
        { "positive", [1.3, 0.7] },
        { "mixed", [-2.1, 0.4] },
        { "negative", [-0.9, -1.6] },
    };

    [Theory]
    [MemberData(nameof(BinaryPoints))]
    public void BinaryOperatorsHaveCorrectGradients(string point, double[] x)
    {
        ValueGradCheck.Check(v => v[0] + v[1], x, $"+ at {point}");
        ValueGradCheck.Check(v => v[0] * v[1], x, $"* at {point}");
        ValueGradCheck.Check(v => v[0] - v[1], x, $"- at {point}");
        ValueGradCheck.Check(v => v[0] / v[1], x, $"/ at {point}");
        ValueGradCheck.Check(v => -v[0] * v[1], x, $"neg at {point}");
    }

    [Theory]
    [MemberData(nameof(BinaryPoints))]
    public void ConstantOperandsHaveCorrectGradients(string point, double[] x)
    {
        ValueGradCheck.Check(v => (v[0] + 2.5) * (3.0 + v[1]), x, $"+k at {point}");
        ValueGradCheck.Check(v => (v[0] * 2.5) + (3.0 * v[1]), x, $"*k at {point}");
        ValueGradCheck.Check(v => (v[0] - 2.5) * (3.0 - v[1]), x, $"-k at {point}");
        ValueGradCheck.Check(v => (v[0] / 2.5) + (3.0 / v[1]), x, $"/k at {point}");
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(-1.7)]
    [InlineData(2.3)]
    public void FunctionsHaveCorrectGradients(double a)
    {
        double[] x = [a];
        ValueGradCheck.Check(v => v[0].Pow(3), x, "pow 3");
        ValueGradCheck.Check(v => v[0].Pow(-2), x, "pow -2");
        ValueGradCheck.Check(v => v[0].Exp(), x, "exp");
        ValueGradCheck.Check(v => v[0].Tanh(), x, "tanh");
        ValueGradCheck.Check(v => v[0].Sigmoid(), x, "sigmoid");
        ValueGradCheck.Check(v => v[0].Relu(), x, "relu");
        ValueGradCheck.Check(v => (v[0] * v[0]).Log(), x, "log");
        ValueGradCheck.Check(v => (v[0] * v[0]).Pow(0.5), x, "pow 0.5");
    }

    [Fact]
    public void ReluPassesNoGradientWhereItIsOff()
    {
        var x = new Value(-0.5);
        x.Relu().Backward();
        Assert.Equal(0.0, x.Grad);
    }

    [Fact]
    public void LocalDerivativesMatchTheirClosedForms()
    {
        const double a = 0.6;
        Assert.Equal(1 - Math.Tanh(a) * Math.Tanh(a), GradOf(v => v.Tanh(), a), 15);
        double s = 1 / (1 + Math.Exp(-a));
        Assert.Equal(s * (1 - s), GradOf(v => v.Sigmoid(), a), 15);
        Assert.Equal(Math.Exp(a), GradOf(v => v.Exp(), a), 15);
        Assert.Equal(1 / a, GradOf(v => v.Log(), a), 15);
        Assert.Equal(3 * a * a, GradOf(v => v.Pow(3), a), 15);

        static double GradOf(Func<Value, Value> f, double x)
        {
            var v = new Value(x);
            f(v).Backward();
            return v.Grad;
        }
    }

    [Fact]
    public void MicrogradsSanityExpressionMatchesFiniteDifferences()
    {
        // micrograd's test_more_ops expression, with every operator and shared nodes.
        static Value F(Value[] v)
        {
            Value a = v[0], b = v[1];
            Value c = a + b;
            Value d = a * b + b.Pow(3);
            c += c + 1;
            c += 1 + c + -a;
            d += d * 2 + (b + a).Relu();
            d += 3 * d + (b - a).Relu();
            Value e = c - d;
            Value f = e.Pow(2);
            Value g = f / 2.0;
            g += 10.0 / f;
            return g;
        }

        Value[] leaves = [new Value(-4.0), new Value(2.0)];
        Value result = F(leaves);
        result.Backward();
        // micrograd's own test asserts these values, which it checks against PyTorch.
        Assert.Equal(24.70408163265306, result.Data, 6);
        Assert.Equal(138.83381924198252, leaves[0].Grad, 6);
        Assert.Equal(645.5772594752186, leaves[1].Grad, 6);
        ValueGradCheck.Check(F, [-4.0, 2.0], "micrograd expression", atol: 1e-4);
    }
}
