namespace Backprop.Tests.Diagnostics;

/// <summary><see cref="GraphViz.Render"/>: DOT to SVG and PNG with Graphviz, and the message when it is missing.</summary>
public sealed class GraphVizRenderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"backprop-graphviz-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static string Dot()
    {
        var w = new Value(0.5, "w");
        Value loss = (w * 2.0 + 0.3).Relu().Pow(2);
        loss.Backward();
        return GraphViz.ToDot(loss);
    }

    [GraphVizFact]
    public void RendersSvgByExtension()
    {
        string path = Path.Combine(_dir, "sub", "g.svg");
        GraphViz.Render(Dot(), path);
        string svg = File.ReadAllText(path);
        Assert.Contains("<svg", svg);
        Assert.Contains("grad", svg);
        Assert.Contains("ReLU", svg);
    }

    [GraphVizFact]
    public void RendersPngByExtension()
    {
        string path = Path.Combine(_dir, "g.png");
        GraphViz.Render(Dot(), path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 100);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [GraphVizFact]
    public void RendersATensorGraphAndACutGraph()
    {
        Tensor w = Tensor.Ones(3, 2);
        w.RequiresGrad = true;
        Tensor y = Tensor.Ones(4, 3).MatMul(w).Relu();
        for (int i = 0; i < 30; i++) y = y * 1.5f;
        var names = new Dictionary<Tensor, string> { [w] = "w \"1\"" };
        GraphViz.Render(GraphViz.ToDot(y.Sum(), names, new GraphVizOptions { MaxNodes = 10 }), Path.Combine(_dir, "cut.svg"));
        Assert.Contains("more tensors not drawn", File.ReadAllText(Path.Combine(_dir, "cut.svg")));
        GraphViz.Render(GraphViz.ToDot(y.Sum(), names), Path.Combine(_dir, "full.svg"));
        string svg = File.ReadAllText(Path.Combine(_dir, "full.svg"));
        Assert.Contains("w &quot;1&quot;", svg);
        Assert.Contains("MatMul", svg);
    }

    [GraphVizFact]
    public void BadDotTextFailsWithDotsMessage()
    {
        var e = Assert.Throws<InvalidOperationException>(() => GraphViz.Render("digraph { a -> ", Path.Combine(_dir, "bad.svg")));
        Assert.Contains("dot failed", e.Message);
    }

    [Fact]
    public void AnUnknownExtensionIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => GraphViz.Render(Dot(), Path.Combine(_dir, "g.jpeg")));
        Assert.Contains("'.jpeg'", e.Message);
    }

    [Fact]
    public void WithoutDotTheMessageSaysHowToInstallGraphviz()
    {
        GraphViz.DotProgramForTests = Path.Combine(_dir, "no-such-dot");
        try
        {
            Assert.Null(GraphViz.FindDot());
            var e = Assert.Throws<GraphVizNotFoundException>(() => GraphViz.Render(Dot(), Path.Combine(_dir, "g.svg")));
            Assert.Contains("apt-get install graphviz", e.Message);
            Assert.Contains("https://graphviz.org/download/", e.Message);
            Assert.False(File.Exists(Path.Combine(_dir, "g.svg")));
        }
        finally
        {
            GraphViz.DotProgramForTests = null;
        }
    }
}
