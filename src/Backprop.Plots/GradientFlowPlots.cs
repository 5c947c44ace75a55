using Backprop.Diagnostics;
using ScottPlot;
using ScottPlot.Plottables;

namespace Backprop.Plots;

/// <summary>
/// Pictures of how gradients flow through a network's <see cref="NN.Linear"/> layers, from the statistics of a
/// <see cref="GradientFlowRecorder"/>: per-layer bars of mean and max |grad| on a log scale, histograms of
/// log10 |grad| per layer, update-to-weight ratios over steps against the customary 10⁻³, and an overlay that
/// compares the mean |grad| per layer of several runs (activations, initialisations).
/// </summary>
/// <remarks>
/// ScottPlot has no log axis: these plots draw log10 of the values on a linear axis with decade ticks (10⁻³,
/// 10⁻², …). A value that is zero, negative, NaN or infinite has no place on a log scale and is left out (a
/// missing bar, a gap in a line); a figure with nothing left to draw is refused. Each figure is a PNG in the style
/// of the other figures (see <see cref="ChapterPlots"/>), written atomically: a reader never sees half a file.
/// Arguments are checked before anything is drawn or written.
/// </remarks>
public static class GradientFlowPlots
{
    /// <summary>Width of the bar, comparison and histogram figures in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of every figure in pixels.</summary>
    public const int Height = 450;

    /// <summary>Bins of each layer's histogram of log10 |grad|.</summary>
    public const int HistogramBinCount = 40;

    /// <summary>
    /// Draws the well-known "gradient flow" bars: for each layer, input first, a wide light bar up to its max |grad|
    /// and a narrow dark bar up to its mean |grad|, on a log scale.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created when missing, the file replaced.</param>
    /// <param name="layers">The layers of one step, input first (as <see cref="GradientFlowStep.Layers"/>).</param>
    /// <param name="title">The figure's title.</param>
    /// <exception cref="ArgumentNullException">An argument or an entry of <paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; <paramref name="layers"/> is empty or has no finite, positive
    /// mean or max |grad| to draw.
    /// </exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveGradientBars(string path, IReadOnlyList<GradientFlowLayer> layers, string title = "Gradient flow: |grad| of each layer's weight")
    {
        string fullPath = PlotStyle.ValidatePath(path);
        CheckLayers(layers, nameof(SaveGradientBars));
        ArgumentNullException.ThrowIfNull(title);
        double[] logs = [.. layers.SelectMany(l => new[] { l.MeanAbsGrad, l.MaxAbsGrad }).Where(Plottable).Select(Math.Log10)];
        if (logs.Length == 0)
            throw new ArgumentException($"{nameof(SaveGradientBars)}: no layer has a finite, positive mean or max |grad| to draw on a log scale", nameof(layers));

        double low = Math.Floor(logs.Min()), high = logs.Max();
        double top = high + (0.05 * Math.Max(high - low, 1));
        using Plot plot = PlotStyle.NewPlot(title, "Layer (input first)", "|gradient| (log scale)");
        BarPlot max = plot.Add.Bars(Bars(layers, l => l.MaxAbsGrad, low, 0.8, PlotStyle.Cycle[9].WithAlpha(0.5)));
        max.LegendText = "max |grad|";
        BarPlot mean = plot.Add.Bars(Bars(layers, l => l.MeanAbsGrad, low, 0.4, PlotStyle.Blue));
        mean.LegendText = "mean |grad|";

        // The bars carry the layers' names, the names the tables, histograms and verdicts use
        // (a Sequential's "0", "2", … rather than the bars' positions 0, 1, …); every k-th when crowded.
        int every = Math.Max(1, (int)Math.Ceiling(layers.Count / 24.0));
        int[] shown = [.. Enumerable.Range(0, layers.Count).Where(i => i % every == 0)];
        plot.Axes.Bottom.SetTicks([.. shown.Select(i => (double)i)], [.. shown.Select(i => layers[i].Name)]);
        plot.Axes.Left.TickGenerator = new LogDecadeTickGenerator();
        plot.Axes.SetLimits(-0.6, layers.Count - 0.4, low, top);
        PlotStyle.ShowGrid(plot, minor: false);
        plot.ShowLegend(Alignment.UpperLeft);
        PlotStyle.Save(plot, fullPath, Width, Height);
    }

