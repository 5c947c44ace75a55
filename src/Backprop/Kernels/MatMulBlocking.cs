namespace Backprop.Kernels;

/// <summary>
/// Block sizes of the packed matmul, in elements, chosen on an AMD Zen 4 (32 KiB L1d, 1 MiB L2
/// per core) and sensible for any core with similar caches.
/// </summary>
/// <remarks>
/// The loop order is that of <see cref="MatMulBlocked{T, TKernel}"/>: an MR × KC micro-panel
/// of packed A stays in L1 while the micro-kernel sweeps the NR-wide panels of a KC × NC block
/// of packed B (L2/L3). A large KC halves the passes over C (each pass loads and stores every
/// tile once); MC only bounds the packed-A buffer, since each A micro-panel is used for the
/// whole block of B before the next is touched. The values never change the result: every element
/// is one fused multiply-add chain however the loops are cut.
/// </remarks>
internal static class MatMulBlocking
{
    /// <summary>KC for <see cref="float"/>: the depth of a packed panel (a 12 × 512 micro-panel of A is 24 KiB).</summary>
    public const int DepthSingle = 512;

    /// <summary>MC for <see cref="float"/>: rows of A packed at once (rounded up to a multiple of MR).</summary>
    public const int RowsSingle = 192;

    /// <summary>NC for <see cref="float"/>: columns of B packed at once (rounded up to a multiple of NR); a 512 × 1024 block is 2 MiB.</summary>
    public const int ColumnsSingle = 1024;

    /// <summary>KC for <see cref="double"/> (a 12 × 256 micro-panel of A is 24 KiB).</summary>
    public const int DepthDouble = 256;

    /// <summary>MC for <see cref="double"/>.</summary>
    public const int RowsDouble = 96;

    /// <summary>NC for <see cref="double"/>.</summary>
    public const int ColumnsDouble = 1024;
}
