using Backprop.Cli.Commands;
using SkiaSharp;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop gradflow</c> end to end, through the executable's entry point.</summary>
public sealed class GradFlowCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-gradflow-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Support.Cli.Run(args);

    [Fact]
    public void TwelveSigmoidLayersPrintATableSayVanishingAndWriteAPicture()
    {
        (int code, string output, string error) = Run("gradflow", "--depth", "12", "--width", "32", "--activation", "sigmoid", "--init", "default", "--seed", "1", "--out", _dir);
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        Assert.Contains("mean |grad|", output);
        Assert.Contains("grad/weight", output);
        Assert.Contains("saturated", output);
        Assert.Equal(12, output.Split('\n').Count(l => l.Contains("->", StringComparison.Ordinal) && l.Contains('│'))); // one row per Linear layer
        Assert.Contains("vanishing:", output);
        Assert.Contains("times smaller", output);
        using SKBitmap png = SKBitmap.Decode(Path.Combine(_dir, "gradflow.png"));
        Assert.True(png.Width > 0);
        Assert.True(File.Exists(Path.Combine(_dir, "gradflow-histograms.png")));
    }

    [Fact]
    public void ReluWithKaimingIsHealthyAndShowsDeadUnits()
    {
        (int code, string output, string error) = Run("gradflow", "--activation", "relu", "--init", "kaiming", "--out", _dir);
        Assert.True(code == 0, error);
        Assert.Contains("healthy:", output);
        Assert.Contains("dead ", output);
    }

    [Fact]
    public void CompareOverlaysTheChaptersRemedies()
    {
        (int code, string output, string error) = Run("gradflow", "--depth", "8", "--compare", "--out", _dir);
        Assert.True(code == 0, error);
        foreach (string label in new[] { "sigmoid + default", "tanh + xavier", "relu + kaiming" }) Assert.Contains(label, output);
        string[] rows = [.. output.Split('\n').Where(l => l.Contains(" + ", StringComparison.Ordinal) && l.Contains('│'))];
        Assert.Contains(rows, r => r.Contains("sigmoid + default") && r.Contains("vanishing"));
        Assert.Contains(rows, r => r.Contains("relu + kaiming") && r.Contains("healthy"));
        Assert.True(File.Exists(Path.Combine(_dir, "gradflow-compare.png")));
    }

    [Fact]
    public void TheSameSeedGivesTheSameNumbers()
    {
        string a = Run("gradflow", "--depth", "4", "--out", _dir).Out, b = Run("gradflow", "--depth", "4", "--out", _dir).Out;
        Assert.Equal(a, b);
        Assert.NotEqual(a, Run("gradflow", "--depth", "4", "--seed", "2", "--out", _dir).Out);
    }

    [Theory]
    [InlineData("--depth", "1", "--depth must be from 2")]
    [InlineData("--width", "0", "--width must be from 1")]
    [InlineData("--batch", "-3", "--batch must be from 1")]
    [InlineData("--activation", "swish", "swish")]
    [InlineData("--init", "orthogonal", "orthogonal")]
    [InlineData("--depth", "many", "many")]
    public void BadOptionsFailWithOneLine(string option, string value, string expected)
    {
        (int code, string output, string error) = Run("gradflow", option, value, "--out", _dir);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd('\n', '\r').Split('\n'));
        Assert.StartsWith("backprop: ", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void AnUnwritableOutputFolderFailsBeforeAnyWork()
    {
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "");
        (int code, string output, string error) = Run("gradflow", "--out", Path.Combine(file, "sub"));
        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("cannot write to output folder", error);
        Assert.Equal("", output);
    }
}
