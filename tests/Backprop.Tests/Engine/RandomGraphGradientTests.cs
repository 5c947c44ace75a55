using Backprop.Tests.Support;
using CsCheck;

namespace Backprop.Tests.Engine;

/// <summary>
/// Property tests: hundreds of random expression graphs, with nodes shared between several
/// consumers, differentiated by <see cref="Value.Backward"/> and by finite differences.
/// </summary>
public class RandomGraphGradientTests
{
    /// <summary>One step of a random program: an opcode and two operands picked among earlier nodes.</summary>
    private readonly record struct Step(int Op, int Left, int Right);

    private static readonly Gen<Step[]> Programs =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 1000], Gen.Int[0, 1000], (op, l, r) => new Step(op, l, r)).Array[1, 16];

    private static readonly Gen<double[]> Points = Gen.Double[-2.0, 2.0].Array[1, 4];

    /// <summary>
    /// Runs <paramref name="program"/> on <paramref name="leaves"/>: every step reads any
    /// earlier nodes (so nodes are shared) and the output sums every node built. The ops keep
    /// values bounded and smooth, so that finite differences are accurate.
    /// </summary>
    private static Value Run(Step[] program, Value[] leaves)
    {
        var nodes = new List<Value>(leaves);
        foreach (Step step in program)
        {
            Value a = nodes[step.Left % nodes.Count];
            Value b = nodes[step.Right % nodes.Count];
            nodes.Add(step.Op switch
            {
                0 => (a + b) * 0.5,
                1 => (a * b).Tanh(),
                2 => 0.5 * (a - b),
                3 => a.Tanh(),
                4 => a.Sigmoid(),
                5 => a.Tanh().Pow(3),
                6 => (a * a + 1).Log(),
                7 => a / (b * b + 1),
                8 => a.Tanh().Exp() - 1.0,
                _ => 2.0 / (a.Sigmoid() + 1),
            });
        }
        Value sum = nodes[0];
        for (int i = 1; i < nodes.Count; i++) sum += nodes[i];
        return sum;
    }

    [Fact]
    public void BackwardMatchesFiniteDifferencesOnRandomGraphs()
    {
        Gen.Select(Programs, Points).Sample((program, x) =>
            ValueGradCheck.Check(leaves => Run(program, leaves), x, "random graph", atol: 1e-5, rtol: 1e-4),
            iter: 400);
    }

    [Fact]
    public void BackwardIsDeterministicAndZeroGradMakesItRepeatable()
    {
        Gen.Select(Programs, Points).Sample((program, x) =>
        {
            Value[] leaves = Array.ConvertAll(x, v => new Value(v));
            Value output = Run(program, leaves);
            output.Backward();
            double[] first = Array.ConvertAll(leaves, l => l.Grad);
            output.ZeroGrad();
            output.Backward();
            Assert.Equal(first, Array.ConvertAll(leaves, l => l.Grad));
            Assert.Equal(first, ValueGradCheck.Analytic(l => Run(program, l), x));
        }, iter: 200);
    }
}
