using ScottPlot;
using ScottPlot.Plottables;
using Backprop.Training;

namespace Backprop.Plots;

/// <summary>
/// The figures of a training run: loss and accuracy per epoch, and the decision boundary a classifier of
/// two-dimensional points has learned (the picture of micrograd's demo).
/// </summary>
/// <remarks>
/// Both figures are PNGs drawn in "DejaVu Sans" (see <see cref="PlotFonts"/>) in the style of matplotlib's
/// defaults, as <see cref="ChapterPlots"/> draws. Each is written atomically: rendered to a temporary file in
/// the target's folder, then moved over the target, so a reader never sees half a file. Arguments are checked
/// before anything is drawn or written.
/// </remarks>
public static class TrainingPlots
{
    /// <summary>Width of the loss-curves figure in pixels: two 500-pixel panels side by side.</summary>
    public const int LossCurvesWidth = 1000;

    /// <summary>Height of the loss-curves figure in pixels.</summary>
    public const int LossCurvesHeight = 400;

    /// <summary>Width of the decision-boundary figure in pixels (matplotlib's default <c>figsize=(6.4, 4.8)</c>).</summary>
    public const int DecisionBoundaryWidth = 640;

    /// <summary>Height of the decision-boundary figure in pixels.</summary>
    public const int DecisionBoundaryHeight = 480;

    /// <summary>Cells along each side of the grid a decision boundary is evaluated on, unless told otherwise.</summary>
    public const int DefaultGridResolution = 200;

    /// <summary>The most grid cells along a side (the grid holds the square of it).</summary>
    public const int MaxGridResolution = 1000;

    /// <summary>The most classes a decision boundary can show, each in its own colour (matplotlib's ten-colour cycle).</summary>
    public const int MaxClasses = 10;

    /// <summary>Curves with at most this many points mark each point; longer ones are plain lines.</summary>
    private const int MaxMarkedPoints = 40;

    /// <summary>How much of a class's colour tints the region predicted as that class (the rest is white).</summary>
    private const double RegionTint = 0.3;

    /// <summary>The region image is upsampled to at least this many pixels a side, about the plot area's size, so it is not stretched.</summary>
    private const int RegionImageSize = 800;

    /// <summary>The room left around the data on each side of a decision boundary, as a fraction of the data's span.</summary>
    private const double BoundaryMargin = 0.1;

    /// <summary>
    /// Draws loss and accuracy per epoch, side by side: on the left the loss, on the right the accuracy in
    /// percent, each with a training curve (blue) and, where the test split was measured, a test curve (orange),
    /// with legend, axis labels, grid and title. Curves of up to 40 points mark each point, so even a
    /// single epoch shows.
    /// </summary>
    /// <param name="path">The PNG file to write (1000×400); its folder is created when missing, the file replaced.</param>
    /// <param name="epochs">
    /// The epochs in order: at least one, epoch numbers strictly increasing, accuracies from 0 to 1. A test value
    /// that is <see langword="null"/> leaves that epoch out of the test curve; with no test values at all only the
    /// training curves are drawn. A loss that is NaN or infinite (a run that diverged) is left out of its curve.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="epochs"/> or one of its entries is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; <paramref name="epochs"/> is empty, its epoch numbers
    /// do not increase, or an accuracy is not a number from 0 to 1.
    /// </exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveLossCurves(string path, IReadOnlyList<EpochMetrics> epochs)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        ValidateEpochs(epochs);

        double[] x = [.. epochs.Select(e => (double)e.Epoch)];
        using Plot loss = PlotStyle.NewPlot("Loss per epoch", "Epoch", "Loss");
        AddCurve(loss, x, [.. epochs.Select(e => e.TrainLoss)], PlotStyle.Blue, "train");
        AddCurve(loss, x, [.. epochs.Select(e => e.TestLoss ?? double.NaN)], PlotStyle.Orange, "test");
        SetCurveLimits(loss, x, flatPad: null);
        loss.ShowLegend(Alignment.UpperRight);

        using Plot accuracy = PlotStyle.NewPlot("Accuracy per epoch", "Epoch", "Accuracy (%)");
        AddCurve(accuracy, x, [.. epochs.Select(e => 100 * e.TrainAccuracy)], PlotStyle.Blue, "train");
        AddCurve(accuracy, x, [.. epochs.Select(e => 100 * e.TestAccuracy ?? double.NaN)], PlotStyle.Orange, "test");
        SetCurveLimits(accuracy, x, flatPad: 1);
        accuracy.ShowLegend(Alignment.LowerRight);

