namespace Backprop.Tests.Engine;

/// <summary>
/// The read-only view of a node that a chain-rule stepper walks: <see cref="Value.LocalDerivatives"/>
/// and <see cref="Value.Evaluate"/> agree with what the operators and <see cref="Value.Backward"/> do.
/// </summary>
public class ValueIntrospectionTests
{
    /// <summary>Every op once, on inputs where each derivative is a distinct, non-trivial number.</summary>
    public static TheoryData<string> Ops => ["+", "*", "+k", "*k", "**k", "exp", "log", "tanh", "sigmoid", "relu", "relu-off"];

    private static (Value Output, Value[] Inputs) Build(string op)
    {
        var a = new Value(0.7, "a");
        var b = new Value(-1.3, "b");
        return op switch
        {
            "+" => (a + b, [a, b]),
            "*" => (a * b, [a, b]),
            "+k" => (a + 2.5, [a]),
            "*k" => (a * -4.0, [a]),
            "**k" => (a.Pow(3), [a]),
            "exp" => (a.Exp(), [a]),
            "log" => (a.Log(), [a]),
            "tanh" => (a.Tanh(), [a]),
            "sigmoid" => (a.Sigmoid(), [a]),
            "relu" => (a.Relu(), [a]),
            _ => (b.Relu(), [b]),
        };
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void LocalDerivativesAreWhatBackwardGivesTheInputsFromASeedOfOne(string op)
    {
        (Value output, Value[] inputs) = Build(op);
        IReadOnlyList<double> locals = output.LocalDerivatives;
        output.Backward();
        Assert.Equal(inputs.Length, locals.Count);
        for (int i = 0; i < inputs.Length; i++) Assert.Equal(inputs[i].Grad, locals[i]);
    }

    [Fact]
    public void LocalDerivativesStateTheRulesInNumbers()
    {
        var a = new Value(0.7);
        var b = new Value(-1.3);
        Assert.Equal([-1.3, 0.7], (a * b).LocalDerivatives);
        Assert.Equal([1.0, 1.0], (a + b).LocalDerivatives);
        Assert.Equal(3 * 0.7 * 0.7, a.Pow(3).LocalDerivatives[0], 15);
        Assert.Equal(1 - (Math.Tanh(0.7) * Math.Tanh(0.7)), a.Tanh().LocalDerivatives[0], 15);
        Assert.Equal([0.0], b.Relu().LocalDerivatives);
        Assert.Empty(a.LocalDerivatives);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EvaluateOnTheCurrentInputsGivesTheNodesOwnNumberBitForBit(string op)
    {
        (Value output, Value[] inputs) = Build(op);
        Assert.Equal(output.Data, output.Evaluate([.. output.Inputs.Select(v => v.Data)]));
        Assert.Equal(inputs.Length, output.Inputs.Count);
    }

    [Fact]
    public void EvaluateAppliesTheOpToOtherNumbers()
    {
        var a = new Value(0.7);
        var b = new Value(-1.3);
        Assert.Equal(6.0, (a * b).Evaluate([2.0, 3.0]));
        Assert.Equal(5.5, (a + 2.5).Evaluate([3.0]));
        Assert.Equal(8.0, a.Pow(3).Evaluate([2.0]));
        Assert.Equal(0.0, a.Relu().Evaluate([-2.0]));
        Assert.Equal(0.7, a.Evaluate([]));
    }

    [Fact]
    public void EvaluateWithTheWrongNumberOfInputsNamesTheOp()
    {
        var a = new Value(0.7);
        var e = Assert.Throws<ArgumentException>(() => (a * a).Evaluate([1.0]));
        Assert.Contains("op '*' takes 2 input(s), got 1", e.Message);
    }

    [Fact]
    public void ReplayingTheGraphWithANodeNudgedGivesItsGradientByFiniteDifference()
    {
        // The chapter's neuron: dL/dz = -7.4 at z = 1.3; the replay nudges z, an interior node.
        var x = new Value(2.0);
        var w = new Value(0.5);
        var bias = new Value(0.3);
        Value z = (w * x) + bias;
        Value loss = (z.Relu() + new Value(-5.0)).Pow(2);
        loss.Backward();
        List<Value> nodes = ValueGraph.Nodes(loss);

        double Replay(double nudge)
        {
            var values = new Dictionary<Value, double>();
            for (int i = nodes.Count - 1; i >= 0; i--)
            {
                Value node = nodes[i];
                double v = node.Evaluate([.. node.Inputs.Select(input => values[input])]);
                values[node] = node.Equals(z) ? v + nudge : v;
            }
            return values[loss];
        }

        const double h = 1e-6;
        Assert.Equal(13.69, Replay(0), 12);
        Assert.Equal(-7.4, z.Grad, 12);
        Assert.Equal(z.Grad, (Replay(h) - Replay(-h)) / (2 * h), 6);
    }
}
