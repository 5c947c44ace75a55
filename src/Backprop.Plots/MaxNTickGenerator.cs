using System.Globalization;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>
/// Ticks for a linear axis chosen as matplotlib's default locator (<c>AutoLocator</c>, a <c>MaxNLocator</c>
/// with at most 9 intervals and steps 1, 2, 2.5, 5, 10) chooses them, labelled as its <c>ScalarFormatter</c>
/// labels them: every label with the same number of decimals, and no minor ticks.
/// </summary>
/// <remarks>
/// ScottPlot's own <see cref="ScottPlot.TickGenerators.NumericAutomatic"/> packs ticks as densely as the
/// labels allow (0, 0.2, 0.4, ...); this one gives the sparser ticks of the chapter's figures (0, 0.5, 1.0, ...).
/// </remarks>
internal sealed class MaxNTickGenerator : ITickGenerator
{
    private static readonly double[] Steps = [1, 2, 2.5, 5, 10];

    /// <inheritdoc/>
    public Tick[] Ticks { get; private set; } = [];

    /// <summary>The most intervals between ticks (matplotlib's <c>nbins</c>, 9 when 'auto' has room).</summary>
    public int MaxTickCount { get; set; } = 9;

    /// <summary>
    /// Whether ticks fall on whole numbers only, when the range holds at least two (matplotlib's
    /// <c>MaxNLocator(integer=True)</c>), as an axis of epochs needs.
    /// </summary>
    public bool Integer { get; init; }

    /// <inheritdoc/>
    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
    {
        double[] positions = Positions(range.Min, range.Max, Math.Max(1, MaxTickCount), Integer);
        Ticks = Labels(positions);
    }

    /// <summary>matplotlib's <c>MaxNLocator._raw_ticks</c>, without the offset it uses for far-from-zero ranges.</summary>
    /// <param name="min">Low end of the axis.</param>
    /// <param name="max">High end of the axis.</param>
    /// <param name="bins">The most intervals between ticks.</param>
    /// <param name="integer">Keep only whole-number steps, as <c>MaxNLocator(integer=True)</c> does.</param>
    internal static double[] Positions(double min, double max, int bins, bool integer = false)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
            return [];

        double scale = Math.Pow(10, Math.Floor(Math.Log10((max - min) / bins)));
        double rawStep = (max - min) / bins;

        // The extended steps 0.1*[1, 2, 2.5, 5], [1, 2, 2.5, 5, 10], 20, scaled; try from the first
        // step at least rawStep downwards while at least two ticks fall inside the range.
        var steps = new List<double>();
        foreach (double s in Steps[..^1])
            steps.Add(0.1 * s * scale);
        foreach (double s in Steps)
            steps.Add(s * scale);
        steps.Add(20 * scale);
        if (integer)
            steps.RemoveAll(s => s >= 1 && Math.Abs(s - Math.Round(s)) >= 0.001);

        int first = steps.FindIndex(s => s >= rawStep);
        if (first < 0)
            first = steps.Count - 1;

        double[] ticks = [];
        for (int i = first; i >= 0; i--)
        {
            double step = steps[i];
            if (integer && Math.Floor(max) - Math.Ceiling(min) >= 1)
                step = Math.Max(1, step);
            double best = Math.Floor(min / step) * step;
            long low = EdgeFloor((min - best) / step);
            long high = EdgeCeiling((max - best) / step);
            ticks = new double[high - low + 1];
            for (long k = low; k <= high; k++)
                ticks[k - low] = (k * step) + best;
            if (ticks.Count(t => t >= min && t <= max) >= 2)
                break;
        }

        return [.. ticks.Where(t => t >= min - (1e-10 * (max - min)) && t <= max + (1e-10 * (max - min)))];
    }

    /// <summary>Labels with the fewest decimals that write every tick exactly, the same for all.</summary>
    private static Tick[] Labels(double[] positions)
    {
        if (positions.Length == 0)
            return [];

        int decimals = 0;
        while (decimals < 10 && positions.Any(p => Math.Abs(Math.Round(p, decimals) - p) > 1e-9 * Math.Max(1, Math.Abs(p))))
            decimals++;

        return [.. positions.Select(p => Tick.Major(p, FormatTick(p, decimals)))];
    }

    /// <summary>Formats one tick, with matplotlib's minus sign (U+2212) for negative values.</summary>
    private static string FormatTick(double value, int decimals)
    {
        value = Math.Round(value, decimals);
        if (value == 0)
            value = 0; // turns -0 into 0
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        return value.ToString(format, CultureInfo.InvariantCulture).Replace('-', '\u2212');
    }

    /// <summary>matplotlib's <c>_Edge_integer.le</c>: floor, but a value just under an integer counts as it.</summary>
    private static long EdgeFloor(double x)
    {
        double d = Math.Floor(x);
        return (long)(x - d > 1 - 1e-10 ? d + 1 : d);
    }

    /// <summary>matplotlib's <c>_Edge_integer.ge</c>: ceiling, but a value just over an integer counts as it.</summary>
    private static long EdgeCeiling(double x)
    {
        double d = Math.Floor(x);
        return (long)(x - d < 1e-10 ? d : d + 1);
    }
}
