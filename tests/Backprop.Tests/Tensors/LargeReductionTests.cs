namespace Backprop.Tests.Tensors;

/// <summary>
/// Float32 reductions past 2^24 elements per lane, where a plain float accumulator stops
/// growing (1 + 2^24 rounds to 2^24): sums, means, variances, LogSumExp and losses over 20–40
/// million elements against double-precision references, along all elements and along a
/// dimension, deterministic on every thread.
/// </summary>
public class LargeReductionTests
{
    private const int Big = 20_000_000; // past 2^24 = 16,777,216

    /// <summary>x[i] = 0.001·(i mod 1000) + 0.1, as float: not all equal, so rounding errors do not cancel.</summary>
    private static float[] Ramp(int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = 0.001f * (i % 1000) + 0.1f;
        return x;
    }

    private static double ExactSum(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x) sum += v;
        return sum;
    }

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void OnesSumToTheirCountPastTwoToThe24()
    {
        Tensor ones = Tensor.Ones(Big);
        Assert.Equal(Big, ones.Sum().Item());
        Assert.Equal(1.0, ones.Mean().Item());
        Assert.Equal(1.0, Tensor.Ones(Big / 4, 4).Mean().Item()); // the all-dimensions path
        Assert.Equal([1.0, 1.0], Tensor.Ones(Big, 2).Mean(0).ToDoubleArray()); // along the leading dimension (was 0.839)
        Assert.Equal(1.0, Losses.MseLoss(Tensor.Ones(Big), Tensor.Zeros(Big)).Item());
        Assert.Equal(Math.Log(Big), Tensor.Zeros(Big).LogSumExp().Item(), 5);
    }

    [Fact]
    public void TheMeanOfManyTenthsIsATenth()
    {
        Tensor tenths = Tensor.Full([Big], 0.1);
        // Equal values round the same way in every add, so errors add up rather than cancel: a
        // lane's 128 adds (Vector128) bound them near 128·2^-24 relative; 4e-6 leaves room.
        AssertRelative(0.1, tenths.Mean().Item(), 4e-6); // was 0.099 at 1e8
        AssertRelative(0.1, tenths.Reshape(Big / 2, 2).Mean(0).ToDoubleArray()[1], 4e-6);
    }

    [Fact]
    public void SumsMeansAndVariancesMatchDoubleReferences()
    {
        float[] x = Ramp(Big);
        double exact = ExactSum(x);
        Tensor t = Tensor.FromArray(x);
        AssertRelative(exact, t.Sum().Item(), 1e-6);
        AssertRelative(exact / Big, t.Mean().Item(), 1e-6);

        double mean = exact / Big, squares = 0;
        foreach (float v in x) squares += (v - mean) * (v - mean);
        AssertRelative(squares / (Big - 1), t.Var().Item(), 1e-5);
        AssertRelative(Math.Sqrt(squares / Big), t.Std(unbiased: false).Item(), 1e-5);

        // Along dimension 0 of [Big/2, 2]: each column's own double sum.
        double even = 0, odd = 0;
        for (int i = 0; i < Big; i += 2)
        {
            even += x[i];
            odd += x[i + 1];
        }
        double[] columns = t.Reshape(Big / 2, 2).Sum(0).ToDoubleArray();
        AssertRelative(even, columns[0], 1e-6);
        AssertRelative(odd, columns[1], 1e-6);
    }

    [Fact]
    public void TheSumOfChunksIsTheSum()
    {
        // Metamorphic: summing the pieces (in double) gives the whole, whatever the cut points.
        float[] x = Ramp(Big + 12_345);
        Tensor t = Tensor.FromArray(x);
        double whole = t.Sum().Item();
        int[] cuts = [0, 1, 4095, 4097, 3_000_001, 17_000_000, x.Length];
        double pieces = 0;
        for (int c = 0; c + 1 < cuts.Length; c++) pieces += t.Slice(0, cuts[c], cuts[c + 1]).Sum().Item();
        AssertRelative(whole, pieces, 1e-6);
        AssertRelative(ExactSum(x), whole, 1e-6);
    }

    [Fact]
    public void ReductionsAreDeterministicOnEveryThread()
    {
        Tensor t = Tensor.FromArray(Ramp(Big + 7));
        Tensor columns = t.Slice(0, 0, Big).Reshape(Big / 4, 4);
        double sum = t.Sum().Item();
        double[] along = columns.Sum(0).ToDoubleArray();
        double[][] results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => (double[])[t.Sum().Item(), .. columns.Sum(0).ToDoubleArray()]).ToArray();
        foreach (double[] r in results)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(sum), BitConverter.DoubleToInt64Bits(r[0]));
            Assert.Equal(along, r[1..]);
        }
    }
}
