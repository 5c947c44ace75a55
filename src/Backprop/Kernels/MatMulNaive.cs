namespace Backprop.Kernels;

/// <summary>
/// The loop nest for tiny products: no packing, no vectors, each element one fused multiply-add
/// chain over p, read straight through the strides.
/// </summary>
internal static unsafe class MatMulNaive
{
    /// <summary>Computes the whole of <paramref name="problem"/> (k ≥ 1) on the calling thread.</summary>
    public static void Run<T>(in MatMulProblem<T> problem) where T : unmanaged
    {
        int m = problem.M, n = problem.N, k = problem.K;
        for (int i = 0; i < m; i++)
        {
            T* aRow = problem.A + i * problem.ARowStride;
            T* cRow = problem.C + i * problem.Ldc;
            for (int j = 0; j < n; j++)
            {
                T* bCol = problem.B + j * problem.BColStride;
                T sum = problem.Accumulate ? cRow[j] : default;
                for (int p = 0; p < k; p++)
                    sum = MatMulFma.Fma(aRow[p * problem.AColStride], bCol[p * problem.BRowStride], sum);
                cRow[j] = sum;
            }
        }
    }
}
