using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// im2col: lays out the input patches of one image and one group of a convolution as the
/// columns of a matrix, so that the convolution becomes a matrix product with the weight
/// (<c>Y = W·cols</c>). Row <c>(c, kh, kw)</c> of the matrix holds, for each output position,
/// the input value that kernel tap reads there; column <c>s</c> is output position s.
/// </summary>
/// <remarks>
/// <para>
/// <b>Tiles.</b> Only the columns [<c>first</c>, <c>first + count</c>) of the matrix are written,
/// so callers bound the buffer by tiling the output positions instead of materialising the whole
/// [(C/G)·KH·KW, OH·OW] matrix for large images.
/// </para>
/// <para>
/// <b>Paths.</b> For each row the output positions split into runs along an output row; each
/// run is zero where the tap falls into the padding and a copy of the input row where it does
/// not: a block copy (vectorised by the runtime) when the stride is 1, a strided gather
/// otherwise.
/// </para>
/// <para>
/// <b>Values.</b> Pure copies: NaN and infinity are copied as they are; padding reads +0.
/// <b>Empty</b> tiles (count 0) write nothing. Lengths are not checked beyond the spans' own
/// bounds: a too-short span throws <see cref="ArgumentOutOfRangeException"/> from slicing.
/// </para>
/// </remarks>
internal static class Im2Col
{
    /// <summary>Writes columns [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of the column matrix.</summary>
    /// <param name="image">The group's input channels of one image: (C/G) planes of H·W, contiguous.</param>
    /// <param name="geometry">The convolution.</param>
    /// <param name="first">The first output position (column).</param>
    /// <param name="count">How many columns; the buffer's rows are this long.</param>
    /// <param name="columns">The tile, [(C/G)·KH·KW, count] row-major.</param>
    public static void Pack<T>(ReadOnlySpan<T> image, in ConvGeometry geometry, int first, int count, Span<T> columns)
        where T : unmanaged, INumber<T>
    {
        ConvGeometry g = geometry;
        int row = 0;
        for (int c = 0; c < g.GroupChannels; c++)
        {
            ReadOnlySpan<T> plane = image.Slice(c * g.Plane, g.Plane);
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++, row++)
                    Row(plane, g, kh, kw, first, count, columns.Slice(row * count, count));
        }
    }

    /// <summary>
    /// Writes one row of the column matrix: what tap (<paramref name="kh"/>, <paramref name="kw"/>)
    /// of one input <paramref name="plane"/> reads at output positions [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).
    /// </summary>
    public static void Row<T>(ReadOnlySpan<T> plane, in ConvGeometry geometry, int kh, int kw, int first, int count, Span<T> target)
        where T : unmanaged, INumber<T>
    {
        ConvGeometry g = geometry;
        int rowOffset = kh * g.DilationH - g.PadTop, colOffset = kw * g.DilationW - g.PadLeft;
        (int validFrom, int validTo) = ValidOutputColumns(colOffset, g.StrideW, g.Width, g.OutWidth);
        for (int s = first, end = first + count; s < end;)
        {
            // One run: the rest of output row oh that lies in the tile.
            int oh = s / g.OutWidth, ow0 = s - oh * g.OutWidth;
            int ow1 = Math.Min(g.OutWidth, ow0 + (end - s));
            Span<T> run = target.Slice(s - first, ow1 - ow0);
            int ih = oh * g.StrideH + rowOffset;
            if ((uint)ih >= (uint)g.Height)
            {
                run.Clear();
            }
            else
            {
                int lo = Math.Clamp(validFrom, ow0, ow1), hi = Math.Clamp(validTo, lo, ow1);
                run[..(lo - ow0)].Clear();
                run[(hi - ow0)..].Clear();
                int from = ih * g.Width + lo * g.StrideW + colOffset;
                Span<T> inside = run[(lo - ow0)..(hi - ow0)];
                if (g.StrideW == 1) plane.Slice(from, inside.Length).CopyTo(inside);
                else for (int j = 0; j < inside.Length; j++, from += g.StrideW) inside[j] = plane[from];
            }
            s += ow1 - ow0;
        }
    }

    /// <summary>
    /// The output columns [from, to) whose tap, at input column <c>ow·stride + offset</c>, lies
    /// inside [0, width): the rest read padding.
    /// </summary>
    internal static (int From, int To) ValidOutputColumns(int offset, int stride, int width, int outWidth)
    {
        int from = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int to = width - 1 - offset < 0 ? 0 : (width - 1 - offset) / stride + 1;
        return (Math.Min(from, outWidth), Math.Clamp(to, Math.Min(from, outWidth), outWidth));
    }
}
