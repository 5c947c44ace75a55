using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>
/// <see cref="MatMulKernel"/> against two references: a double-precision triple loop (within
/// the rounding error a float sum may carry) and a scalar fused multiply-add chain over p in
/// order, which the kernel promises to reproduce bit for bit on every path.
/// </summary>
public sealed class MatMulKernelTests
{
    /// <summary>How an operand lies in memory.</summary>
    public enum Layout
    {
        /// <summary>Row-major: columns adjacent.</summary>
        RowMajor,

        /// <summary>Column-major (the transpose of a row-major matrix): rows adjacent.</summary>
        ColumnMajor,

        /// <summary>Row-major inside a wider buffer, every element two apart.</summary>
        Strided,
    }

    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (2, 2, 2), (3, 1, 4), (7, 13, 5), (8, 8, 8), (5, 7, 31),
        (65, 33, 129), (11, 31, 17), (12, 32, 16), (13, 33, 15), (24, 64, 8), (25, 65, 9),
        (1, 100, 37), (1, 130, 300), (90, 1, 41), (150, 1, 7), (1, 1, 600), (2, 200, 3),
        (3, 70, 260), (40, 40, 255), (17, 19, 256), (17, 19, 257), (9, 40, 513), (13, 2049, 2),
        (193, 20, 3), (97, 50, 11), (1, 5, 700), (6, 1, 300), (1, 8, 9), (8, 1, 70), (13, 35, 1030),
        // TF Playground's layers (batch 10, 7 features, 8 units) and its 10,000-point grid: a
        // small B read transposed is copied to the stack rather than packed (in 8×8 blocks
        // transposed in registers when both its sizes are multiples of 8).
        (10, 8, 7), (10, 8, 8), (10, 16, 24), (10, 1, 8), (10000, 8, 7), (30, 64, 64),
    ];

    /// <summary>Shape × layout of A × layout of B × accumulate, for the tests that sweep them.</summary>
    public static TheoryData<int, int, int, Layout, Layout, bool> Cases()
    {
        var data = new TheoryData<int, int, int, Layout, Layout, bool>();
        int index = 0;
        foreach (var (m, n, k) in Shapes)
        {
            foreach (Layout la in Enum.GetValues<Layout>())
            {
                foreach (Layout lb in Enum.GetValues<Layout>())
                {
                    // Every shape in all layouts; accumulate on every other combination.
                    data.Add(m, n, k, la, lb, index++ % 2 == 1);
                }
            }
        }
        return data;
    }

    /// <summary>The instruction sets this machine can run, for the exact-chain sweep.</summary>
    public static TheoryData<string> SupportedIsas()
    {
        var data = new TheoryData<string>();
        foreach (MatMulIsa isa in new[] { MatMulIsa.Scalar, MatMulIsa.Vector128, MatMulIsa.Vector256, MatMulIsa.Vector512 })
        {
            if (MatMulKernel.IsSupported(isa))
                data.Add(isa.ToString());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SingleMatchesDoubleReferenceWithinRounding(int m, int n, int k, Layout la, Layout lb, bool accumulate)
    {
        var (a, ars, acs) = Operand(m, k, la, seed: 1000 * m + k);
        var (b, brs, bcs) = Operand(k, n, lb, seed: 1000 * n + k + 7);
        float[] c0 = Values(m * n, seed: m + n + k);
        float[] c = (float[])c0.Clone();

        MatMulKernel.Multiply(a, ars, acs, b, brs, bcs, c, m, n, k, accumulate);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double exact = accumulate ? c0[i * n + j] : 0.0;
                double magnitude = Math.Abs(exact);
                for (int p = 0; p < k; p++)
                {
                    double product = (double)a[i * ars + p * acs] * b[p * brs + j * bcs];
                    exact += product;
                    magnitude += Math.Abs(product);
                }
                // A chain of k + 1 roundings errs by at most (k + 1)·u·Σ|terms|, u = 2^-24.
                double bound = (k + 1) * Math.ScaleB(1.0, -24) * magnitude * 1.0001 + 1e-30;
                double error = Math.Abs(c[i * n + j] - exact);
                Assert.True(error <= bound,
                    $"{m}x{n}x{k} {la}/{lb} accumulate={accumulate}: C[{i},{j}] = {c[i * n + j]:R}, exact {exact:R}, error {error:E3} > {bound:E3}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DoubleMatchesDoubleReference(int m, int n, int k, Layout la, Layout lb, bool accumulate)
    {
        var (af, ars, acs) = Operand(m, k, la, seed: 1000 * m + k);
        var (bf, brs, bcs) = Operand(k, n, lb, seed: 1000 * n + k + 7);
        double[] a = Array.ConvertAll(af, x => x * (1.0 + 1e-9));
        double[] b = Array.ConvertAll(bf, x => x * (1.0 - 1e-9));
        double[] c0 = Array.ConvertAll(Values(m * n, seed: m + n + k), x => (double)x);
        double[] c = (double[])c0.Clone();

        MatMulKernel.Multiply(a, ars, acs, b, brs, bcs, c, m, n, k, accumulate);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double naive = accumulate ? c0[i * n + j] : 0.0;
                double magnitude = Math.Abs(naive);
                for (int p = 0; p < k; p++)
                {
                    double product = a[i * ars + p * acs] * b[p * brs + j * bcs];
                    naive += product;
                    magnitude += Math.Abs(product);
                }
                // Both sums err by at most about (k + 1)·u·Σ|terms|, u = 2^-53.
                double bound = 2 * (k + 2) * Math.ScaleB(1.0, -53) * magnitude + 1e-300;
                double error = Math.Abs(c[i * n + j] - naive);
                Assert.True(error <= bound,
                    $"{m}x{n}x{k} {la}/{lb} accumulate={accumulate}: C[{i},{j}] = {c[i * n + j]:R}, naive {naive:R}, error {error:E3} > {bound:E3}");
            }
        }
        Assert.Equal(ChainDouble(a, ars, acs, b, brs, bcs, accumulate ? c0 : null, m, n, k), c);
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void EveryPathIsTheFusedMultiplyAddChainBitForBit(string isaName)
    {
        var isa = Enum.Parse<MatMulIsa>(isaName);
        // Every shape with the four transpose combinations and a strided pair (the sweep over all
        // nine layout pairs runs on the default kernel above), accumulating every other time.
        (Layout, Layout)[] pairs =
        [
            (Layout.RowMajor, Layout.RowMajor), (Layout.RowMajor, Layout.ColumnMajor),
            (Layout.ColumnMajor, Layout.RowMajor), (Layout.ColumnMajor, Layout.ColumnMajor),
            (Layout.Strided, Layout.Strided),
        ];
        int index = 0;
        foreach (var (m, n, k) in Shapes)
        {
            foreach (var (la, lb) in pairs)
            {
                bool accumulate = index++ % 2 == 0;
                var (a, ars, acs) = Operand(m, k, la, seed: 31 * m + k);
                var (b, brs, bcs) = Operand(k, n, lb, seed: 17 * n + k);
                float[] c0 = Values(m * n, seed: 3);
                float[] c = (float[])c0.Clone();
                MatMulKernel.Multiply<float>(a, ars, acs, b, brs, bcs, c, m, n, k, accumulate, 0, isa);
                float[] expected = ChainSingle(a, ars, acs, b, brs, bcs, accumulate ? c0 : null, m, n, k);
                if (!expected.AsSpan().SequenceEqual(c))
                {
                    int at = FirstDifference(expected, c);
                    Assert.Fail($"{isa} {m}x{n}x{k} {la}/{lb} accumulate={accumulate}: C[{at / n},{at % n}] = {c[at]:R}, chain gives {expected[at]:R}");
                }

                double[] ad = Array.ConvertAll(a, x => (double)x / 3);
                double[] bd = Array.ConvertAll(b, x => (double)x / 7);
                double[] cd0 = Array.ConvertAll(c0, x => (double)x / 5);
                double[] cd = (double[])cd0.Clone();
                MatMulKernel.Multiply<double>(ad, ars, acs, bd, brs, bcs, cd, m, n, k, accumulate, 0, isa);
                Assert.Equal(ChainDouble(ad, ars, acs, bd, brs, bcs, accumulate ? cd0 : null, m, n, k), cd);
            }
        }
    }

    [Theory]
    [InlineData(200, 150, 100)]   // more rows than columns: bands of rows
    [InlineData(70, 700, 90)]     // more columns: bands of columns
    [InlineData(1000, 1, 1000)]   // matrix-vector, through the one-row kernel
    [InlineData(1, 1200, 800)]    // vector-matrix
    [InlineData(30, 2100, 20)]    // wider than one column block
    public void ResultIsBitIdenticalForEveryThreadCount(int m, int n, int k)
    {
        foreach (Layout la in new[] { Layout.RowMajor, Layout.ColumnMajor })
        {
            var (a, ars, acs) = Operand(m, k, la, seed: 5);
            var (b, brs, bcs) = Operand(k, n, la == Layout.RowMajor ? Layout.ColumnMajor : Layout.RowMajor, seed: 6);
            float[] one = new float[m * n];
            MatMulKernel.Multiply(a, ars, acs, b, brs, bcs, one, m, n, k, maxThreads: 1);
            foreach (int threads in new[] { 2, 3, 0 })
            {
                float[] many = new float[m * n];
                MatMulKernel.Multiply(a, ars, acs, b, brs, bcs, many, m, n, k, maxThreads: threads);
                Assert.True(one.AsSpan().SequenceEqual(many), $"{m}x{n}x{k} {la}: maxThreads {threads} differs from 1");
            }
            Assert.Equal(ChainSingle(a, ars, acs, b, brs, bcs, null, m, n, k), one);

            double[] ad = Array.ConvertAll(a, x => (double)x);
            double[] bd = Array.ConvertAll(b, x => (double)x);
            double[] oneD = new double[m * n], manyD = new double[m * n];
            MatMulKernel.Multiply(ad, ars, acs, bd, brs, bcs, oneD, m, n, k, maxThreads: 1);
            MatMulKernel.Multiply(ad, ars, acs, bd, brs, bcs, manyD, m, n, k, maxThreads: 2);
            Assert.Equal(oneD, manyD);
        }
    }

    [Fact]
    public void RowsDoNotDependOnTheRowsComputedWithThem()
    {
        // Row i of A·B is the same whether A has one row or many (batch invariance).
        const int m = 40, n = 300, k = 70;
        var (a, _, _) = Operand(m, k, Layout.RowMajor, seed: 8);
        var (b, _, _) = Operand(k, n, Layout.ColumnMajor, seed: 9);
        float[] all = new float[m * n];
        MatMulKernel.Multiply(a, k, 1, b, 1, k, all, m, n, k);
        float[] row = new float[n];
        MatMulKernel.Multiply(a.AsSpan(17 * k, k), k, 1, b, 1, k, row, 1, n, k);
        Assert.Equal(all.AsSpan(17 * n, n).ToArray(), row);
    }

    [Fact]
    public void ZeroDepthZeroesCOrLeavesItWhenAccumulating()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        MatMulKernel.Multiply(ReadOnlySpan<float>.Empty, 0, 1, ReadOnlySpan<float>.Empty, 3, 1, c, 2, 3, 0, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        MatMulKernel.Multiply(ReadOnlySpan<float>.Empty, 0, 1, ReadOnlySpan<float>.Empty, 3, 1, c, 2, 3, 0);
        Assert.Equal(new float[6], c);

        double[] d = [7, 8, 9];
        MatMulKernel.Multiply(ReadOnlySpan<double>.Empty, 0, 1, ReadOnlySpan<double>.Empty, 3, 1, d, 1, 3, 0);
        Assert.Equal(new double[3], d);
    }

    [Fact]
    public void EmptyResultDoesNothing()
    {
        float[] c = [42];
        MatMulKernel.Multiply(ReadOnlySpan<float>.Empty, 5, 1, new float[15], 3, 1, c, 0, 3, 5);
        MatMulKernel.Multiply(new float[10], 5, 1, ReadOnlySpan<float>.Empty, 0, 1, c, 2, 0, 5);
        Assert.Equal(42f, c[0]);
    }

    [Fact]
    public void SmallProductsAreExact()
    {
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], and the 1×1×1 fast path.
        float[] c = new float[4];
        MatMulKernel.Multiply([1f, 2, 3, 4], 2, 1, [5f, 6, 7, 8], 2, 1, c, 2, 2, 2);
        Assert.Equal([19f, 22, 43, 50], c);
        MatMulKernel.Multiply([1f, 2, 3, 4], 1, 2, [5f, 6, 7, 8], 2, 1, c, 2, 2, 2); // Aᵀ·B
        Assert.Equal([26f, 30, 38, 44], c);

        double[] one = [10];
        MatMulKernel.Multiply([3.0], 1, 1, [4.0], 1, 1, one, 1, 1, 1, accumulate: true);
        Assert.Equal(22.0, one[0]);
    }

    [Fact]
    public void ZeroStridesBroadcast()
    {
        // A is a single value repeated: every element of C is that value times a column sum of B.
        float[] b = Values(6 * 40, seed: 4);
        float[] c = new float[3 * 40];
        MatMulKernel.Multiply([2f], 0, 0, b, 40, 1, c, 3, 40, 6);
        float[] expected = ChainSingle([2f], 0, 0, b, 40, 1, null, 3, 40, 6);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void NaNAndInfinityPropagate()
    {
        float[] a = [float.NaN, 1, 1, 1, float.PositiveInfinity, 0];
        float[] b = Enumerable.Repeat(1f, 3 * 40).ToArray();
        b[40] = 0; // row p = 1, column 0
        float[] c = new float[2 * 40];
        MatMulKernel.Multiply(a, 3, 1, b, 40, 1, c, 2, 40, 3);
        Assert.All(c.AsSpan(0, 40).ToArray(), x => Assert.True(float.IsNaN(x)));
        Assert.True(float.IsNaN(c[40]));                     // 1·1 + ∞·0 + 0·1
        Assert.Equal(float.PositiveInfinity, c[41]);         // 1·1 + ∞·1 + 0·1
    }

    [Fact]
    public void NegativeSizesAndStridesAreRejected()
    {
        float[] buffer = new float[64];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(buffer, 1, 1, buffer, 1, 1, new float[4], -1, 2, 2));
        Assert.Equal("m", e.ParamName);
        Assert.Contains("m=-1", e.Message);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(buffer, 1, 1, buffer, 1, 1, new float[4], 2, -2, 2)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(buffer, 1, 1, buffer, 1, 1, new float[4], 2, 2, -3)).ParamName);
        Assert.Equal("aRowStride", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(buffer, -1, 1, buffer, 1, 1, new float[4], 2, 2, 2)).ParamName);
        Assert.Equal("bColStride", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(buffer, 1, 1, buffer, 1, -1, new float[4], 2, 2, 2)).ParamName);
        Assert.Equal("maxThreads", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(buffer, 1, 1, buffer, 1, 1, new float[4], 2, 2, 2, maxThreads: -1)).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulKernel.Multiply(new double[4], 1, 1, new double[4], 1, 1, new double[4], -2, 2, 2)).ParamName);
    }

    [Fact]
    public void ShortSpansAreRejectedWithTheSizes()
    {
        // A is 3×4 row-major: needs 12 elements.
        var e = Assert.Throws<ArgumentException>(() => MatMulKernel.Multiply(new float[11], 4, 1, new float[20], 5, 1, new float[15], 3, 5, 4));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("3x4", e.Message);
        Assert.Contains("12", e.Message);
        Assert.Contains("11", e.Message);

        // B is 4×5 read transposed (strides 1, 4): needs 20.
        e = Assert.Throws<ArgumentException>(() => MatMulKernel.Multiply(new float[12], 4, 1, new float[19], 1, 4, new float[15], 3, 5, 4));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("4x5", e.Message);

        e = Assert.Throws<ArgumentException>(() => MatMulKernel.Multiply(new float[12], 4, 1, new float[20], 5, 1, new float[14], 3, 5, 4));
        Assert.Equal("c", e.ParamName);
        Assert.Contains("3x5", e.Message);

        e = Assert.Throws<ArgumentException>(() => MatMulKernel.Multiply(new double[12], 4, 1, new double[20], 5, 1, new double[14], 3, 5, 4));
        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void OutputOverlappingAnInputIsRejected()
    {
        float[] buffer = new float[32];
        var e = Assert.Throws<ArgumentException>(() =>
            MatMulKernel.Multiply(buffer.AsSpan(0, 4), 2, 1, buffer.AsSpan(8, 4), 2, 1, buffer.AsSpan(2, 4), 2, 2, 2));
        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void RepeatedCallsDoNotAllocate()
    {
        const int m = 100, n = 90, k = 80;
        float[] a = Values(m * k, 1), b = Values(k * n, 2), c = new float[m * n];
        MatMulKernel.Multiply(a, k, 1, b, n, 1, c, m, n, k, maxThreads: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
            MatMulKernel.Multiply(a, k, 1, b, n, 1, c, m, n, k, maxThreads: 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The reference the kernel promises to match exactly: one fma chain per element, p in order.</summary>
    private static float[] ChainSingle(float[] a, int ars, int acs, float[] b, int brs, int bcs, float[]? c0, int m, int n, int k)
    {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = c0 is null ? 0f : c0[i * n + j];
                for (int p = 0; p < k; p++)
                    sum = MathF.FusedMultiplyAdd(a[i * ars + p * acs], b[p * brs + j * bcs], sum);
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    /// <inheritdoc cref="ChainSingle"/>
    private static double[] ChainDouble(double[] a, int ars, int acs, double[] b, int brs, int bcs, double[]? c0, int m, int n, int k)
    {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = c0 is null ? 0.0 : c0[i * n + j];
                for (int p = 0; p < k; p++)
                    sum = Math.FusedMultiplyAdd(a[i * ars + p * acs], b[p * brs + j * bcs], sum);
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    /// <summary>A random rows × cols matrix in the given layout, with its strides.</summary>
    private static (float[] Data, int RowStride, int ColStride) Operand(int rows, int cols, Layout layout, int seed)
    {
        return layout switch
        {
            Layout.RowMajor => (Values(rows * cols, seed), cols, 1),
            Layout.ColumnMajor => (Values(rows * cols, seed), 1, rows),
            _ => (Values(Math.Max(1, 2 * rows * cols), seed), 2 * cols, 2),
        };
    }

    private static float[] Values(int count, int seed)
    {
        var random = new System.Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static int FirstDifference(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                return i;
        }
        return -1;
    }
}
