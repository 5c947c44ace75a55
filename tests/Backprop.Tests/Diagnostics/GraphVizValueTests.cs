using System.Text.RegularExpressions;

namespace Backprop.Tests.Diagnostics;

/// <summary><see cref="GraphViz.ToDot(Value, GraphVizOptions?)"/>: micrograd's draw_dot in DOT.</summary>
public sealed class GraphVizValueTests
{
    private static int Count(string text, string pattern) => Regex.Matches(text, pattern, RegexOptions.Multiline).Count;

    /// <summary>The chapter's neuron: out = relu(w*x + b), L = (out - 5)^2, differentiated.</summary>
    private static Value Neuron()
    {
        var x = new Value(2.0, "x");
        var w = new Value(0.5, "w");
        var b = new Value(0.3, "b");
        Value output = (w * x + b).Relu();
        output.Label = "out";
        Value loss = (output + new Value(-5.0)).Pow(2);
        loss.Backward();
        return loss;
    }

    [Fact]
    public void DrawsOneRecordPerValueAndOneEllipsePerOpLeftToRight()
    {
        string dot = GraphViz.ToDot(Neuron());
        // values: x w b w*x z out -5 sum loss = 9; ops: * + ReLU + **2 = 5
        Assert.StartsWith("digraph G {", dot);
        Assert.Contains("rankdir=LR;", dot);
        Assert.Contains("shape=record", dot);
        Assert.Equal(9, Count(dot, @"^  v\d+ \[label="));
        Assert.Equal(5, Count(dot, @"^  v\d+op \[shape=ellipse"));
        // edges: each op -> its value (5), each input -> op (2+2+1+2+1 = 8)
        Assert.Equal(13, Count(dot, @"->"));
        foreach (string op in new[] { "\"*\"", "\"+\"", "\"ReLU\"", "\"**2\"" }) Assert.Contains("label=" + op, dot);
        Assert.EndsWith("}\n", dot);
    }

    [Fact]
    public void LabelsShowNameDataAndGradWithFourDecimals()
    {
        string dot = GraphViz.ToDot(Neuron());
        Assert.Contains("{ w | data 0.5000 | grad -14.8000 }", dot);
        Assert.Contains("{ b | data 0.3000 | grad -7.4000 }", dot);
        Assert.Contains("{ out | data 1.3000 | grad -7.4000 }", dot);
        Assert.Contains("{ data 13.6900 | grad 1.0000 }", dot); // the unlabelled loss
    }

    [Fact]
    public void ANodeUsedTwiceIsDrawnOnceWithTwoEdges()
    {
        var a = new Value(3.0, "a");
        Value b = a * a;
        string dot = GraphViz.ToDot(b);
        Assert.Equal(2, Count(dot, @"^  v\d+ \[label="));
        Assert.Equal(2, Count(dot, @"^  v1 -> v0op;"));
    }

    [Fact]
    public void LabelsAreEscapedForDot()
    {
        var a = new Value(1.0, "a{b}|<c>\"q\"\\n\nz");
        string dot = GraphViz.ToDot(a * 2.0);
        Assert.Contains(@"a\{b\}\|\<c\>\""q\""\\n\nz", dot);
        string line = dot.Split('\n').Single(l => l.Contains(@"a\{b"));
        Assert.EndsWith(@"\nz | data 1.0000 | grad 0.0000 }""];", line); // the raw newline became \n
    }

    [Fact]
    public void ATitleBecomesTheGraphLabel()
    {
        string dot = GraphViz.ToDot(new Value(1.0), new GraphVizOptions { Title = "L = \"x\"" });
        Assert.Contains("label=\"L = \\\"x\\\"\";", dot);
    }

    [Fact]
    public void AChainOverTheCapIsCutNearTheOutputWithANote()
    {
        // 20,000 nodes: built in a loop; drawn without recursion.
        Value node = new Value(1.0, "x0");
        for (int i = 1; i < 20_000; i++) node = node * 1.0001;
        node.Backward();

        string dot = GraphViz.ToDot(node);
        Assert.Equal(GraphVizOptions.DefaultMaxNodes, Count(dot, @"^  v\d+ \[label="));
        Assert.Contains("10,000 more values not drawn", dot);
        Assert.Contains("the graph has 20,000", dot);
        Assert.Contains("omitted -> v9999op [style=dashed];", dot);
        Assert.DoesNotContain("x0", dot); // the far end is the part left out
        Assert.True(dot.Length < 2_000_000, $"DOT of a capped graph is {dot.Length} characters");

        string small = GraphViz.ToDot(node, new GraphVizOptions { MaxNodes = 50 });
        Assert.Equal(50, Count(small, @"^  v\d+ \[label="));
        Assert.Contains("19,950 more values not drawn", small);
        Assert.True(small.Length < 10_000, $"DOT capped at 50 nodes is {small.Length} characters");
    }

    [Fact]
    public void AMillionNodeChainIsDrawnWithoutRecursion()
    {
        Value node = new Value(1.0);
        for (int i = 1; i < 1_000_000; i++) node = node + 1.0;
        string dot = GraphViz.ToDot(node, new GraphVizOptions { MaxNodes = 100 });
        Assert.Contains("999,900 more values not drawn", dot);
    }

    [Fact]
    public void ACapBelowOneNamesTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GraphViz.ToDot(new Value(1), new GraphVizOptions { MaxNodes = 0 }));
        Assert.Contains("MaxNodes", e.Message);
    }
}
