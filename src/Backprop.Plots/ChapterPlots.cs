using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

/// <summary>
/// The chapter's two figures, drawn with ScottPlot to look like the matplotlib figures the chapter shows:
/// a histogram of gradient magnitudes in two layers, and the mean gradient magnitude per layer on a log scale.
/// </summary>
/// <remarks>
/// Both figures are 800×400 PNGs (matplotlib's <c>figsize=(8, 4)</c> at 100 dpi), drawn in "DejaVu Sans"
/// (see <see cref="PlotFonts"/>). Each is written atomically: rendered to a temporary file in the target's
/// folder, then moved over the target, so a reader never sees half a file.
/// </remarks>
public static class ChapterPlots
{
    /// <summary>Width of both figures in pixels.</summary>
    public const int Width = 800;

    /// <summary>Height of both figures in pixels.</summary>
    public const int Height = 400;

    /// <summary>Number of bins of each histogram (<c>ax.hist(..., bins=20)</c>).</summary>
    public const int HistogramBinCount = 20;

    /// <summary>
    /// Draws the histograms of gradient magnitudes in two layers, overlaid: 20 bins each over its own
    /// range, translucent (alpha 0.6), blue for layer 2 (closer to the output), orange for layer 1.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created when missing, the file replaced.</param>
    /// <param name="layer2">Gradient magnitudes of layer 2; at least one value, all finite.</param>
    /// <param name="layer1">Gradient magnitudes of layer 1; at least one value, all finite.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; a list is empty or holds NaN or an infinity.
    /// </exception>
    public static void SaveGradientHistogram(string path, IReadOnlyList<double> layer2, IReadOnlyList<double> layer1)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        HistogramBins bins2 = HistogramBins.Compute(layer2, HistogramBinCount, nameof(layer2));
        HistogramBins bins1 = HistogramBins.Compute(layer1, HistogramBinCount, nameof(layer1));

        using var plot = PlotStyle.NewPlot(
            "Gradient magnitudes: closer to output vs closer to input", "|gradient|", "Count");

        AddHistogram(plot, bins2, PlotStyle.Blue.WithAlpha(0.6), "Layer 2 grad magnitude");
        AddHistogram(plot, bins1, PlotStyle.Orange.WithAlpha(0.6), "Layer 1 grad magnitude");

        // matplotlib: 5% margins on x; y starts at 0 (the bars' sticky edge) with 5% above the tallest bar.
        double left = Math.Min(bins2.Edges[0], bins1.Edges[0]);
        double right = Math.Max(bins2.Edges[^1], bins1.Edges[^1]);
        double top = Math.Max(bins2.Counts.Max(), bins1.Counts.Max());
        double margin = 0.05 * (right - left);
        plot.Axes.SetLimits(left - margin, right + margin, 0, top * 1.05);

        PlotStyle.ShowGrid(plot, minor: false);
        PlotStyle.Save(plot, fullPath, Width, Height);
    }

    /// <summary>
    /// Draws the mean gradient magnitude of each layer, counting backwards from the output, on a log scale:
    /// a red line with circle markers at x = 0, 1, ..., n - 1.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created when missing, the file replaced.</param>
    /// <param name="gradNorms">The magnitude per layer, output layer first; at least one value, all finite and positive.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; <paramref name="gradNorms"/> is empty or holds a
    /// value that is not finite and positive (a log scale cannot show it).
    /// </exception>
    public static void SaveVanishing(string path, IReadOnlyList<double> gradNorms)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        ArgumentNullException.ThrowIfNull(gradNorms);
        if (gradNorms.Count == 0)
            throw new ArgumentException("SaveVanishing: no gradient magnitudes to plot (the list is empty).", nameof(gradNorms));

        var xs = new double[gradNorms.Count];
        var logYs = new double[gradNorms.Count];
        for (int i = 0; i < gradNorms.Count; i++)
        {
            double v = gradNorms[i];
            if (!double.IsFinite(v) || v <= 0)
            {
                throw new ArgumentException(
                    $"SaveVanishing: gradient magnitude [{i}] is {v}; a log scale needs finite values > 0.",
                    nameof(gradNorms));
            }

            xs[i] = i;
            logYs[i] = Math.Log10(v);
        }

        using var plot = PlotStyle.NewPlot(
            "Vanishing Gradients: sigmoid across 12 layers",
            "Layer (counting backwards from output)",
            "Mean |gradient| (log scale)");

        Scatter line = plot.Add.Scatter(xs, logYs, PlotStyle.Red);
        line.LegendText = "Sigmoid gradient magnitude";
        line.LineWidth = 1.5f * PlotStyle.Point;
        line.MarkerShape = MarkerShape.FilledCircle;
        line.MarkerSize = 6 * PlotStyle.Point;

        plot.Axes.Left.TickGenerator = new LogDecadeTickGenerator();

        // matplotlib's 5% margins, taken in log space on the y axis.
        double xMargin = 0.05 * Math.Max(xs[^1], 1);
        double low = logYs.Min(), high = logYs.Max();
        double yMargin = 0.05 * (high > low ? high - low : 1);
        plot.Axes.SetLimits(-xMargin, xs[^1] + xMargin, low - yMargin, high + yMargin);

        PlotStyle.ShowGrid(plot, minor: true);
        PlotStyle.Save(plot, fullPath, Width, Height);
    }

    /// <summary>Adds one histogram as touching bars without edges, one per bin, under one legend entry.</summary>
    private static void AddHistogram(Plot plot, HistogramBins bins, Color fill, string legend)
    {
        double width = bins.BinWidth;
        var bars = new List<Bar>(bins.BinCount);
        for (int i = 0; i < bins.BinCount; i++)
        {
            bars.Add(new Bar
            {
                Position = (bins.Edges[i] + bins.Edges[i + 1]) / 2,
                Value = bins.Counts[i],
                ValueBase = 0,
                Size = width,
                FillColor = fill,
                LineWidth = 0,
            });
        }

        BarPlot barPlot = plot.Add.Bars(bars);
        barPlot.LegendText = legend;
    }
}
