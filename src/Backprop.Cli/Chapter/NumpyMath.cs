namespace Backprop.Cli.Chapter;

/// <summary>
/// The few numpy reductions the chapter uses, summed in numpy's order so that results agree
/// to the last bit (a plain left-to-right loop is one ulp off for the chapter's means).
/// </summary>
public static class NumpyMath
{
    /// <summary>
    /// <c>np.mean(a)</c> of a contiguous float64 array: numpy's pairwise sum divided by the
    /// count. An empty array gives NaN, as numpy does.
    /// </summary>
    /// <param name="values">The numbers to average.</param>
    public static double Mean(ReadOnlySpan<double> values) => (0.0 + PairwiseSum(values)) / values.Length;

    /// <summary>
    /// numpy's <c>pairwise_sum</c>: sequential below 8 elements, eight interleaved partial sums
    /// up to 128, and recursive halving (at a multiple of 8) above.
    /// </summary>
    /// <param name="a">The numbers to add.</param>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double s = 0.0;
            foreach (double v in a) s += v;
            return s;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i;
            for (i = 8; i < n - n % 8; i += 8)
            {
                for (int j = 0; j < 8; j++) r[j] += a[i + j];
            }
            double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) s += a[i];
            return s;
        }
        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }

    /// <summary>
    /// <c>np.dot(a, b)</c> for short float64 vectors as reference BLAS computes it: one multiply
    /// and one add per element, never fused.
    /// </summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector, as long as the first.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Dot: lengths {a.Length} and {b.Length} differ.", nameof(b));
        double s = 0.0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
