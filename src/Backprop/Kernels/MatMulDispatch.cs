namespace Backprop.Kernels;

/// <summary>
/// Chooses how one validated product runs: a plain loop nest for tiny products, the one-row
/// kernel for vector-matrix and matrix-vector products, the packed blocked loop nest otherwise;
/// on the calling thread, or split over threads when the product is large.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TKernel">The micro-kernel for general products.</typeparam>
/// <typeparam name="TRowKernel">The micro-kernel for one-row products (m = 1, or n = 1 transposed).</typeparam>
/// <remarks>
/// Every path computes each element as the same fused multiply-add chain, so the choice changes
/// the speed, never the bits.
/// </remarks>
internal static unsafe class MatMulDispatch<T, TKernel, TRowKernel>
    where T : unmanaged
    where TKernel : IMatMulMicroKernel<T>
    where TRowKernel : IMatMulMicroKernel<T>
{
    /// <summary>Runs <paramref name="problem"/> (m, n, k ≥ 1) with at most <paramref name="threads"/> threads.</summary>
    public static void Run(in MatMulProblem<T> problem, int threads)
    {
        long work = (long)problem.M * problem.N * problem.K;
        if (work <= MatMulKernel.TinyThreshold || (Math.Min(problem.M, problem.N) == 1 && Math.Max(problem.M, problem.N) < 8))
        {
            // Tiny, or a handful of dot products: a few independent chains, nothing to pack.
            MatMulNaive.Run(problem);
            return;
        }

        if (MatMulSmall.SuitsTransposed(problem, work))
        {
            // A small B read across its rows (a Linear layer's weight, Wᵀ): copied row-major
            // onto the stack, so that the small path's vectors can load its rows.
            T* rows = stackalloc T[problem.K * problem.N];
            MatMulSmall.Run(MatMulSmall.WithRowMajorB(problem, rows));
            return;
        }

        if (MatMulSmall.Suits(problem, work))
        {
            // Small, or narrow C: vectors across each row of C, nothing packed.
            MatMulSmall.Run(problem);
            return;
        }

        if (problem.N == 1 && problem.M > 1 && problem.Ldc == 1)
        {
            // c = A·b is the row cᵀ = bᵀ·Aᵀ: a one-row product with the operands' roles swapped
            // (only when the column c is dense: a column of a wider C, Ldc > 1, takes the general path).
            var transposed = new MatMulProblem<T>(problem.B, problem.BColStride, problem.BRowStride,
                                                  problem.A, problem.AColStride, problem.ARowStride,
                                                  problem.C, problem.M, 1, problem.M, problem.K, problem.Accumulate);
            Split<TRowKernel>(transposed, threads, work);
        }
        else if (problem.M == 1)
        {
            Split<TRowKernel>(problem, threads, work);
        }
        else
        {
            Split<TKernel>(problem, threads, work);
        }
    }

    /// <summary>Runs the blocked loop nest with <typeparamref name="TK"/>, over disjoint blocks of C when the product is large.</summary>
    private static void Split<TK>(in MatMulProblem<T> problem, int threads, long work) where TK : IMatMulMicroKernel<T>
    {
        int mr = TK.Rows, nr = TK.Columns;
        int rowUnits = (problem.M + mr - 1) / mr;
        // Few rows share each panel of B: packing it would cost more than it saves.
        bool bInPlace = problem.BColStride == 1 && rowUnits <= MatMulKernel.InPlaceRowPanels;
        int colUnits = (problem.N + nr - 1) / nr;
        if (threads <= 1 || work < MatMulKernel.ParallelThreshold || Math.Max(rowUnits, colUnits) < 2)
        {
            MatMulBlocked<T, TK>.Run(problem, 0, problem.M, 0, problem.N, bInPlace);
            return;
        }

        // Split C into bands of whole tiles along one dimension. A band of rows packs all of B
        // and a band of columns all of A, so split the dimension that makes the smaller operand
        // the one packed again, as long as it has a tile for every thread.
        bool splitRows = problem.M >= problem.N ? rowUnits >= threads || rowUnits >= colUnits
                                                : colUnits < threads && rowUnits > colUnits;
        int units = splitRows ? rowUnits : colUnits;
        // A few chunks per thread rather than one: the caller starts on the first while the
        // pool wakes the others, and a worker that wakes late still finds work left.
        int chunks = Math.Min(units, threads * 3);
        var job = new Job<TK>(problem, splitRows, splitRows ? mr : nr, units, chunks, bInPlace);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, job.Body);
    }

    /// <summary>One parallel product: chunk <c>i</c> is a band of whole tiles of C.</summary>
    private sealed class Job<TK>(MatMulProblem<T> problem, bool splitRows, int unitSize, int units, int chunks, bool bInPlace)
        where TK : IMatMulMicroKernel<T>
    {
        /// <summary>Computes band <paramref name="chunk"/>.</summary>
        public void Body(int chunk)
        {
            int first = (int)((long)units * chunk / chunks) * unitSize;
            int last = (int)((long)units * (chunk + 1) / chunks) * unitSize;
            if (splitRows)
                MatMulBlocked<T, TK>.Run(problem, first, Math.Min(last, problem.M), 0, problem.N, bInPlace);
            else
                MatMulBlocked<T, TK>.Run(problem, 0, problem.M, first, Math.Min(last, problem.N), bInPlace);
        }
    }
}
