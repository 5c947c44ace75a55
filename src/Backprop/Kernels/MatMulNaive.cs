namespace Backprop.Kernels;

/// <summary>
/// The loop nest for tiny products, where packing costs more than it saves: no packing, no
/// vectors, each element one fused multiply-add chain over p read straight through the strides,
/// four elements of a row at a time so that their chains overlap.
/// </summary>
internal static unsafe class MatMulNaive
{
    /// <summary>Computes the whole of <paramref name="problem"/> (k ≥ 1) on the calling thread.</summary>
    public static void Run<T>(in MatMulProblem<T> problem) where T : unmanaged
    {
        int m = problem.M, n = problem.N, k = problem.K;
        nint acs = problem.AColStride, brs = problem.BRowStride, bcs = problem.BColStride;
        bool load = problem.Accumulate;
        for (int i = 0; i < m; i++)
        {
            T* aRow = problem.A + i * problem.ARowStride;
            T* cRow = problem.C + i * problem.Ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T* b = problem.B + j * bcs;
                T s0 = load ? cRow[j] : default, s1 = load ? cRow[j + 1] : default;
                T s2 = load ? cRow[j + 2] : default, s3 = load ? cRow[j + 3] : default;
                for (int p = 0; p < k; p++, b += brs)
                {
                    T ap = aRow[p * acs];
                    s0 = MatMulFma.Fma(ap, b[0], s0);
                    s1 = MatMulFma.Fma(ap, b[bcs], s1);
                    s2 = MatMulFma.Fma(ap, b[2 * bcs], s2);
                    s3 = MatMulFma.Fma(ap, b[3 * bcs], s3);
                }
                cRow[j] = s0;
                cRow[j + 1] = s1;
                cRow[j + 2] = s2;
                cRow[j + 3] = s3;
            }
            for (; j < n; j++)
            {
                T* b = problem.B + j * bcs;
                T sum = load ? cRow[j] : default;
                for (int p = 0; p < k; p++, b += brs)
                    sum = MatMulFma.Fma(aRow[p * acs], *b, sum);
                cRow[j] = sum;
            }
        }
    }
}
