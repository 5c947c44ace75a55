using System.Text.RegularExpressions;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Tests.Diagnostics;

/// <summary><see cref="GraphViz.ToDot(Tensor, IReadOnlyDictionary{Tensor, string}?, GraphVizOptions?)"/>: torchviz's make_dot in DOT.</summary>
public sealed class GraphVizTensorTests
{
    [Fact]
    public void ParametersAreLightBlueWithNamesAndShapesOpsGreyOutputGreen()
    {
        var random = new NumpyRandom(0);
        Tensor x = Tensor.Randn(random, 4, 3);
        Tensor w = Tensor.Randn(random, 3, 2);
        w.RequiresGrad = true;
        Tensor b = Tensor.Zeros(2);
        b.RequiresGrad = true;
        Tensor loss = (x.MatMul(w) + b).Relu().Sum();

        string dot = GraphViz.ToDot(loss, new Dictionary<Tensor, string> { [w] = "weight", [b] = "bias", [x] = "x" });
        Assert.Contains("rankdir=LR;", dot);
        Assert.Contains("fillcolor=lightblue, label=\"weight\\n[3,2]\"", dot);
        Assert.Contains("fillcolor=lightblue, label=\"bias\\n[2]\"", dot);
        Assert.Contains("style=\"filled,dashed\", label=\"x\\n[4,3]\"", dot); // data: no grad
        Assert.Contains("fillcolor=darkolivegreen1, label=\"output\\n[]\"", dot);
        Assert.Equal(4, Regex.Matches(dot, "fillcolor=lightgrey").Count); // MatMul, Add, Relu, Sum
        Assert.Contains(loss.Op!, dot);
        Assert.Contains("[4,2]", dot);
    }

    [Fact]
    public void AModulesParametersAreNamedByNamedParameters()
    {
        var layer = new Linear(3, 2, new NumpyRandom(1));
        Tensor output = layer.Forward(Tensor.Ones(5, 3)).Sum();
        string dot = GraphViz.ToDot(output, layer);
        foreach ((string name, Parameter p) in layer.NamedParameters())
            Assert.Contains($"label=\"{name}\\n[{string.Join(",", p.Shape)}]\"", dot);
    }

    [Fact]
    public void ALeafOutputIsDrawnAloneInGreen()
    {
        string dot = GraphViz.ToDot(Tensor.Ones(2, 2));
        Assert.Contains("t0 [fillcolor=darkolivegreen1, label=\"[2,2]\"]", dot);
        Assert.DoesNotContain("->", dot);
    }

    [Fact]
    public void ALongTensorChainIsCutWithANote()
    {
        Tensor t = Tensor.Ones(2);
        t.RequiresGrad = true;
        Tensor y = t;
        for (int i = 0; i < 300; i++) y = y * 1.5f;
        string dot = GraphViz.ToDot(y, options: new GraphVizOptions { MaxNodes = 20 });
        Assert.Contains("more tensors not drawn", dot);
        Assert.Contains("MaxNodes = 20", dot);
    }
}
