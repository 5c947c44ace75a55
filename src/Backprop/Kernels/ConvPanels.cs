using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Packs panels of a convolution's column matrix (<see cref="Im2Col"/>) straight into the
/// layout the matmul micro-kernels read, for <see cref="ConvGemm{T, TKernel}"/>: each row of the
/// column matrix goes through a buffer of one row (L1) on its way into the panels, so the
/// matrix itself is never written.
/// </summary>
/// <remarks>
/// <para>
/// <b>Source.</b> With stride 1 the image is first copied once into zero-padded planes
/// (<see cref="Pad"/>), so that the part of a row of the column matrix that lies in one
/// output row is a single copy, done in whole vectors (the row buffer and the padded planes
/// have a vector of slack); otherwise each row comes from <see cref="Im2Col.Row{T}"/>.
/// </para>
/// <para>
/// Panels are <c>depth × nr</c>, contiguous, one after another; the lines beyond the matrix's
/// edge are zero, as <see cref="MatMulPacking"/> pads them. Values are copied as they are
/// (NaN and infinity included); padding reads +0.
/// </para>
/// </remarks>
internal static unsafe class ConvPanels
{
    /// <summary>Elements of slack after the padded planes and after each row buffer: one 256-bit vector of bytes, the most a copy runs over.</summary>
    internal const int Slack = 32;

    /// <summary>Whether rows are copied from zero-padded planes: stride 1 and padding before ≥ 0.</summary>
    public static bool Pads(in ConvGeometry g) => g.StrideH == 1 && g.StrideW == 1 && g.PadTop >= 0 && g.PadLeft >= 0;

    /// <summary>The padded planes' height and width: every row and column any tap reads.</summary>
    public static (int Height, int Width) PaddedSize(in ConvGeometry g) =>
        (g.OutHeight + g.DilationH * (g.KernelH - 1), g.OutWidth + g.DilationW * (g.KernelW - 1));

    /// <summary>The elements a buffer for the padded planes of one image and group needs (slack included).</summary>
    public static int PaddedLength(in ConvGeometry g)
    {
        (int h, int w) = PaddedSize(g);
        return checked(g.GroupChannels * h * w + Slack);
    }

    /// <summary>Copies one image's group of planes into zero-padded planes (only when <see cref="Pads"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pad<T>(T* image, in ConvGeometry g, T* padded) where T : unmanaged
    {
        (int h, int w) = PaddedSize(g);
        // Only the border is cleared: the copied rows overwrite the rest.
        int rows = Math.Min(g.Height, h - g.PadTop), columns = Math.Min(g.Width, w - g.PadLeft);
        int right = w - g.PadLeft - columns;
        for (int c = 0; c < g.GroupChannels; c++)
        {
            T* plane = padded + (nint)c * h * w;
            new Span<T>(plane, g.PadTop * w + g.PadLeft).Clear();
            for (int r = 0; r < rows; r++)
            {
                T* line = plane + (nint)(g.PadTop + r) * w + g.PadLeft;
                new ReadOnlySpan<T>(image + ((nint)c * g.Height + r) * g.Width, columns).CopyTo(new Span<T>(line, columns));
                // The right padding of this row and the left padding of the next are adjacent.
                new Span<T>(line + columns, r + 1 < rows ? right + g.PadLeft : right).Clear();
            }
            new Span<T>(plane + (nint)(g.PadTop + rows) * w, (h - g.PadTop - rows) * w).Clear();
        }
        new Span<T>(padded + (nint)g.GroupChannels * h * w, Slack).Clear();
    }

