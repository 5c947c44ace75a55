using System.Diagnostics;
using Backprop.Tests.Diagnostics;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop graph</c> on long expressions: linear time, and drawings of texts over Graphviz's 16 KB string limit.</summary>
public sealed class GraphSizeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-graph-size-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A65000TermSumParsesInLinearTime()
    {
        string sum = string.Join("+", Enumerable.Repeat("x", 65_000));
        var clock = Stopwatch.StartNew();
        (int code, string output, string error) = Support.Cli.Run("graph", sum, "--set", "x=1", "--out", Path.Combine(_dir, "sum.dot"));
        clock.Stop();
        Assert.True(code == 0, error);
        Assert.Contains("dL/dx = 65000", output);
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"{clock.Elapsed.TotalSeconds:F1} s (it was 15 s, quadratic)");
        string dot = File.ReadAllText(Path.Combine(_dir, "sum.dot"));
        Assert.Contains("(129,999 characters)", dot); // the title is shortened, not the whole text
    }

    [GraphVizFact]
    public void AnExpressionOver16KilobytesRendersToSvg()
    {
        string text = "x * 1." + new string('0', 17_000) + "1 + x";
        string path = Path.Combine(_dir, "long.svg");
        (int code, _, string error) = Support.Cli.Run("graph", text, "--set", "x=2", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains("<svg", File.ReadAllText(path));
    }
}
