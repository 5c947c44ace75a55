namespace Backprop.Kernels;

/// <summary>
/// One multiplication <c>C (+)= A·B</c> on pinned memory, as the matmul drivers see it:
/// A is m × k at <c>A[i·ARowStride + p·AColStride]</c>, B is k × n at
/// <c>B[p·BRowStride + j·BColStride]</c>, C is m × n row-major with rows <see cref="Ldc"/> apart.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly unsafe struct MatMulProblem<T> where T : unmanaged
{
    /// <summary>Creates a problem description; the pointers must stay valid while it is used.</summary>
    public MatMulProblem(T* a, nint aRowStride, nint aColStride, T* b, nint bRowStride, nint bColStride,
                         T* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        A = a; ARowStride = aRowStride; AColStride = aColStride;
        B = b; BRowStride = bRowStride; BColStride = bColStride;
        C = c; Ldc = ldc; M = m; N = n; K = k; Accumulate = accumulate;
    }

    /// <summary>Element (0, 0) of A.</summary>
    public T* A { get; }

    /// <summary>The distance between rows of A (consecutive i).</summary>
    public nint ARowStride { get; }

    /// <summary>The distance between columns of A (consecutive p).</summary>
    public nint AColStride { get; }

    /// <summary>Element (0, 0) of B.</summary>
    public T* B { get; }

    /// <summary>The distance between rows of B (consecutive p).</summary>
    public nint BRowStride { get; }

    /// <summary>The distance between columns of B (consecutive j).</summary>
    public nint BColStride { get; }

    /// <summary>Element (0, 0) of C.</summary>
    public T* C { get; }

    /// <summary>The distance between rows of C.</summary>
    public nint Ldc { get; }

    /// <summary>Rows of A and C.</summary>
    public int M { get; }

    /// <summary>Columns of B and C.</summary>
    public int N { get; }

    /// <summary>Columns of A, rows of B (the summed dimension).</summary>
    public int K { get; }

    /// <summary>Add to C instead of overwriting it.</summary>
    public bool Accumulate { get; }
}
