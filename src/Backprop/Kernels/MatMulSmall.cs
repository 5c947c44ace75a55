using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Small products with a row-major B (<c>BColStride == 1</c>): each row of C is built as
/// vectors across its columns, <c>c[i, j..] = fma(a[i, p], b[p, j..], c[i, j..])</c> for
/// p = 0 … k-1, with no packing. Packing costs more than it saves when the product is small or
/// C is narrow (a 10-class output layer, a 16-unit hidden layer); this loop keeps B in L1 and
/// touches each element of A once per row.
/// </summary>
/// <remarks>
/// Each element is the same fused multiply-add chain as on every other path (from zero, or
/// from C when accumulating, over p in order), so the results are bit-identical to theirs.
/// Four rows go at a time: four independent chains per column block keep the loop bound by
/// throughput rather than by the latency of one chain.
/// </remarks>
internal static unsafe class MatMulSmall
{
    /// <summary>Whether <paramref name="problem"/> suits this path (it needs 256-bit vectors).</summary>
    public static bool Suits<T>(in MatMulProblem<T> problem, long work) where T : unmanaged =>
        Vector256.IsHardwareAccelerated && problem.BColStride == 1 && problem.M > 1 && (problem.N <= 32 || work <= 48L * 48 * 48);

    /// <summary>The most elements of B copied to the stack for <see cref="SuitsTransposed"/> (16 KB of floats).</summary>
    public const int MaxCopiedB = 4096;

    /// <summary>
    /// Whether <paramref name="problem"/> would suit this path but for a B that is not
    /// row-major, and B is small enough to copy row-major first (<see cref="WithRowMajorB"/>):
    /// a Linear layer's weight read transposed. Copying k·n elements costs less than packing,
    /// and the chains stay the same, so the bits do too.
    /// </summary>
    public static bool SuitsTransposed<T>(in MatMulProblem<T> problem, long work) where T : unmanaged =>
        Vector256.IsHardwareAccelerated && problem.BColStride != 1 && problem.M > 1 && (long)problem.K * problem.N <= MaxCopiedB
        && (problem.N <= 32 || work <= 48L * 48 * 48);

    /// <summary>
    /// <paramref name="problem"/> with B copied into <paramref name="rows"/> (k·n elements) in
    /// row-major order.
    /// </summary>
    public static MatMulProblem<T> WithRowMajorB<T>(in MatMulProblem<T> problem, T* rows) where T : unmanaged
    {
        int n = problem.N, k = problem.K;
        nint brs = problem.BRowStride, bcs = problem.BColStride;
        if (typeof(T) == typeof(float) && Avx.IsSupported && brs == 1 && n % 8 == 0 && k % 8 == 0)
        {
            // Wᵀ of a weight whose sizes are multiples of 8 (TF Playground's 8-unit layers):
            // 8×8 blocks transposed in registers instead of 64 strided scalar copies each.
            for (int j = 0; j < n; j += 8)
            {
                for (int p = 0; p < k; p += 8)
                    MatMulPacking.Transpose8x8((float*)problem.B + j * bcs + p, bcs, (float*)rows + p * n + j, n);
            }
        }
        else
        {
            for (int p = 0; p < k; p++)
            {
                T* from = problem.B + p * brs;
                T* to = rows + p * n;
                for (int j = 0; j < n; j++) to[j] = from[j * bcs];
            }
        }
        return new MatMulProblem<T>(problem.A, problem.ARowStride, problem.AColStride, rows, n, 1,
                                    problem.C, problem.Ldc, problem.M, n, k, problem.Accumulate);
    }

    /// <summary>Computes the product on the calling thread.</summary>
    public static void Run<T>(in MatMulProblem<T> problem) where T : unmanaged
    {
        int m = problem.M;
        int i = 0;
        for (; i + 4 <= m; i += 4) FourRows(problem, i);
        for (; i < m; i++) OneRow(problem, i);
    }

    private static void FourRows<T>(in MatMulProblem<T> problem, int i) where T : unmanaged
    {
        int n = problem.N, k = problem.K;
        nint ars = problem.ARowStride, acs = problem.AColStride, brs = problem.BRowStride, ldc = problem.Ldc;
        bool load = problem.Accumulate;
        T* a0 = problem.A + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        T* c0 = problem.C + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        int w = Vector256<T>.Count;
        int j = 0;
        for (; j + w <= n; j += w)
        {
            Vector256<T> s0 = load ? Vector256.Load(c0 + j) : default, s1 = load ? Vector256.Load(c1 + j) : default;
            Vector256<T> s2 = load ? Vector256.Load(c2 + j) : default, s3 = load ? Vector256.Load(c3 + j) : default;
            T* b = problem.B + j;
            for (int p = 0; p < k; p++, b += brs)
            {
                Vector256<T> bp = Vector256.Load(b);
                nint ap = p * acs;
                s0 = MatMulFma.Fma(Vector256.Create(a0[ap]), bp, s0);
                s1 = MatMulFma.Fma(Vector256.Create(a1[ap]), bp, s1);
                s2 = MatMulFma.Fma(Vector256.Create(a2[ap]), bp, s2);
                s3 = MatMulFma.Fma(Vector256.Create(a3[ap]), bp, s3);
            }
            s0.Store(c0 + j);
            s1.Store(c1 + j);
            s2.Store(c2 + j);
            s3.Store(c3 + j);
        }
        for (; j < n; j++)
        {
            T s0 = load ? c0[j] : default, s1 = load ? c1[j] : default, s2 = load ? c2[j] : default, s3 = load ? c3[j] : default;
            T* b = problem.B + j;
            for (int p = 0; p < k; p++, b += brs)
            {
                T bp = *b;
                nint ap = p * acs;
                s0 = MatMulFma.Fma(a0[ap], bp, s0);
                s1 = MatMulFma.Fma(a1[ap], bp, s1);
                s2 = MatMulFma.Fma(a2[ap], bp, s2);
                s3 = MatMulFma.Fma(a3[ap], bp, s3);
            }
            c0[j] = s0;
            c1[j] = s1;
            c2[j] = s2;
            c3[j] = s3;
        }
    }

    private static void OneRow<T>(in MatMulProblem<T> problem, int i) where T : unmanaged
    {
        int n = problem.N, k = problem.K;
        nint acs = problem.AColStride, brs = problem.BRowStride;
        bool load = problem.Accumulate;
        T* aRow = problem.A + i * problem.ARowStride;
        T* cRow = problem.C + i * problem.Ldc;
        int w = Vector256<T>.Count;
        int j = 0;
        for (; j + w <= n; j += w)
        {
            Vector256<T> acc = load ? Vector256.Load(cRow + j) : default;
            T* b = problem.B + j;
            for (int p = 0; p < k; p++, b += brs) acc = MatMulFma.Fma(Vector256.Create(aRow[p * acs]), Vector256.Load(b), acc);
            acc.Store(cRow + j);
        }
        for (; j < n; j++)
        {
            T sum = load ? cRow[j] : default;
            T* b = problem.B + j;
            for (int p = 0; p < k; p++, b += brs) sum = MatMulFma.Fma(aRow[p * acs], *b, sum);
            cRow[j] = sum;
        }
    }
}