    /// <summary>
    /// Draws, for each layer, the histogram of log10 |grad| over its weight's elements as a line (share of the
    /// layer's elements per bin, in percent), one colour per layer; zero gradients are left out.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created when missing, the file replaced.</param>
    /// <param name="names">The layers' names, input first (the legend).</param>
    /// <param name="magnitudes">|grad| of every weight element of each layer, as <see cref="GradientFlowRecorder.LatestGradientMagnitudes"/>.</param>
    /// <exception cref="ArgumentNullException">An argument or an entry is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; the lists are empty or differ in length; no layer has a
    /// finite, positive |grad| to draw.
    /// </exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveGradientHistograms(string path, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<double>> magnitudes)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(magnitudes);
        if (magnitudes.Count == 0)
            throw new ArgumentException($"{nameof(SaveGradientHistograms)}: no layers to draw (the list is empty)", nameof(magnitudes));
        if (names.Count != magnitudes.Count)
            throw new ArgumentException($"{nameof(SaveGradientHistograms)}: {names.Count} names for {magnitudes.Count} layers; give one name per layer", nameof(names));

        var logs = new double[magnitudes.Count][];
        for (int i = 0; i < magnitudes.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(names[i], $"{nameof(names)}[{i}]");
            IReadOnlyList<double> layer = magnitudes[i] ?? throw new ArgumentNullException(nameof(magnitudes), $"{nameof(SaveGradientHistograms)}: magnitudes[{i}] is null");
            logs[i] = [.. layer.Where(Plottable).Select(Math.Log10)];
        }
        if (logs.All(l => l.Length == 0))
            throw new ArgumentException($"{nameof(SaveGradientHistograms)}: no layer has a finite, positive |grad| to draw on a log scale", nameof(magnitudes));

        using Plot plot = PlotStyle.NewPlot("Histogram of log10 |grad| per layer", "|gradient| (log scale)", "Share of the layer's weights (%)");
        double left = double.PositiveInfinity, right = double.NegativeInfinity, top = 0;
        for (int i = 0; i < logs.Length; i++)
        {
            if (logs[i].Length == 0) continue;
            HistogramBins bins = HistogramBins.Compute(logs[i], HistogramBinCount, nameof(magnitudes));
            double[] xs = [.. Enumerable.Range(0, bins.BinCount).Select(b => (bins.Edges[b] + bins.Edges[b + 1]) / 2)];
            double[] ys = [.. bins.Counts.Select(c => 100.0 * c / logs[i].Length)];
            Scatter line = plot.Add.Scatter(xs, ys, LayerColor(i, logs.Length));
            line.LegendText = $"layer {names[i]}";
            line.LineWidth = 1.5f * PlotStyle.Point;
            line.MarkerSize = 0;
            left = Math.Min(left, bins.Edges[0]);
            right = Math.Max(right, bins.Edges[^1]);
            top = Math.Max(top, ys.Max());
        }

