using Backprop.Playground.Lab;

namespace Backprop.Playground.Tests.Lab;

public sealed class ChainRuleStepperTests
{
    [Fact]
    public void TheChapterPresetShowsTheChaptersFourNumbers()
    {
        StepperGraph graph = ChainRuleStepper.Chapter();
        Assert.Equal(1.3, graph.Summary.Z, 12);
        Assert.Equal(13.69, graph.Summary.Loss, 12);
        Assert.Equal(-14.8, Assert.Single(graph.Summary.DLdw), 12);
        Assert.Equal(-7.4, graph.Summary.DLdb, 12);
        Assert.Null(graph.Note);
    }

    [Fact]
    public void TheChapterGraphIsTheLibrarysNodesWithTheChaptersLabels()
    {
        StepperGraph graph = ChainRuleStepper.Chapter();
        Dictionary<string, StepperNode> byLabel = graph.Nodes.ToDictionary(n => n.Label);
        // Nodes made by ops newest first, then the leaves (in the order the walk met them).
        Assert.Equal(["L", "out - target", "out", "z", "w*x"], graph.Nodes.Take(5).Select(n => n.Label));
        Assert.Equal(["-target", "b", "w", "x"], graph.Nodes.Skip(5).Select(n => n.Label).Order());
        Assert.Equal("**2", byLabel["L"].Op);
        Assert.Equal("ReLU", byLabel["out"].Op);
        Assert.Equal("", byLabel["w"].Op);
        Assert.Equal(-3.7, byLabel["out - target"].Data, 12);
        Assert.Equal(-7.4, byLabel["out - target"].Grad, 12);
        Assert.Equal(-3.7, byLabel["x"].Grad, 12);   // dL/dx = w · dL/dz
        Assert.Equal(1.0, byLabel["L"].Grad);
        int z = byLabel["z"].Id, product = byLabel["w*x"].Id, b = byLabel["b"].Id;
        Assert.Contains(graph.Edges, e => e[0] == product && e[1] == z);
        Assert.Contains(graph.Edges, e => e[0] == b && e[1] == z);
        Assert.Equal(8, graph.Edges.Count);
    }

    [Fact]
    public void StepsVisitEveryNodeOnceInReverseTopologicalOrder()
    {
        StepperGraph graph = ChainRuleStepper.Chapter();
        Assert.Equal(graph.Nodes.Count, graph.Steps.Count);
        Assert.Equal(graph.Order, graph.Steps.Select(s => s.Node));
        Assert.Equal(graph.Nodes.Count, graph.Order.Distinct().Count());
        Assert.Equal(0, graph.Order[0]); // the loss first
        var position = graph.Order.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        // Every consumer steps before each of its inputs: its gradient is complete when it sends.
        foreach (int[] edge in graph.Edges) Assert.True(position[edge[1]] < position[edge[0]], $"edge {edge[0]}->{edge[1]}");
    }

    [Fact]
    public void EachStepsLocalTimesUpstreamAddsUpToTheInputsGradientAndMatchesTheFiniteDifference()
    {
        StepperGraph graph = ChainRuleStepper.Chapter();
        var received = new double[graph.Nodes.Count];
        foreach (StepperStep step in graph.Steps)
        {
            StepperNode node = graph.Nodes[step.Node];
            Assert.Equal(node.Grad, step.Upstream);
            if (step.Node != 0) Assert.Equal(node.Grad, received[step.Node], 12); // complete before it sends
            Assert.Equal(node.Grad, step.FdCheck, 6);
            foreach (StepperLocal local in step.Locals)
            {
                Assert.Equal(local.LocalDerivative * step.Upstream, local.Product);
                received[local.Input] += local.Product;
                Assert.Equal(received[local.Input], local.GradAfter, 12);
            }
        }
        for (int i = 1; i < graph.Nodes.Count; i++) Assert.Equal(graph.Nodes[i].Grad, received[i], 12);
    }

    [Fact]
    public void TheStepIntoTheWeightShowsLocalDerivativeTimesUpstreamInTheChaptersNumbers()
    {
        StepperGraph graph = ChainRuleStepper.Chapter();
        int product = graph.Nodes.Single(n => n.Label == "w*x").Id;
        int w = graph.Nodes.Single(n => n.Label == "w").Id;
        StepperStep step = graph.Steps.Single(s => s.Node == product);
        StepperLocal toW = step.Locals.Single(l => l.Input == w);
        Assert.Equal(-7.4, step.Upstream, 12);      // dL/d(w*x) = dL/dz
        Assert.Equal(2.0, toW.LocalDerivative);     // d(w*x)/dw = x
        Assert.Equal(-14.8, toW.Product, 12);
        Assert.Equal(-14.8, graph.Steps.Single(s => s.Node == w).FdCheck, 6);
    }

    [Fact]
    public void ANodeUsedTwiceGetsBothSharesAndTheFiniteDifferenceAgrees()
    {
        var a = new Value(1.5, "a");
        Value square = a * a;
        Value loss = (square + a).Tanh();
        StepperGraph graph = ChainRuleStepper.Walk(loss, () => new StepperSummary(0, loss.Data, [], 0), "test");
        StepperNode leaf = graph.Nodes.Single(n => n.Label == "a");
        double expected = (1 - (Math.Tanh(3.75) * Math.Tanh(3.75))) * ((2 * 1.5) + 1);
        Assert.Equal(expected, leaf.Grad, 12);
        Assert.Equal(3, graph.Steps.SelectMany(s => s.Locals).Count(l => l.Input == leaf.Id));
        Assert.Equal(expected, graph.Steps.Single(s => s.Node == leaf.Id).FdCheck, 6);
    }

    [Fact]
    public void WalkingTwiceGivesTheSameGradientsNotTwiceThem()
    {
        ChapterNeuronGraph neuron = ChapterNeuron.Build();
        StepperSummary Summary() => new(neuron.Z.Data, neuron.Loss.Data, [neuron.W.Grad], neuron.B.Grad);
        ChainRuleStepper.Walk(neuron.Loss, Summary, null);
        StepperGraph second = ChainRuleStepper.Walk(neuron.Loss, Summary, null);
        Assert.Equal(-14.8, second.Summary.DLdw[0], 12);
    }
}
