using Backprop.TensorBoard.Proto;

namespace Backprop.TensorBoard;

/// <summary>
/// Turns values into TensorBoard's <c>HistogramProto</c> with TensorFlow's default buckets:
/// edges at ±1e-12·1.1^k up to 1e20, 0 between them, and ±<see cref="double.MaxValue"/> at the
/// ends (1,551 edges), so buckets are narrow near zero and 10 % wider each step away from it.
/// </summary>
/// <remarks>
/// As in TensorFlow's <c>Histogram::Add</c>, a value falls into the bucket whose limit is the
/// first edge greater than it (0 goes into the bucket up to 1e-12; <see cref="double.MaxValue"/>
/// itself into the last, as TensorFlow clamps it). The proto lists buckets from
/// the first non-empty one to the last, each with its upper limit; a run of empty buckets between
/// them is merged into one empty bucket (as TensorFlow's <c>EncodeToProto</c> does), and those
/// before the first and after the last are left out (TensorBoard draws the first bucket from
/// <c>min</c> and the last up to <c>max</c>).
/// </remarks>
internal static class HistogramBuckets
{
    private const double Smallest = 1e-12, Growth = 1.1;
    private static readonly long SmallestBits = BitConverter.DoubleToInt64Bits(Smallest);
    private static readonly double BucketsPerBit = 1 / (Math.Log2(Growth) * (1L << 52));

    /// <summary>The positive edges, ascending: 1e-12·1.1^k below 1e20 (multiplied up one by one, as TensorFlow does), then double.MaxValue.</summary>
    private static readonly double[] Positive = PositiveEdges();

    private static readonly double[] Edges = [.. Positive.Select(v => -v).Reverse(), 0.0, .. Positive];

    /// <summary>The histogram of <paramref name="values"/>: min, max, count, sum, sum of squares (in double, in order) and buckets.</summary>
    /// <param name="values">At least one value, all finite.</param>
    /// <param name="what">Names the values in an error message (the tag).</param>
    /// <exception cref="ArgumentException">No values, or a value is NaN or infinite.</exception>
    internal static HistogramProto Build(ReadOnlySpan<double> values, string what)
    {
        if (values.IsEmpty) throw new ArgumentException($"SummaryWriter.AddHistogram: '{what}' has no values", nameof(values));
        var counts = new double[Edges.Length];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, squares = 0;
        int bad = 0;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                bad++;
                continue;
            }
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            squares += v * v;
            counts[BucketOf(v)]++;
        }
        if (bad > 0)
            throw new ArgumentException($"SummaryWriter.AddHistogram: '{what}' has {bad} of {values.Length} values that are NaN or infinite; a histogram needs finite values", nameof(values));

        var proto = new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = squares };
        int first = Array.FindIndex(counts, c => c > 0), last = Array.FindLastIndex(counts, c => c > 0);
        for (int i = first; i <= last; i++)
        {
            if (counts[i] == 0 && counts[i + 1] == 0) continue; // an empty run ends in one empty bucket at its last edge
            proto.BucketLimit.Add(Edges[i]);
            proto.Bucket.Add(counts[i]);
        }
        return proto;
    }

    /// <summary>The index in <see cref="Edges"/> of the first edge greater than <paramref name="value"/> (a finite value).</summary>
    private static int BucketOf(double value)
    {
        int zero = Positive.Length; // Edges: -Positive reversed, then 0 at this index, then Positive
        if (value >= 0) return zero + 1 + FirstPositive(value, orEqual: false);
        // The first negative edge -p[j] above value is that of the largest j with p[j] < -value; none: 0 is.
        int j = FirstPositive(-value, orEqual: true) - 1;
        return j < 0 ? zero : zero - 1 - j;
    }

    /// <summary>
    /// The first index j with <c>Positive[j] &gt; a</c> (or <c>&gt;= a</c>): a guess, then corrected
    /// against the edges themselves, so the answer is that of a search. The guess reads the
    /// logarithm off the bits: a positive double's bits over 2^52 are log2 of it plus a constant,
    /// to within 0.09, less than one bucket (log2 1.1 = 0.1375), so a step or two corrects it.
    /// </summary>
    private static int FirstPositive(double a, bool orEqual)
    {
        double guess = (BitConverter.DoubleToInt64Bits(a) - SmallestBits) * BucketsPerBit;
        int j = guess > 0 ? (int)Math.Min(guess, Positive.Length - 1) : 0;
        while (j > 0 && Above(Positive[j - 1], a, orEqual)) j--;
        while (j < Positive.Length - 1 && !Above(Positive[j], a, orEqual)) j++; // double.MaxValue's bucket also takes double.MaxValue
        return j;
    }

    private static bool Above(double edge, double a, bool orEqual) => orEqual ? edge >= a : edge > a;

    private static double[] PositiveEdges()
    {
        var positive = new List<double>();
        for (double v = Smallest; v < 1e20; v *= Growth) positive.Add(v);
        positive.Add(double.MaxValue);
        return [.. positive];
    }
}
