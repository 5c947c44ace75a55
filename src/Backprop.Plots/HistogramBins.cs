namespace Backprop.Plots;

/// <summary>
/// Equal-width histogram bins over the data's own range, computed the way numpy's
/// <c>np.histogram(values, bins=n)</c> (and so matplotlib's <c>ax.hist(values, bins=n)</c>) does.
/// </summary>
/// <remarks>
/// The edges are <c>n + 1</c> evenly spaced values from the minimum to the maximum. Every bin is half-open,
/// <c>[left, right)</c>, except the last, which also holds the maximum. When every value is equal the range
/// is widened to <c>[value - 0.5, value + 0.5]</c>, as numpy does.
/// </remarks>
public sealed class HistogramBins
{
    private HistogramBins(double[] edges, int[] counts)
    {
        Edges = edges;
        Counts = counts;
    }

    /// <summary>The <c>BinCount + 1</c> bin edges, ascending; bin <c>i</c> spans <c>Edges[i]..Edges[i + 1]</c>.</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>How many values fall in each bin; the counts sum to the number of values.</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>The number of bins.</summary>
    public int BinCount => Counts.Count;

    /// <summary>The width every bin shares.</summary>
    public double BinWidth => (Edges[^1] - Edges[0]) / BinCount;

    /// <summary>Bins <paramref name="values"/> into <paramref name="bins"/> equal-width bins over their range.</summary>
    /// <param name="values">The data; at least one value, all finite.</param>
    /// <param name="bins">The number of bins, at least 1.</param>
    /// <param name="paramName">The argument name that error messages report for <paramref name="values"/>.</param>
    /// <returns>The edges and counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds NaN or an infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static HistogramBins Compute(IReadOnlyList<double> values, int bins, string paramName = "values")
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (values.Count == 0)
            throw new ArgumentException("Histogram: no values to bin (the list is empty).", paramName);

        double first = double.PositiveInfinity, last = double.NegativeInfinity;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
                throw new ArgumentException($"Histogram: value [{i}] is {v}; every value must be finite.", paramName);
            first = Math.Min(first, v);
            last = Math.Max(last, v);
        }

        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }

        // np.linspace(first, last, bins + 1): start + i * step, with the last edge exactly 'last'.
        double step = (last - first) / bins;
        var edges = new double[bins + 1];
        for (int i = 0; i < bins; i++)
            edges[i] = first + (i * step);
        edges[bins] = last;

        // np.histogram's fast path for equal bins: compute the index, then correct it against the edges.
        var counts = new int[bins];
        double span = last - first;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            int index = (int)((v - first) / span * bins);
            if (index == bins)
                index--;
            if (v < edges[index])
                index--;
            else if (index != bins - 1 && v >= edges[index + 1])
                index++;
            counts[index]++;
        }

        return new HistogramBins(edges, counts);
    }
}
