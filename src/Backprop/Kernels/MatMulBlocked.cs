using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// The GotoBLAS/BLIS loop nest around a micro-kernel: for each NC-wide column block of C and
/// each KC-deep slice of k, pack the B block into NR-wide panels (or, for few rows, read them in
/// place); for each MC-high row block, pack the A block into MR-high panels; then, for each A
/// micro-panel (held in L1), run the micro-kernel against every B panel (streamed from L2/L3).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TKernel">The micro-kernel.</typeparam>
/// <remarks>
/// The first k slice starts each element from zero (or from C when accumulating), every later
/// slice from the value the previous one left in C, so an element is one fused multiply-add
/// chain over p = 0 … k-1 whatever the block sizes and whichever part of C a call covers.
/// Edge tiles (m or n not a multiple of MR or NR) run the same kernel on zero-padded panels
/// into a scratch tile, of which only the valid part is copied to C.
/// </remarks>
internal static unsafe class MatMulBlocked<T, TKernel>
    where T : unmanaged
    where TKernel : IMatMulMicroKernel<T>
{
    /// <summary>
    /// Computes rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) × columns
    /// [<paramref name="colStart"/>, <paramref name="colEnd"/>) of C on the calling thread. Requires k ≥ 1.
    /// </summary>
    /// <param name="problem">The product.</param>
    /// <param name="rowStart">The first row of C to compute.</param>
    /// <param name="rowEnd">One past the last row.</param>
    /// <param name="colStart">The first column of C to compute.</param>
    /// <param name="colEnd">One past the last column.</param>
    /// <param name="bInPlace">
    /// Read whole NR-wide panels of B where they lie instead of packing them (only the last,
    /// partial panel is packed). Requires B's columns to be adjacent (BColStride = 1); pays off
    /// when few rows of A share each panel, so that packing would cost as much as using it.
    /// </param>
    public static void Run(in MatMulProblem<T> problem, int rowStart, int rowEnd, int colStart, int colEnd, bool bInPlace)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        bool single = typeof(T) == typeof(float);
        int kcMax = single ? MatMulBlocking.DepthSingle : MatMulBlocking.DepthDouble;
        int mcMax = RoundUp(single ? MatMulBlocking.RowsSingle : MatMulBlocking.RowsDouble, mr);
        int ncMax = RoundUp(single ? MatMulBlocking.ColumnsSingle : MatMulBlocking.ColumnsDouble, nr);

        int k = problem.K;
        int kcUsed = Math.Min(kcMax, k);
        int mcUsed = Math.Min(mcMax, RoundUp(rowEnd - rowStart, mr));
        int ncUsed = bInPlace ? nr : Math.Min(ncMax, RoundUp(colEnd - colStart, nr));
        T* packedA = MatMulBuffers.PackedA<T>((nint)mcUsed * kcUsed);
        T* packedB = MatMulBuffers.PackedB<T>((nint)ncUsed * kcUsed);
        T* tile = MatMulBuffers.Tile<T>(mr * nr);

        nint ars = problem.ARowStride, acs = problem.AColStride;
        nint brs = problem.BRowStride, bcs = problem.BColStride;
        nint ldc = problem.Ldc;

        for (int jc = colStart; jc < colEnd; jc += ncMax)
        {
            int nc = Math.Min(ncMax, colEnd - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool load = problem.Accumulate || pc > 0;
                T* bBlock = problem.B + pc * brs + jc * bcs;
                PanelsOfB panels;
                if (bInPlace)
                {
                    int whole = nc / nr * nr;
                    if (whole < nc)
                        MatMulPacking.Pack(bBlock + whole, brs, 1, kc, nc - whole, nr, packedB);
                    panels = new PanelsOfB(bBlock, nr, brs, whole, packedB);
                }
                else
                {
                    MatMulPacking.Pack(bBlock, brs, bcs, kc, nc, nr, packedB);
                    panels = new PanelsOfB(packedB, (nint)kc * nr, nr, nc, null);
                }

                for (int ic = rowStart; ic < rowEnd; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, rowEnd - ic);
                    MatMulPacking.Pack(problem.A + ic * ars + pc * acs, acs, ars, kc, mc, mr, packedA);
                    Macro(mc, nc, kc, packedA, panels, problem.C + ic * ldc + jc, ldc, load, tile);
                }
            }
        }
    }

    /// <summary>Where the NR-wide panels of the current kc × nc block of B are.</summary>
    private readonly struct PanelsOfB(T* first, nint panelStep, nint rowStride, int width, T* tail)
    {
        /// <summary>The first panel.</summary>
        public T* First { get; } = first;

        /// <summary>The distance between consecutive panels.</summary>
        public nint PanelStep { get; } = panelStep;

        /// <summary>The distance between consecutive p within a panel.</summary>
        public nint RowStride { get; } = rowStride;

        /// <summary>Columns [0, Width) are read from the panels at <see cref="First"/>.</summary>
        public int Width { get; } = width;

        /// <summary>When B is read in place: the packed, zero-padded panel of the columns from <see cref="Width"/> on.</summary>
        public T* Tail { get; } = tail;
    }

    /// <summary>Runs the micro-kernel over every tile of one mc × nc block.</summary>
    private static void Macro(int mc, int nc, int kc, T* packedA, in PanelsOfB panels, T* c, nint ldc, bool load, T* tile)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int mrValid = Math.Min(mr, mc - ir);
            T* a = packedA + (nint)ir * kc;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int nrValid = Math.Min(nr, nc - jr);
                bool main = jr < panels.Width;
                T* b = main ? panels.First + jr / nr * panels.PanelStep : panels.Tail;
                nint bStride = main ? panels.RowStride : nr;
                T* ct = c + ir * ldc + jr;
                if (jr + nr < nc)
                    PrefetchTile(ct + nr, ldc, mrValid, Math.Min(nr, nc - jr - nr));
                else if (ir + mr < mc)
                    PrefetchTile(c + (ir + mr) * ldc, ldc, Math.Min(mr, mc - ir - mr), Math.Min(nr, nc));
                if (mrValid == mr && nrValid == nr)
                    TKernel.Run(kc, a, b, bStride, ct, ldc, load);
                else if (nrValid != nr || !TKernel.RunRows(kc, a, b, bStride, ct, ldc, load, mrValid)) // a block's last rows go straight into C where the kernel can
                    Edge(kc, a, b, bStride, ct, ldc, load, tile, mrValid, nrValid);
            }
        }
    }

    /// <summary>A partial tile: computed whole in the scratch tile, only its valid part copied to C.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Edge(int kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load, T* tile, int rows, int cols)
    {
        int nr = TKernel.Columns;
        if (load)
        {
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<T>(c + r * ldc, cols).CopyTo(new Span<T>(tile + r * nr, cols));
        }
        TKernel.Run(kc, a, b, bStride, tile, nr, load);
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<T>(tile + r * nr, cols).CopyTo(new Span<T>(c + r * ldc, cols));
    }

    /// <summary>
    /// Asks for the C tile the next micro-kernel call starts from, so that its loads do not
    /// stall the first fused multiply-adds (the tile is read before the sum, not after).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(T* c, nint ldc, int rows, int cols)
    {
        if (!Sse.IsSupported)
            return;
        nint bytes = (nint)cols * sizeof(T);
        for (int r = 0; r < rows; r++)
        {
            byte* row = (byte*)(c + r * ldc);
            for (nint offset = 0; offset < bytes; offset += 64)
                Sse.Prefetch0(row + offset);
            Sse.Prefetch0(row + bytes - 1);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