        PlotStyle.SaveSideBySide([loss, accuracy], fullPath, LossCurvesWidth, LossCurvesHeight);
    }

    /// <summary>
    /// Draws the decision boundary of a classifier of points in the plane: a grid over the data's range (plus a
    /// 10% margin on each side) coloured lightly by the class <paramref name="predict"/> gives each cell's centre,
    /// and the data points on top, coloured by their true class with a dark edge, with a legend of the classes.
    /// </summary>
    /// <param name="path">The PNG file to write (640×480); its folder is created when missing, the file replaced.</param>
    /// <param name="predict">
    /// The classifier: given the centres of the grid's cells as an [n, 2] array (row i holds x1 and x2 of
    /// point i), it returns the predicted class of each, n values from 0 to <paramref name="classes"/> - 1.
    /// It is called once, with n = <paramref name="resolution"/>².
    /// </param>
    /// <param name="points">The data points: at least one, each an array of two finite coordinates (x1, x2).</param>
    /// <param name="labels">The true class of each point, from 0 to <paramref name="classes"/> - 1.</param>
    /// <param name="classes">How many classes there are: 1 to <see cref="MaxClasses"/>.</param>
    /// <param name="title">The figure's title (empty for none).</param>
    /// <param name="resolution">Cells along each side of the grid: 2 to <see cref="MaxGridResolution"/>.</param>
    /// <exception cref="ArgumentNullException">An argument, or one of the points, is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> or <paramref name="resolution"/> is out of range.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a folder; <paramref name="points"/> is empty or holds a point
    /// that is not two finite numbers; <paramref name="labels"/> differs in length from the points or holds a
    /// class out of range; <paramref name="predict"/> returned the wrong number of classes, or a class out of range.
    /// </exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void SaveDecisionBoundary(
        string path,
        Func<double[,], int[]> predict,
        IReadOnlyList<double[]> points,
        IReadOnlyList<int> labels,
        int classes,
        string title,
        int resolution = DefaultGridResolution)
    {
        string fullPath = PlotStyle.ValidatePath(path);
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, MaxClasses);
        ValidatePoints(points, labels, classes);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(resolution, MaxGridResolution);

        (double left, double right) = PaddedRange(points.Select(p => p[0]));
        (double bottom, double top) = PaddedRange(points.Select(p => p[1]));
        double[,] grid = GridCentres(left, right, bottom, top, resolution);
        int[] predicted = Predict(predict, grid, classes);

        using Plot plot = PlotStyle.NewPlot(title, "x\u2081", "x\u2082");
        plot.Axes.Title.IsVisible = title.Length > 0;

        using Image regions = RegionImage(predicted, resolution);
        plot.Add.ImageRect(regions, new CoordinateRect(left, right, bottom, top));

        for (int c = 0; c < classes; c++)
        {
            double[] xs = [.. points.Where((_, i) => labels[i] == c).Select(p => p[0])];
            double[] ys = [.. points.Where((_, i) => labels[i] == c).Select(p => p[1])];
            Markers markers = plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, 5 * PlotStyle.Point, PlotStyle.Cycle[c]);
            markers.MarkerStyle.OutlineColor = Colors.Black.WithAlpha(0.75);
            markers.MarkerStyle.OutlineWidth = 0.75f;
            markers.LegendText = $"class {c}";
        }

        plot.Axes.SetLimits(left, right, bottom, top);
        PlotStyle.HideGrid(plot);
        plot.ShowLegend(Edge.Right);
        plot.Legend.BackgroundColor = Colors.White;
        PlotStyle.Save(plot, fullPath, DecisionBoundaryWidth, DecisionBoundaryHeight);
    }

    /// <summary>Checks the list of epochs; see <see cref="SaveLossCurves"/>.</summary>
    private static void ValidateEpochs(IReadOnlyList<EpochMetrics> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0)
            throw new ArgumentException("SaveLossCurves: no epochs to plot (the list is empty).", nameof(epochs));

        for (int i = 0; i < epochs.Count; i++)
        {
            EpochMetrics e = epochs[i]
                ?? throw new ArgumentNullException(nameof(epochs), $"SaveLossCurves: epochs[{i}] is null.");
            if (i > 0 && e.Epoch <= epochs[i - 1].Epoch)
            {
                throw new ArgumentException(
                    $"SaveLossCurves: epochs[{i}] is epoch {e.Epoch}, after epoch {epochs[i - 1].Epoch}; epoch numbers must increase.",
                    nameof(epochs));
            }

            CheckAccuracy(e.TrainAccuracy, i, nameof(EpochMetrics.TrainAccuracy));
            if (e.TestAccuracy is double test)
                CheckAccuracy(test, i, nameof(EpochMetrics.TestAccuracy));
        }

        static void CheckAccuracy(double value, int index, string name)
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentException(
                    $"SaveLossCurves: epochs[{index}].{name} is {value}; an accuracy is a fraction from 0 to 1, not a percentage.",
                    nameof(epochs));
            }
        }
    }

    /// <summary>Adds the finite points of one curve, marked when there are few; nothing when none is finite.</summary>
    private static void AddCurve(Plot plot, double[] x, double[] y, Color color, string legend)
    {
        int[] kept = [.. Enumerable.Range(0, y.Length).Where(i => double.IsFinite(y[i]))];
        if (kept.Length == 0)
            return;

        Scatter curve = plot.Add.Scatter(kept.Select(i => x[i]).ToArray(), kept.Select(i => y[i]).ToArray(), color);
        curve.LegendText = legend;
        curve.LineWidth = 1.5f * PlotStyle.Point;
        curve.MarkerShape = MarkerShape.FilledCircle;
        curve.MarkerSize = kept.Length <= MaxMarkedPoints ? 4.5f * PlotStyle.Point : 0;
    }

    /// <summary>
    /// Limits with matplotlib's 5% margins around the epochs and the finite values drawn, whole-number epoch ticks,
    /// and a grid. A single epoch gets one epoch of room on each side; flat values get <paramref name="flatPad"/>
    /// (or 5% of the value) above and below.
    /// </summary>
    private static void SetCurveLimits(Plot plot, double[] x, double? flatPad)
    {
        double first = x[0], last = x[^1];
        double xMargin = last > first ? 0.05 * (last - first) : 1;
        plot.Axes.Bottom.TickGenerator = new MaxNTickGenerator { Integer = true };

        double[] ys = [.. plot.GetPlottables<Scatter>().SelectMany(s => s.Data.GetScatterPoints()).Select(c => c.Y)];
        double low = ys.Length > 0 ? ys.Min() : 0;
        double high = ys.Length > 0 ? ys.Max() : 1;
        double yMargin = high > low ? 0.05 * (high - low) : flatPad ?? (low != 0 ? 0.05 * Math.Abs(low) : 0.05);

        plot.Axes.SetLimits(first - xMargin, last + xMargin, low - yMargin, high + yMargin);
        PlotStyle.ShowGrid(plot, minor: false);
    }

    /// <summary>Checks the points and their labels; see <see cref="SaveDecisionBoundary"/>.</summary>
    private static void ValidatePoints(IReadOnlyList<double[]> points, IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        if (points.Count == 0)
            throw new ArgumentException("SaveDecisionBoundary: no points to plot (the list is empty).", nameof(points));

        for (int i = 0; i < points.Count; i++)
        {
            double[] p = points[i] ?? throw new ArgumentNullException(nameof(points), $"SaveDecisionBoundary: points[{i}] is null.");
            if (p.Length != 2)
            {
                throw new ArgumentException(
                    $"SaveDecisionBoundary: points[{i}] has {p.Length} coordinates; a point in the plane has 2.", nameof(points));
            }

            if (!double.IsFinite(p[0]) || !double.IsFinite(p[1]))
            {
                throw new ArgumentException(
                    $"SaveDecisionBoundary: points[{i}] is ({p[0]}, {p[1]}); coordinates must be finite.", nameof(points));
            }
        }

        if (labels.Count != points.Count)
        {
            throw new ArgumentException(
                $"SaveDecisionBoundary: {labels.Count} labels for {points.Count} points; give one label per point.", nameof(labels));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new ArgumentException(
                    $"SaveDecisionBoundary: labels[{i}] is {labels[i]}; with {classes} classes a label is 0 to {classes - 1}.", nameof(labels));
            }
        }
    }

    /// <summary>The range of the values widened by <see cref="BoundaryMargin"/> of their span on each side (a flat range by half a unit, or 10% of its value).</summary>
    private static (double Low, double High) PaddedRange(IEnumerable<double> values)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (double v in values)
        {
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }

        double margin = high > low ? BoundaryMargin * (high - low) : Math.Max(0.5, 0.1 * Math.Abs(low));
        return (low - margin, high + margin);
    }

    /// <summary>The centres of a resolution × resolution grid over the rectangle, row by row from the top left.</summary>
    private static double[,] GridCentres(double left, double right, double bottom, double top, int resolution)
    {
        double cellWidth = (right - left) / resolution;
        double cellHeight = (top - bottom) / resolution;
        var grid = new double[resolution * resolution, 2];
        for (int row = 0; row < resolution; row++)
        {
            for (int col = 0; col < resolution; col++)
            {
                int k = (row * resolution) + col;
                grid[k, 0] = left + ((col + 0.5) * cellWidth);
                grid[k, 1] = top - ((row + 0.5) * cellHeight);
            }
        }

        return grid;
    }

    /// <summary>Calls the classifier on the grid and checks what it returns.</summary>
    private static int[] Predict(Func<double[,], int[]> predict, double[,] grid, int classes)
    {
        int n = grid.GetLength(0);
        int[] predicted = predict(grid)
            ?? throw new ArgumentException("SaveDecisionBoundary: predict returned null instead of one class per grid point.", nameof(predict));
        if (predicted.Length != n)
        {
            throw new ArgumentException(
                $"SaveDecisionBoundary: predict returned {predicted.Length} classes for {n} grid points; it must return one per point.",
                nameof(predict));
        }

        for (int i = 0; i < n; i++)
        {
            if (predicted[i] < 0 || predicted[i] >= classes)
            {
                throw new ArgumentException(
                    $"SaveDecisionBoundary: predict returned class {predicted[i]} for grid point {i} ({grid[i, 0]}, {grid[i, 1]}); " +
                    $"with {classes} classes a class is 0 to {classes - 1}.",
                    nameof(predict));
            }
        }

        return predicted;
    }

    /// <summary>
    /// An image of the grid in the light tints of the classes predicted there, upsampled by bilinear interpolation
    /// (ScottPlot stretches an image without smoothing, which would draw the cells' edges as stairs).
    /// </summary>
    private static Image RegionImage(int[] predicted, int resolution)
    {
        var tints = new double[MaxClasses, 3];
        for (int c = 0; c < MaxClasses; c++)
        {
            Color color = PlotStyle.Cycle[c];
            tints[c, 0] = Tint(color.R);
            tints[c, 1] = Tint(color.G);
            tints[c, 2] = Tint(color.B);
        }

        int factor = Math.Max(1, (RegionImageSize + resolution - 1) / resolution);
        int size = resolution * factor;
        var rgb = new byte[size, size, 3];
        for (int y = 0; y < size; y++)
        {
            // The pixel's centre in cell units, clamped to the centres of the outer cells.
            double v = Math.Clamp(((y + 0.5) / factor) - 0.5, 0, resolution - 1);
            int row0 = (int)v, row1 = Math.Min(row0 + 1, resolution - 1);
            double fy = v - row0;
            for (int x = 0; x < size; x++)
            {
                double u = Math.Clamp(((x + 0.5) / factor) - 0.5, 0, resolution - 1);
                int col0 = (int)u, col1 = Math.Min(col0 + 1, resolution - 1);
                double fx = u - col0;
                int c00 = predicted[(row0 * resolution) + col0], c01 = predicted[(row0 * resolution) + col1];
                int c10 = predicted[(row1 * resolution) + col0], c11 = predicted[(row1 * resolution) + col1];
                for (int k = 0; k < 3; k++)
                {
                    double top = ((1 - fx) * tints[c00, k]) + (fx * tints[c01, k]);
                    double bottom = ((1 - fx) * tints[c10, k]) + (fx * tints[c11, k]);
                    rgb[y, x, k] = (byte)Math.Round(((1 - fy) * top) + (fy * bottom));
                }
            }
        }

        return new Image(rgb);
    }

    /// <summary>The light tint a region predicted as class <paramref name="classIndex"/> is drawn in.</summary>
    internal static Color RegionColor(int classIndex)
    {
        Color color = PlotStyle.Cycle[classIndex];
        return new Color((byte)Math.Round(Tint(color.R)), (byte)Math.Round(Tint(color.G)), (byte)Math.Round(Tint(color.B)));
    }

    /// <summary>One channel of a colour mixed with white: <see cref="RegionTint"/> of the colour, the rest white.</summary>
    private static double Tint(byte channel) => (RegionTint * channel) + ((1 - RegionTint) * 255);
}
