using CsCheck;

namespace Backprop.Tests.Engine;

/// <summary>
/// DESIGN.md's rule for more than one pass: each <see cref="Value.Backward"/> seeds its output
/// with 1 and starts every node made by an op from zero; only leaves accumulate.
/// </summary>
public class RepeatedBackwardTests
{
    [Fact]
    public void TheReadmesExampleGives4Then8()
    {
        var a = new Value(3.0);
        Value b = a + a;
        Value c = b + b;
        c.Backward();
        Assert.Equal(4.0, a.Grad);
        Assert.Equal(2.0, b.Grad);
        c.Backward();
        Assert.Equal(8.0, a.Grad); // not 12: b's gradient of the first pass is not passed on again
        Assert.Equal(2.0, b.Grad); // an interior node holds the gradient of the last pass
        Assert.Equal(1.0, c.Grad);
    }

    [Fact]
    public void TwoOutputsThatShareANodeGiveTheSumOfTheirGradients()
    {
        // b = a², outputs 2b and 3b: d(2b)/da = 4a = 12, d(3b)/da = 6a = 18 at a = 3.
        var a = new Value(3.0);
        Value b = a.Pow(2);
        Value twice = b * 2;
        Value thrice = b * 3;
        twice.Backward();
        Assert.Equal(12.0, a.Grad);
        Assert.Equal(2.0, b.Grad);
        thrice.Backward();
        Assert.Equal(30.0, a.Grad); // not 42
        Assert.Equal(3.0, b.Grad);  // the last pass's d(3b)/db
    }

    [Fact]
    public void ALeafOutputAccumulatesLikeAnyLeaf()
    {
        var a = new Value(5.0);
        a.Backward();
        a.Backward();
        Assert.Equal(2.0, a.Grad);
    }

    [Fact]
    public void ZeroGradThenBackwardGivesOnePassAgain()
    {
        var a = new Value(3.0);
        Value c = (a + a) * (a + a);
        c.Backward();
        c.Backward();
        Assert.Equal(48.0, a.Grad);
        c.ZeroGrad();
        c.Backward();
        Assert.Equal(24.0, a.Grad);
    }

    [Fact]
    public void AnInteriorGradientSetByHandDoesNotLeakIntoThePass()
    {
        var a = new Value(2.0);
        Value b = a * a;
        Value c = b + 1;
        b.Grad = 100;
        c.Backward();
        Assert.Equal(1.0, b.Grad);
        Assert.Equal(4.0, a.Grad);
    }

    /// <summary>Random programs of smooth ops over two to four leaves, every node shared by later steps.</summary>
    private static readonly Gen<(int Op, int Left, int Right)[]> Programs =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 1000], Gen.Int[0, 1000]).Array[1, 20];

    private static readonly Gen<double[]> Points = Gen.Double[-2.0, 2.0].Array[2, 4];

    private static List<Value> Build((int Op, int Left, int Right)[] program, Value[] leaves)
    {
        var nodes = new List<Value>(leaves);
        foreach ((int op, int left, int right) in program)
        {
            Value a = nodes[left % nodes.Count], b = nodes[right % nodes.Count];
            nodes.Add(op switch
            {
                0 => a + b,
                1 => a * b,
                2 => a.Tanh() * 0.5,
                3 => (a * b).Sigmoid(),
                4 => a - b * 0.25,
                _ => (a * a + 1).Log(),
            });
        }
        return nodes;
    }

    [Fact]
    public void BackwardTwiceAddsTwiceOnEveryLeaf()
    {
        Gen.Select(Programs, Points).Sample((program, x) =>
        {
            Value[] once = Array.ConvertAll(x, v => new Value(v));
            Build(program, once)[^1].Backward();
            Value[] twice = Array.ConvertAll(x, v => new Value(v));
            Value output = Build(program, twice)[^1];
            output.Backward();
            output.Backward();
            // The second pass adds its contributions one by one to the first pass's sum: equal up to rounding.
            for (int i = 0; i < x.Length; i++) Assert.Equal(2 * once[i].Grad, twice[i].Grad, 1e-12 * (1 + Math.Abs(twice[i].Grad)));
        }, iter: 300);
    }

    [Fact]
    public void TwoOutputsSharingNodesGiveTheSumOfSeparatePasses()
    {
        Gen.Select(Programs, Points, Gen.Int[0, 1000]).Sample((program, x, pick) =>
        {
            // Two outputs of one graph: the last node and an earlier one (which it may use).
            double[] first = Grads(program, x, nodes => [nodes[^1]]);
            double[] second = Grads(program, x, nodes => [nodes[pick % nodes.Count]]);
            double[] both = Grads(program, x, nodes => [nodes[^1], nodes[pick % nodes.Count]]);
            for (int i = 0; i < x.Length; i++)
                Assert.Equal(first[i] + second[i], both[i], 1e-12 * (1 + Math.Abs(both[i])));
        }, iter: 300);

        static double[] Grads((int, int, int)[] program, double[] x, Func<List<Value>, Value[]> outputs)
        {
            Value[] leaves = Array.ConvertAll(x, v => new Value(v));
            foreach (Value output in outputs(Build(program, leaves))) output.Backward();
            return Array.ConvertAll(leaves, l => l.Grad);
        }
    }
}
