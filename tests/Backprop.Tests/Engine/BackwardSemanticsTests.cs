
namespace Backprop.Tests.Engine;

/// <summary>The semantics of <see cref="Value.Backward"/> that DESIGN.md pins down.</summary>
public class BackwardSemanticsTests
{
    [Fact]
    public void ANodeUsedTwiceReceivesBothContributions()
    {
        var a = new Value(3.0);
        Value b = a + a;
        Value c = b + b;
        c.Backward();
        Assert.Equal(4.0, a.Grad);
        Assert.Equal(2.0, b.Grad);
    }

    [Fact]
    public void ASquareThroughOneNodeCountsBothFactors()
    {
        var a = new Value(3.0);
        (a * a).Backward();
        Assert.Equal(6.0, a.Grad);
    }

    [Fact]
    public void BackwardTwiceWithoutZeroGradAccumulates()
    {
        var x = new Value(2.0);
        var w = new Value(-3.0);
        Value y = x * w;
        y.Backward();
        y.Backward();
        Assert.Equal(-6.0, x.Grad);
        Assert.Equal(4.0, w.Grad);
        Assert.Equal(1.0, y.Grad); // the output's own gradient is set, not added
    }

    [Fact]
    public void ZeroGradResetsTheWholeGraph()
    {
        var x = new Value(2.0);
        var w = new Value(-3.0);
        Value h = (x * w).Tanh();
        Value y = h * h;
        y.Backward();
        Assert.NotEqual(0.0, x.Grad);
        y.ZeroGrad();
        Assert.All(ValueGraph.Nodes(y), n => Assert.Equal(0.0, n.Grad));
        y.Backward();
        double once = x.Grad;
        y.ZeroGrad();
        y.Backward();
        Assert.Equal(once, x.Grad);
    }

    [Fact]
    public void NodesListsEachNodeOnceOutputFirstInputsAfterConsumers()
    {
        var a = new Value(1.0);
        var b = new Value(2.0);
        Value c = a * b;
        Value d = c + a;
        Value e = d * c;
        List<Value> order = ValueGraph.Nodes(e);
        Assert.Equal(5, order.Count);
        Assert.Equal(5, order.Distinct().Count());
        Assert.Same(e, order[0]);
        foreach (Value node in order)
        {
            foreach (Value input in node.Inputs) Assert.True(order.IndexOf(input) > order.IndexOf(node));
        }
    }

    [Fact]
    public void NodesListsALeafMadeBetweenTwoOpsOnceAndStillReachesEveryNodeBelowIt()
    {
        // The chapter's neuron: the leaf Value(-target) is made after relu, between two ops.
        // The sweep once took it for a pending op, stopped early and left out relu, z, w*x, w, b.
        var x = new Value(2.0);
        var w = new Value(0.5);
        var b = new Value(0.3);
        Value z = (w * x) + b;
        Value output = z.Relu();
        var target = new Value(-5.0);
        Value loss = (output + target).Pow(2);
        List<Value> order = ValueGraph.Nodes(loss);
        Assert.Equal(9, order.Count);
        Assert.Equal(9, order.Distinct().Count());
        foreach (Value node in new[] { x, w, b, z, output, target }) Assert.Contains(node, order);
        foreach (Value node in order)
        {
            foreach (Value input in node.Inputs) Assert.True(order.IndexOf(input) > order.IndexOf(node));
        }

        loss.Backward();
        Assert.Equal(-14.8, w.Grad, 12);
        loss.ZeroGrad();
        Assert.All(new[] { x, w, b, z, output, target, loss }, n => Assert.Equal(0.0, n.Grad));
    }

    [Fact]
    public void ALeafAloneGetsGradientOne()
    {
        var a = new Value(5.0);
        a.Backward();
        Assert.Equal(1.0, a.Grad);
    }

    [Fact]
    public void GradientsOfSeparateOutputsDoNotLeakBetweenPasses()
    {
        // A branch that is built but not used by the output must not receive gradient or
        // block the pass.
        var x = new Value(2.0);
        Value unused = x * 100;
        Value used = x * 3;
        used.Backward();
        Assert.Equal(3.0, x.Grad);
        Assert.Equal(0.0, unused.Grad);
    }

    [Fact]
    public void AMillionNodeChainDoesNotOverflowTheStack()
    {
        var x = new Value(0.5);
        Value y = x;
        for (int i = 0; i < 1_000_000; i++) y = y + 1e-6;
        y.Backward();
        Assert.Equal(1.0, x.Grad);
        Assert.Equal(1_000_001, ValueGraph.Nodes(y).Count);
    }

    [Fact]
    public void TheIssuesChainHasTheClosedFormGradient()
    {
        // x = relu(x * 1.0001 + 0.5), 1,000,000 times from x = 1: every ReLU passes, so
        // d(out)/dx = 1.0001^1,000,000.
        var input = new Value(1.0);
        Value x = input;
        for (int i = 0; i < 1_000_000; i++) x = (x * 1.0001 + 0.5).Relu();
        x.Backward();
        double expected = Math.Pow(1.0001, 1_000_000);
        Assert.True(Math.Abs(input.Grad - expected) <= 1e-9 * expected, $"got {input.Grad:R}, expected {expected:R}");
    }

    [Fact]
    public void AWideGraphWorksToo()
    {
        // 200,000 leaves summed in a balanced tree: breadth rather than depth.
        Value[] level = Enumerable.Range(0, 200_000).Select(i => new Value(i)).ToArray();
        Value[] leaves = level;
        while (level.Length > 1)
        {
            level = Enumerable.Range(0, (level.Length + 1) / 2)
                .Select(i => 2 * i + 1 < level.Length ? level[2 * i] + level[2 * i + 1] : level[2 * i])
                .ToArray();
        }
        (level[0] * 2).Backward();
        Assert.All(leaves, l => Assert.Equal(2.0, l.Grad));
    }
}
