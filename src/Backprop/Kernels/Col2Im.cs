using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// col2im, the adjoint of <see cref="Im2Col"/>: adds each entry of a tile of the column matrix
/// back into the input position it was read from, so that the gradient of the input of a
/// convolution is <c>col2im(Wᵀ·G)</c>. Taps that read padding are dropped.
/// </summary>
/// <remarks>
/// <para>
/// <b>Order.</b> Within a tile, entries are added row by row (c, kh, kw), then by output
/// position; tiles are added in order. The sums into each input element, and so the bits,
/// depend on the tile size (which the geometry fixes) and never on the thread.
/// </para>
/// <para>
/// <b>Paths.</b> With stride 1 a run of a row is one vector addition (<see cref="TensorPrimitives.Add{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>);
/// otherwise a strided scalar loop. <b>Values:</b> IEEE addition (NaN and infinity propagate,
/// ∞ + -∞ is NaN). <b>Empty</b> tiles add nothing. The image is added into, never cleared.
/// </para>
/// </remarks>
internal static class Col2Im
{
    /// <summary>Adds columns [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of the column matrix into <paramref name="image"/>.</summary>
    /// <param name="columns">The tile, [(C/G)·KH·KW, count] row-major.</param>
    /// <param name="geometry">The convolution.</param>
    /// <param name="first">The first output position (column) of the tile.</param>
    /// <param name="count">How many columns.</param>
    /// <param name="image">The group's input gradient for one image: (C/G) planes of H·W, added into.</param>
    public static void Add<T>(ReadOnlySpan<T> columns, in ConvGeometry geometry, int first, int count, Span<T> image)
        where T : unmanaged, INumber<T>
    {
        ConvGeometry g = geometry;
        int row = 0;
        for (int c = 0; c < g.GroupChannels; c++)
        {
            Span<T> plane = image.Slice(c * g.Plane, g.Plane);
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++, row++)
                    AddRow(columns.Slice(row * count, count), g, kh, kw, first, count, plane);
        }
    }

    /// <summary>Adds one row of the column matrix, tap (<paramref name="kh"/>, <paramref name="kw"/>) at output positions [<paramref name="first"/>, + <paramref name="count"/>), into one input <paramref name="plane"/>.</summary>
    public static void AddRow<T>(ReadOnlySpan<T> source, in ConvGeometry geometry, int kh, int kw, int first, int count, Span<T> plane)
        where T : unmanaged, INumber<T>
    {
        ConvGeometry g = geometry;
        int rowOffset = kh * g.DilationH - g.PadTop, colOffset = kw * g.DilationW - g.PadLeft;
        (int validFrom, int validTo) = Im2Col.ValidOutputColumns(colOffset, g.StrideW, g.Width, g.OutWidth);
        for (int s = first, end = first + count; s < end;)
        {
            int oh = s / g.OutWidth, ow0 = s - oh * g.OutWidth;
            int ow1 = Math.Min(g.OutWidth, ow0 + (end - s));
            int ih = oh * g.StrideH + rowOffset;
            if ((uint)ih < (uint)g.Height)
            {
                int lo = Math.Clamp(validFrom, ow0, ow1), hi = Math.Clamp(validTo, lo, ow1);
                ReadOnlySpan<T> inside = source.Slice(s - first + (lo - ow0), hi - lo);
                int to = ih * g.Width + lo * g.StrideW + colOffset;
                if (g.StrideW == 1)
                {
                    Span<T> target = plane.Slice(to, inside.Length);
                    TensorPrimitives.Add(target, inside, target);
                }
                else
                {
                    for (int j = 0; j < inside.Length; j++, to += g.StrideW) plane[to] += inside[j];
                }
            }
            s += ow1 - ow0;
        }
    }
}
