using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// </remarks>
internal static unsafe class MatMulSmall
{
    /// <summary>Whether <paramref name="problem"/> suits this path (it needs AVX2-class 256-bit vectors for float).</summary>
    public static bool Suits<T>(in MatMulProblem<T> problem, long work) where T : unmanaged =>
        Vector256.IsHardwareAccelerated && problem.BColStride == 1 && problem.M > 1 && (problem.N <= 32 || work <= 48L * 48 * 48);

    /// <summary>Computes the product on the calling thread.</summary>
    public static void Run<T>(in MatMulProblem<T> problem) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) RunFloat((MatMulProblem<float>*)Unsafe.AsPointer(ref Unsafe.AsRef(in problem)));
        else RunDouble((MatMulProblem<double>*)Unsafe.AsPointer(ref Unsafe.AsRef(in problem)));
    }

    // Four rows at a time: four independent fused multiply-add chains per column block, so the
    // loop is bound by throughput rather than by the latency of one chain.
    private static void RunFloat(MatMulProblem<float>* problem)
    {
        int m = problem->M, n = problem->N, k = problem->K;
        nint ars = problem->ARowStride, acs = problem->AColStride, brs = problem->BRowStride, ldc = problem->Ldc;
        bool load = problem->Accumulate;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = problem->A + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            float* c0 = problem->C + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int j = 0;
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> s0 = load ? Vector256.Load(c0 + j) : default, s1 = load ? Vector256.Load(c1 + j) : default;
                Vector256<float> s2 = load ? Vector256.Load(c2 + j) : default, s3 = load ? Vector256.Load(c3 + j) : default;
                float* b = problem->B + j;
                for (int p = 0; p < k; p++, b += brs)
                {
                    Vector256<float> bp = Vector256.Load(b);
                    nint ap = p * acs;
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[ap]), bp, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[ap]), bp, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[ap]), bp, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[ap]), bp, s3);
                }
                s0.Store(c0 + j);
                s1.Store(c1 + j);
                s2.Store(c2 + j);
                s3.Store(c3 + j);
            }
            for (; j < n; j++)
            {
                float s0 = load ? c0[j] : 0, s1 = load ? c1[j] : 0, s2 = load ? c2[j] : 0, s3 = load ? c3[j] : 0;
                float* b = problem->B + j;
                for (int p = 0; p < k; p++, b += brs)
                {
                    float bp = *b;
                    nint ap = p * acs;
                    s0 = MathF.FusedMultiplyAdd(a0[ap], bp, s0);
                    s1 = MathF.FusedMultiplyAdd(a1[ap], bp, s1);
                    s2 = MathF.FusedMultiplyAdd(a2[ap], bp, s2);
                    s3 = MathF.FusedMultiplyAdd(a3[ap], bp, s3);
                }
                c0[j] = s0;
                c1[j] = s1;
                c2[j] = s2;
                c3[j] = s3;
            }
        }
        for (; i < m; i++)
        {
            float* aRow = problem->A + i * ars;
            float* cRow = problem->C + i * ldc;
            int j = 0;
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> acc = load ? Vector256.Load(cRow + j) : default;
                float* b = problem->B + j;
                for (int p = 0; p < k; p++, b += brs) acc = Vector256.FusedMultiplyAdd(Vector256.Create(aRow[p * acs]), Vector256.Load(b), acc);
                acc.Store(cRow + j);
            }
            for (; j < n; j++)
            {
                float sum = load ? cRow[j] : 0;
                float* b = problem->B + j;
                for (int p = 0; p < k; p++, b += brs) sum = MathF.FusedMultiplyAdd(aRow[p * acs], *b, sum);
                cRow[j] = sum;
            }
        }
    }

    private static void RunDouble(MatMulProblem<double>* problem)
    {
        int m = problem->M, n = problem->N, k = problem->K;
        nint acs = problem->AColStride, brs = problem->BRowStride;
        bool load = problem->Accumulate;
        for (int i = 0; i < m; i++)
        {
            double* aRow = problem->A + i * problem->ARowStride;
            double* cRow = problem->C + i * problem->Ldc;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 8 <= n; j += 8)
                {
                    Vector512<double> acc = load ? Vector512.Load(cRow + j) : Vector512<double>.Zero;
                    double* b = problem->B + j;
                    for (int p = 0; p < k; p++, b += brs) acc = Vector512.FusedMultiplyAdd(Vector512.Create(aRow[p * acs]), Vector512.Load(b), acc);
                    acc.Store(cRow + j);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 4 <= n; j += 4)
                {
                    Vector256<double> acc = load ? Vector256.Load(cRow + j) : Vector256<double>.Zero;
                    double* b = problem->B + j;
                    for (int p = 0; p < k; p++, b += brs) acc = Vector256.FusedMultiplyAdd(Vector256.Create(aRow[p * acs]), Vector256.Load(b), acc);
                    acc.Store(cRow + j);
                }
            }
            for (; j < n; j++)
            {
                double sum = load ? cRow[j] : 0;
                double* b = problem->B + j;
                for (int p = 0; p < k; p++, b += brs) sum = Math.FusedMultiplyAdd(aRow[p * acs], *b, sum);
                cRow[j] = sum;
            }
        }
    }
}
