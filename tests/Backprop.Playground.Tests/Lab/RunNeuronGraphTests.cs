using Backprop.Playground.Lab;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Tests.Lab;

public sealed class RunNeuronGraphTests
{
    private static void AssertStepsAreConsistent(StepperGraph graph)
    {
        var received = new double[graph.Nodes.Count];
        foreach (StepperStep step in graph.Steps)
        {
            Assert.Equal(graph.Nodes[step.Node].Grad, step.Upstream);
            Assert.Equal(step.Upstream, step.FdCheck, 6);
            foreach (StepperLocal local in step.Locals) received[local.Input] += local.LocalDerivative * step.Upstream;
        }
        for (int i = 1; i < graph.Nodes.Count; i++) Assert.Equal(graph.Nodes[i].Grad, received[i], 12);
    }

    [Fact]
    public void AnOutputNeuronsGraphEndsInThePointsRealLossAndItsWeightGradientsMatchTheFiniteDifference()
    {
        using var run = new PlaygroundRun("t", new RunSettings { Seed = 5, Hidden = [3] });
        run.Step(2);
        string before = System.Text.Json.JsonSerializer.Serialize(run.Snapshot());
        StepperGraph graph = run.Inspect(r => RunNeuronGraph.Build(r, 1, 0, 7));
        Assert.Null(graph.Note);
        StepperNode loss = graph.Nodes[0];
        Assert.Equal("L", loss.Label);
        Assert.Equal(graph.Summary.Loss, loss.Data, 12);
        Assert.Equal(3, graph.Summary.DLdw.Count); // three hidden neurons feed the output
        Assert.Contains(graph.Nodes, n => n.Label == "out" && n.Op == "tanh");
        AssertStepsAreConsistent(graph);
        for (int i = 0; i < 3; i++)
            Assert.Equal(graph.Summary.DLdw[i], graph.Steps.Single(s => graph.Nodes[s.Node].Label == $"w{i + 1}").FdCheck, 6);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(run.Snapshot())); // the run is untouched
    }

    [Fact]
    public void AHiddenNeuronCarriesTheTensorEnginesUpstreamGradientWhichAFiniteDifferenceOfTheRealLossConfirms()
    {
        using var run = new PlaygroundRun("t", new RunSettings { Seed = 2, Hidden = [4, 2], Features = ["x1", "x2", "x1x2"] });
        run.Step(1);
        StepperGraph graph = run.Inspect(r => RunNeuronGraph.Build(r, 1, 1, 3));
        Assert.NotNull(graph.Note);
        Assert.StartsWith("The rest of the network is one node", graph.Note);
        StepperNode upstream = graph.Nodes.Single(n => n.Label == "dL/da");
        double fd = run.Inspect(r =>
        {
            var net = new DoubleNetwork(r);
            DataPoint p = r.Points[3];
            double[] input = [.. InputFeatures.Rows(r.Settings.Features, [(p.X1, p.X2)]).Select(v => (double)v)];
            return net.UpstreamFiniteDifference(1, net.Activations(input)[1], 1, 3);
        });
        Assert.Equal(fd, upstream.Data, 6);
        Assert.Equal(4, graph.Summary.DLdw.Count);
        Assert.Contains(graph.Nodes, n => n.Label == "a1.3");
        AssertStepsAreConsistent(graph);
    }

    [Fact]
    public void CrossEntropyOutputsBuildTheSoftmaxLossFromTheOtherLogits()
    {
        using var run = new PlaygroundRun("t", new RunSettings { Seed = 9, Loss = "crossentropy", Dataset = "spiral", Classes = 3, Hidden = [5] });
        StepperGraph graph = run.Inspect(r => RunNeuronGraph.Build(r, 1, 2, 0));
        Assert.Contains(graph.Nodes, n => n.Label == "log Σ e^z");
        Assert.Contains(graph.Nodes, n => n.Label == "z1");
        double expected = run.Inspect(r =>
        {
            var net = new DoubleNetwork(r);
            DataPoint p = r.Points[0];
            double[] input = [.. InputFeatures.Rows(r.Settings.Features, [(p.X1, p.X2)]).Select(v => (double)v)];
            return net.Loss(net.Outputs(0, input), 0);
        });
        Assert.Equal(expected, graph.Nodes[0].Data, 10);
        AssertStepsAreConsistent(graph);
    }

    [Fact]
    public void IndicesOutOfRangeAreOneLine()
    {
        using var run = new PlaygroundRun("t", new RunSettings { Hidden = [4, 2] });
        Assert.Equal("layer must be in [0, 2], got 3", Assert.Throws<LabRequestException>(() => run.Inspect(r => RunNeuronGraph.Build(r, 3, 0, 0))).Message);
        Assert.Equal("neuron must be in [0, 1], got 2", Assert.Throws<LabRequestException>(() => run.Inspect(r => RunNeuronGraph.Build(r, 1, 2, 0))).Message);
        Assert.Equal("point must be a training point in [0, 249], got 250", Assert.Throws<LabRequestException>(() => run.Inspect(r => RunNeuronGraph.Build(r, 0, 0, 250))).Message);
    }
}