    /// <summary>
    /// Row <paramref name="tap"/> (c, kh, kw) of the column matrix at output positions
    /// [<paramref name="first"/>, + <paramref name="count"/>) into <paramref name="dst"/>, which
    /// may be written up to <see cref="Slack"/> elements further.
    /// </summary>
    /// <param name="image">The group's planes of one image: zero-padded when <paramref name="padded"/>, else as they are.</param>
    /// <param name="padded">Whether <paramref name="image"/> holds the padded planes (<see cref="Pad"/>).</param>
    /// <param name="g">The convolution.</param>
    /// <param name="tap">The row of the column matrix.</param>
    /// <param name="first">The first output position.</param>
    /// <param name="count">How many positions.</param>
    /// <param name="dst">Where the row goes.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<T>(T* image, bool padded, in ConvGeometry g, int tap, int first, int count, T* dst) where T : unmanaged, INumber<T>
    {
        int kernel = g.KernelH * g.KernelW, c = tap / kernel, kh = tap % kernel / g.KernelW, kw = tap % g.KernelW;
        if (!padded)
        {
            Im2Col.Row(new ReadOnlySpan<T>(image + (nint)c * g.Plane, g.Plane), g, kh, kw, first, count, new Span<T>(dst, count));
            return;
        }
        (int h, int w) = PaddedSize(g);
        T* plane = image + (nint)c * h * w + kh * g.DilationH * w + kw * g.DilationW;
        int ow = g.OutWidth;
        for (int s = first, end = first + count; s < end;)
        {
            int oh = s / ow, ow0 = s - oh * ow, length = Math.Min(ow - ow0, end - s);
            CopyOver(plane + (nint)oh * w + ow0, dst, length);
            dst += length;
            s += length;
        }
    }

    /// <summary>Copies <paramref name="count"/> elements in whole 32-byte vectors: up to 31 bytes more are read and written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyOver<T>(T* src, T* dst, int count) where T : unmanaged
    {
        byte* s = (byte*)src, d = (byte*)dst;
        nint bytes = (nint)count * sizeof(T);
        for (nint i = 0; i < bytes; i += 32)
            Vector256.Load(s + i).Store(d + i);
    }

    /// <summary>
    /// The B panels of the forward pass: taps [<paramref name="firstTap"/>, + <paramref name="taps"/>)
    /// deep, output positions [<paramref name="first"/>, + <paramref name="count"/>) wide, in
    /// panels of <paramref name="nr"/> positions.
    /// </summary>
    /// <param name="image">The group's planes of one image: zero-padded when <paramref name="padded"/>.</param>
    /// <param name="padded">Whether <paramref name="image"/> holds the padded planes (<see cref="Pad"/>).</param>
    /// <param name="g">The convolution.</param>
    /// <param name="firstTap">The first row (c, kh, kw) of the column matrix.</param>
    /// <param name="taps">How many rows: the panels' depth.</param>
    /// <param name="first">The first output position.</param>
    /// <param name="count">How many output positions.</param>
    /// <param name="nr">The panel width.</param>
    /// <param name="row">A buffer of <paramref name="count"/> rounded up to <paramref name="nr"/>, plus <see cref="Slack"/>, elements.</param>
    /// <param name="panels">The packed panels: ceil(count / nr) of taps × nr.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPositions<T>(T* image, bool padded, in ConvGeometry g, int firstTap, int taps, int first, int count, int nr, T* row, T* panels)
        where T : unmanaged, INumber<T>
    {
        int width = (count + nr - 1) / nr * nr;
        nint panelSize = (nint)taps * nr;
        for (int p = 0; p < taps; p++)
        {
            Row(image, padded, g, firstTap + p, first, count, row);
            if (width > count) new Span<T>(row + count, width - count).Clear();
            T* d = panels + (nint)p * nr;
            for (int q = 0; q < width; q += nr, d += panelSize)
                MatMulPacking.CopyShort(row + q, d, nr);
        }
    }