        plot.Axes.Bottom.TickGenerator = new LogDecadeTickGenerator();
        double margin = 0.05 * (right - left);
        plot.Axes.SetLimits(left - margin, right + margin, 0, top * 1.05);
        PlotStyle.ShowGrid(plot, minor: false);
        plot.ShowLegend(Edge.Right);
        PlotStyle.Save(plot, fullPath, Width, Height);
    }

    /// <summary>
    /// Draws each layer's update-to-weight ratio log10(‖ΔW‖ / ‖W‖) over the steps, one line per layer, with a dashed
    /// reference line at <see cref="GradientFlow.ReferenceUpdateRatioLog10"/> (10⁻³). Steps without
    /// <see cref="GradientFlowLayer.UpdateRatioLog10"/> (no <see cref="GradientFlowRecorder.RecordUpdate"/>) are left out.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created when missing, the file replaced.</param>
    /// <param name="steps">The recorded steps (as <see cref="GradientFlowRecorder.Steps"/>), every one with the same layers.</param>
    /// <exception cref="ArgumentNullException">An argument or a step is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; <paramref name="steps"/> is empty, its steps list different
    /// numbers of layers, or no step has a finite update ratio.
    /// </exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveUpdateRatios(string path, IReadOnlyList<GradientFlowStep> steps)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
            throw new ArgumentException($"{nameof(SaveUpdateRatios)}: no steps to draw (the list is empty)", nameof(steps));
        for (int s = 0; s < steps.Count; s++)
        {
            GradientFlowStep step = steps[s] ?? throw new ArgumentNullException(nameof(steps), $"{nameof(SaveUpdateRatios)}: steps[{s}] is null");
            CheckLayers(step.Layers, nameof(SaveUpdateRatios));
            if (step.Layers.Count != steps[0].Layers.Count)
                throw new ArgumentException($"{nameof(SaveUpdateRatios)}: steps[{s}] has {step.Layers.Count} layers, steps[0] has {steps[0].Layers.Count}; every step must list the same layers", nameof(steps));
        }
        if (!steps.Any(s => s.Layers.Any(l => l.UpdateRatioLog10 is double r && double.IsFinite(r))))
            throw new ArgumentException($"{nameof(SaveUpdateRatios)}: no step has a finite update ratio; call RecordUpdate(step) after each optimizer step", nameof(steps));

        using Plot plot = PlotStyle.NewPlot("Update-to-weight ratio per layer", "Step", "log10(\u2016\u0394W\u2016 / \u2016W\u2016)");
        var values = new List<double> { GradientFlow.ReferenceUpdateRatioLog10 };
        for (int i = 0; i < steps[0].Layers.Count; i++)
        {
            int layer = i;
            (double X, double Y)[] points = [.. steps
                .Select(s => (X: (double)s.Step, Y: s.Layers[layer].UpdateRatioLog10 ?? double.NaN))
                .Where(p => double.IsFinite(p.Y))];
            if (points.Length == 0) continue;
            Scatter line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), LayerColor(i, steps[0].Layers.Count));
            line.LegendText = $"layer {steps[0].Layers[i].Name}";
            line.LineWidth = 1.5f * PlotStyle.Point;
            line.MarkerSize = points.Length <= 40 ? 4 * PlotStyle.Point : 0;
            values.AddRange(points.Select(p => p.Y));
        }

        HorizontalLine reference = plot.Add.HorizontalLine(GradientFlow.ReferenceUpdateRatioLog10);
        reference.Color = Colors.Black;
        reference.LineWidth = 1.5f * PlotStyle.Point;
        reference.LinePattern = LinePattern.Dashed;
        reference.LegendText = "10\u207b\u00b3 (reference)";

        double first = steps.Min(s => s.Step), last = steps.Max(s => s.Step);
        double xMargin = last > first ? 0.05 * (last - first) : 1;
        double low = values.Min(), high = values.Max();
        double yMargin = 0.05 * Math.Max(high - low, 1);
        plot.Axes.Bottom.TickGenerator = new MaxNTickGenerator { Integer = true };
        plot.Axes.SetLimits(first - xMargin, last + xMargin, low - yMargin, high + yMargin);
        PlotStyle.ShowGrid(plot, minor: false);
        plot.ShowLegend(Edge.Right);
        PlotStyle.Save(plot, fullPath, Width, Height);
    }

    /// <summary>
    /// Compares runs: for each, its mean |grad| per layer (x = layer index, 0 = input) as a line with markers on a log
    /// scale, one colour per run, so a vanishing configuration falls away toward the input while a healthy one stays flat.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created when missing, the file replaced.</param>
    /// <param name="runs">Each run's legend label and mean |grad| per layer, input first.</param>
    /// <param name="title">The figure's title.</param>
    /// <param name="layerNames">
    /// The layers' names, input first, to label the x axis with (the names tables and verdicts use, such as a
    /// Sequential's "0", "2", …); null labels the positions 0, 1, ….
    /// </param>
    /// <exception cref="ArgumentNullException">An argument, a label or a list of values is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; <paramref name="runs"/> is empty, or no run has a finite,
    /// positive value to draw.
    /// </exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveComparison(string path, IReadOnlyList<(string Label, IReadOnlyList<double> MeanAbsGrad)> runs, string title = "Mean |grad| per layer",
        IReadOnlyList<string>? layerNames = null)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(title);
        if (runs.Count == 0)
            throw new ArgumentException($"{nameof(SaveComparison)}: no runs to compare (the list is empty)", nameof(runs));
        for (int r = 0; r < runs.Count; r++)
        {
            if (runs[r].Label is null) throw new ArgumentNullException(nameof(runs), $"{nameof(SaveComparison)}: runs[{r}].Label is null");
            if (runs[r].MeanAbsGrad is null) throw new ArgumentNullException(nameof(runs), $"{nameof(SaveComparison)}: runs[{r}].MeanAbsGrad is null");
        }
        if (!runs.Any(r => r.MeanAbsGrad.Any(Plottable)))
            throw new ArgumentException($"{nameof(SaveComparison)}: no run has a finite, positive mean |grad| to draw on a log scale", nameof(runs));
        using Plot plot = ComparisonPlot(runs, title, layerNames);
        PlotStyle.Save(plot, fullPath, Width, Height);
    }

    /// <summary>The figure <see cref="SaveComparison"/> saves (arguments already checked).</summary>
    internal static Plot ComparisonPlot(IReadOnlyList<(string Label, IReadOnlyList<double> MeanAbsGrad)> runs, string title, IReadOnlyList<string>? layerNames)
    {
        Plot plot = PlotStyle.NewPlot(title, layerNames is null ? "Layer (0 = input)" : "Layer (input first)", "Mean |gradient| (log scale)");
        var logs = new List<double>();
        int widest = 1;
        for (int r = 0; r < runs.Count; r++)
        {
            IReadOnlyList<double> values = runs[r].MeanAbsGrad;
            widest = Math.Max(widest, values.Count);
            int[] kept = [.. Enumerable.Range(0, values.Count).Where(i => Plottable(values[i]))];
            if (kept.Length == 0) continue;
            double[] ys = [.. kept.Select(i => Math.Log10(values[i]))];
            Scatter line = plot.Add.Scatter(kept.Select(i => (double)i).ToArray(), ys, PlotStyle.Cycle[r % PlotStyle.Cycle.Count]);
            line.LegendText = runs[r].Label;
            line.LineWidth = 1.5f * PlotStyle.Point;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.MarkerSize = 5 * PlotStyle.Point;
            logs.AddRange(ys);
        }

        double low = logs.Min(), high = logs.Max();
        double yMargin = 0.05 * Math.Max(high - low, 1);
        double xMargin = 0.05 * Math.Max(widest - 1, 1);
        if (layerNames is null)
        {
            plot.Axes.Bottom.TickGenerator = new MaxNTickGenerator { Integer = true };
        }
        else
        {
            int every = Math.Max(1, (int)Math.Ceiling(layerNames.Count / 24.0));
            int[] shown = [.. Enumerable.Range(0, layerNames.Count).Where(i => i % every == 0)];
            plot.Axes.Bottom.SetTicks([.. shown.Select(i => (double)i)], [.. shown.Select(i => layerNames[i])]);
        }
        plot.Axes.Left.TickGenerator = new LogDecadeTickGenerator();
        plot.Axes.SetLimits(-xMargin, widest - 1 + xMargin, low - yMargin, high + yMargin);
        PlotStyle.ShowGrid(plot, minor: true);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Whether a value can be drawn on a log scale.</summary>
    /// <summary>
    /// Layer <paramref name="index"/>'s colour: the house cycle while it has a colour per layer;
    /// beyond ten layers, evenly spaced along a colour map, so no two layers share a colour.
    /// </summary>
    internal static Color LayerColor(int index, int count) =>
        count <= PlotStyle.Cycle.Count ? PlotStyle.Cycle[index] : new ScottPlot.Colormaps.Turbo().GetColor(0.05 + (0.9 * index / (count - 1)));

    private static bool Plottable(double value) => double.IsFinite(value) && value > 0;

    private static void CheckLayers(IReadOnlyList<GradientFlowLayer> layers, string method)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
            throw new ArgumentException($"{method}: no layers to draw (the list is empty)", nameof(layers));
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is null) throw new ArgumentNullException(nameof(layers), $"{method}: layers[{i}] is null");
        }
    }

    /// <summary>One bar per layer from <paramref name="floor"/> up to log10 of the value; none where the value cannot be drawn.</summary>
    private static List<Bar> Bars(IReadOnlyList<GradientFlowLayer> layers, Func<GradientFlowLayer, double> value, double floor, double width, Color fill)
    {
        var bars = new List<Bar>(layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            double v = value(layers[i]);
            if (!Plottable(v)) continue;
            bars.Add(new Bar { Position = i, Value = Math.Log10(v), ValueBase = floor, Size = width, FillColor = fill, LineWidth = 0 });
        }
        return bars;
    }
}
