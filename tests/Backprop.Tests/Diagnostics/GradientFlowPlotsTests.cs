using Backprop.Diagnostics;
using Backprop.Plots;
using SkiaSharp;

namespace Backprop.Tests.Diagnostics;

/// <summary>The gradient-flow figures: their files and their argument checks.</summary>
public sealed class GradientFlowPlotsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "backprop-gradflow-plots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static GradientFlowLayer Layer(int index, double mean, double? update = null) =>
        new(index, $"{2 * index}", 8, 8, null, mean, 4 * mean, 0.1, mean / 0.1, update, null, null);

    private static (int, int) Size(string path)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public void EachFigureIsWrittenAtomicallyAtItsSize()
    {
        GradientFlowLayer[] layers = [.. Enumerable.Range(0, 6).Select(i => Layer(i, Math.Pow(10, i - 8)))];
        string bars = Path.Combine(_folder, "bars.png");
        GradientFlowPlots.SaveGradientBars(bars, layers);
        string histograms = Path.Combine(_folder, "histograms.png");
        GradientFlowPlots.SaveGradientHistograms(histograms, ["0", "2"], [[1e-3, 2e-3, 5e-2, 0], [0.1, 0.2, 0.3]]);
        string updates = Path.Combine(_folder, "updates.png");
        GradientFlowStep[] steps = [.. Enumerable.Range(0, 5).Select(s => new GradientFlowStep(s, [Layer(0, 1, -3.2 + (0.1 * s)), Layer(1, 1, -2.5)]))];
        GradientFlowPlots.SaveUpdateRatios(updates, steps);
        string compare = Path.Combine(_folder, "compare.png");
        GradientFlowPlots.SaveComparison(compare, [("sigmoid + default", [1e-10, 1e-6, 1e-2]), ("relu + kaiming", [0.02, 0.03, 0.05])]);

        foreach (string path in new[] { bars, histograms, updates, compare })
            Assert.Equal((GradientFlowPlots.Width, GradientFlowPlots.Height), Size(path));
        Assert.Equal(4, Directory.GetFiles(_folder).Length); // no temporary files left behind
    }

    [Fact]
    public void ValuesALogScaleCannotShowAreLeftOutButAnEmptyFigureIsRefused()
    {
        GradientFlowPlots.SaveGradientBars(Path.Combine(_folder, "gap.png"), [Layer(0, 0), Layer(1, double.NaN), Layer(2, 1e-3)]);
        Assert.Contains("finite, positive", Assert.Throws<ArgumentException>(() =>
            GradientFlowPlots.SaveGradientBars(Path.Combine(_folder, "none.png"), [Layer(0, 0)])).Message);
        Assert.Throws<ArgumentException>(() => GradientFlowPlots.SaveComparison(Path.Combine(_folder, "c.png"), [("zero", [0.0, 0.0])]));
        Assert.Throws<ArgumentException>(() => GradientFlowPlots.SaveGradientHistograms(Path.Combine(_folder, "h.png"), ["0"], [[0.0]]));
        Assert.Contains("RecordUpdate", Assert.Throws<ArgumentException>(() =>
            GradientFlowPlots.SaveUpdateRatios(Path.Combine(_folder, "u.png"), [new GradientFlowStep(0, [Layer(0, 1)])])).Message);
        Assert.False(File.Exists(Path.Combine(_folder, "none.png")));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        string png = Path.Combine(_folder, "x.png");
        Assert.Throws<ArgumentException>(() => GradientFlowPlots.SaveGradientBars(png, []));
        Assert.Throws<ArgumentNullException>(() => GradientFlowPlots.SaveGradientBars(png, null!));
        Assert.Throws<ArgumentException>(() => GradientFlowPlots.SaveGradientBars(_folder + Path.DirectorySeparatorChar, [Layer(0, 1)]));
        Assert.Contains("2 names for 1 layers", Assert.Throws<ArgumentException>(() =>
            GradientFlowPlots.SaveGradientHistograms(png, ["0", "1"], [[1.0]])).Message);
        Assert.Contains("every step must list the same layers", Assert.Throws<ArgumentException>(() =>
            GradientFlowPlots.SaveUpdateRatios(png, [new GradientFlowStep(0, [Layer(0, 1, -3)]), new GradientFlowStep(1, [Layer(0, 1, -3), Layer(1, 1, -3)])])).Message);
        Assert.Throws<ArgumentException>(() => GradientFlowPlots.SaveComparison(png, []));
    }

    [Fact]
    public void TheComparisonNamesItsLayersAsTheTablesDo()
    {
        // gradflow's tables and verdicts name a Sequential's Linear layers "0", "2", …; the
        // comparison's x axis must say the same, not the positions 0, 1, ….
        (string, IReadOnlyList<double>)[] runs = [("sigmoid", [1e-9, 1e-5, 1e-2]), ("relu", [0.1, 0.1, 0.1])];
        using ScottPlot.Plot plot = Backprop.Plots.GradientFlowPlots.ComparisonPlot(runs, "t", ["0", "2", "4"]);
        using (plot.GetImage(800, 500)) { } // ticks are laid out when the figure is drawn
        var ticks = Assert.IsType<ScottPlot.TickGenerators.NumericManual>(plot.Axes.Bottom.TickGenerator);
        Assert.Equal(["0", "2", "4"], ticks.Ticks.Select(t => t.Label));
        Assert.Equal([0.0, 1.0, 2.0], ticks.Ticks.Select(t => t.Position));
    }
}