    /// <summary>
    /// The B panels of the weight gradient (<c>cols(X)ᵀ</c>): output positions
    /// [<paramref name="first"/>, + <paramref name="count"/>) deep, every tap of the patch wide,
    /// in panels of <paramref name="nr"/> taps.
    /// </summary>
    /// <param name="image">The group's planes of one image: zero-padded when <paramref name="padded"/>.</param>
    /// <param name="padded">Whether <paramref name="image"/> holds the padded planes (<see cref="Pad"/>).</param>
    /// <param name="g">The convolution.</param>
    /// <param name="first">The first output position.</param>
    /// <param name="count">How many output positions: the panels' depth.</param>
    /// <param name="nr">The panel width.</param>
    /// <param name="rows">A buffer of <paramref name="nr"/> × <paramref name="count"/>, plus <see cref="Slack"/>, elements.</param>
    /// <param name="panels">The packed panels: ceil(patch / nr) of count × nr.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTaps<T>(T* image, bool padded, in ConvGeometry g, int first, int count, int nr, T* rows, T* panels)
        where T : unmanaged, INumber<T>
    {
        int k = g.PatchSize;
        for (int q = 0; q < k; q += nr, panels += (nint)count * nr)
        {
            int lines = Math.Min(nr, k - q);
            for (int t = 0; t < lines; t++)
                Row(image, padded, g, q + t, first, count, rows + (nint)t * count);
            MatMulPacking.Pack(rows, 1, count, count, lines, nr, panels);
        }
    }
    /// <summary>
    /// Whether <see cref="AddBack{T}"/> adds into zero-padded planes (<see cref="PaddedSize"/>):
    /// stride 1, and the padded planes cover the whole input, so that <see cref="Crop{T}"/> writes all of it.
    /// </summary>
    public static bool AddsPadded(in ConvGeometry g)
    {
        (int h, int w) = PaddedSize(g);
        return Pads(g) && h - g.PadTop >= g.Height && w - g.PadLeft >= g.Width;
    }

    /// <summary>
    /// col2im of a tile: adds row r (tap c, kh, kw) of <paramref name="tile"/>, at output
    /// positions [<paramref name="first"/>, + <paramref name="count"/>), where that tap read, row
    /// by row, each in position order (the order of <see cref="Col2Im"/>, so the same sums).
    /// </summary>
    /// <param name="tile">The column gradient: one row per tap, <paramref name="ldc"/> apart.</param>
    /// <param name="ldc">The distance between the tile's rows.</param>
    /// <param name="padded">Whether <paramref name="image"/> holds padded planes (<see cref="AddsPadded"/>), else the group's input-gradient planes.</param>
    /// <param name="g">The convolution.</param>
    /// <param name="first">The first output position.</param>
    /// <param name="count">How many positions.</param>
    /// <param name="image">Added into.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBack<T>(T* tile, int ldc, bool padded, in ConvGeometry g, int first, int count, T* image) where T : unmanaged, INumber<T>
    {
        int kernel = g.KernelH * g.KernelW, ow = g.OutWidth;
        (int h, int w) = PaddedSize(g);
        // The block's first output row and column, the same for every tap.
        int firstRow = first / ow, firstColumn = first - firstRow * ow;
        for (int r = 0; r < g.PatchSize; r++)
        {
            int c = r / kernel, kh = r % kernel / g.KernelW, kw = r % g.KernelW;
            T* source = tile + (nint)r * ldc;
            if (!padded)
            {
                Col2Im.AddRow(new ReadOnlySpan<T>(source, count), g, kh, kw, first, count, new Span<T>(image + (nint)c * g.Plane, g.Plane));
                continue;
            }
            T* row = image + (nint)c * h * w + kh * g.DilationH * w + kw * g.DilationW + (nint)firstRow * w;
            for (int left = count, column = firstColumn; left > 0; row += w, column = 0)
            {
                int length = Math.Min(ow - column, left);
                AddTo(source, row + column, length);
                source += length;
                left -= length;
            }
        }
    }

    /// <summary><c>dst[i] += src[i]</c> for i &lt; count, in 256-bit vectors, then one 128-bit vector, then one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<T>(T* src, T* dst, int count) where T : unmanaged, INumber<T>
    {
        int i = 0, v = Vector256<T>.Count;
        for (; i + v <= count; i += v)
            (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
        if (i + Vector128<T>.Count <= count)
        {
            (Vector128.Load(dst + i) + Vector128.Load(src + i)).Store(dst + i);
            i += Vector128<T>.Count;
        }
        for (; i < count; i++)
            dst[i] += src[i];
    }

    /// <summary>Copies the input's part of the padded planes (<see cref="AddsPadded"/>) into <paramref name="image"/>, every element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Crop<T>(T* padded, in ConvGeometry g, T* image) where T : unmanaged
    {
        (int h, int w) = PaddedSize(g);
        for (int c = 0; c < g.GroupChannels; c++)
            for (int r = 0; r < g.Height; r++)
                new ReadOnlySpan<T>(padded + ((nint)c * h + g.PadTop + r) * w + g.PadLeft, g.Width)
                    .CopyTo(new Span<T>(image + ((nint)c * g.Height + r) * g.Width, g.Width));
    }
}
