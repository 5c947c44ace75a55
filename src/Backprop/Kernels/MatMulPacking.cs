using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Packs a block of a strided matrix into the panel layout the micro-kernels read: consecutive
/// panels of <c>panelWidth</c> interleaved lines, each panel <c>depth × panelWidth</c> contiguous.
/// </summary>
/// <remarks>
/// Packing A (rows interleaved, MR at a time) and packing B (columns interleaved, NR at a time)
/// are the same operation with the strides swapped: a panel line is a row of A or a column of
/// B, and the depth runs along k. The last panel is padded with zeros to the full width, so the
/// micro-kernel always computes a full tile; only its valid part is written back.
/// </remarks>
internal static unsafe class MatMulPacking
{
    /// <summary>
    /// Writes <c>dst[q·depth·panelWidth + p·panelWidth + t] = src[p·depthStride + (q·panelWidth + t)·lineStride]</c>
    /// for every line <c>q·panelWidth + t &lt; width</c>, and zero for the padding lines.
    /// </summary>
    /// <param name="src">Element (p = 0, line 0) of the block.</param>
    /// <param name="depthStride">The distance between consecutive p (along k).</param>
    /// <param name="lineStride">The distance between consecutive lines (rows of A, columns of B).</param>
    /// <param name="depth">kc, the length of each line.</param>
    /// <param name="width">The number of lines (mc or nc).</param>
    /// <param name="panelWidth">MR or NR.</param>
    /// <param name="dst">The packed buffer, at least <c>ceil(width / panelWidth)·panelWidth·depth</c> elements.</param>
    public static void Pack<T>(T* src, nint depthStride, nint lineStride, int depth, int width, int panelWidth, T* dst)
        where T : unmanaged
    {
        nint pw = panelWidth;
        nint panelSize = pw * depth;
        int q0 = 0;
        if (lineStride == 1)
        {
            // Lines adjacent in memory (rows of B, or columns of a column-major A): walk the
            // source a few whole rows at a time, in order, dealing each row's runs to the panels.
            int whole = width / panelWidth * panelWidth;
            for (int p0 = 0; p0 < depth; p0 += 4)
            {
                int rows = Math.Min(4, depth - p0);
                T* d = dst + p0 * pw;
                for (int q = 0; q < whole; q += panelWidth, d += panelSize)
                {
                    T* sq = src + p0 * depthStride + q;
                    for (int p = 0; p < rows; p++)
                        CopyShort(sq + p * depthStride, d + p * pw, panelWidth);
                }
            }
            q0 = whole;
            dst += whole / panelWidth * panelSize;
        }

        for (; q0 < width; q0 += panelWidth, dst += panelSize)
        {
            int lines = Math.Min(panelWidth, width - q0);
            T* s = src + q0 * lineStride;
            if (depthStride == 1)
            {
                // Each line contiguous along k (rows of a row-major A, columns of a transposed B):
                // walk all lines together, a cache line of each at a time, so that their misses
                // overlap, and write each p's values out contiguously.
                int p0 = 0;
                for (; p0 + 8 <= depth; p0 += 8)
                {
                    T* d = dst + p0 * pw;
                    for (nint t = 0; t < lines; t++)
                    {
                        T* line = s + t * lineStride + p0;
                        d[t] = line[0];
                        d[pw + t] = line[1];
                        d[2 * pw + t] = line[2];
                        d[3 * pw + t] = line[3];
                        d[4 * pw + t] = line[4];
                        d[5 * pw + t] = line[5];
                        d[6 * pw + t] = line[6];
                        d[7 * pw + t] = line[7];
                    }
                }
                for (; p0 < depth; p0++)
                {
                    T* d = dst + p0 * pw;
                    for (nint t = 0; t < lines; t++)
                        d[t] = s[t * lineStride + p0];
                }
                if (lines < panelWidth)
                    ZeroPadding(dst, depth, lines, panelWidth);
            }
            else
            {
                for (int p = 0; p < depth; p++)
                {
                    T* sp = s + p * depthStride;
                    T* d = dst + p * pw;
                    for (nint t = 0; t < lines; t++)
                        d[t] = sp[t * lineStride];
                    for (nint t = lines; t < pw; t++)
                        d[t] = default;
                }
            }
        }
    }

    private static void ZeroPadding<T>(T* panel, int depth, int lines, int panelWidth) where T : unmanaged
    {
        for (int p = 0; p < depth; p++)
        {
            T* d = panel + (nint)p * panelWidth;
            for (int t = lines; t < panelWidth; t++)
                d[t] = default;
        }
    }

    /// <summary>Copies a short run of elements (a panel row: up to a few cache lines).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort<T>(T* src, T* dst, int count) where T : unmanaged
    {
        byte* s = (byte*)src;
        byte* d = (byte*)dst;
        nint bytes = (nint)count * sizeof(T);
        nint i = 0;
        for (; i + 32 <= bytes; i += 32)
            Vector256.Load(s + i).Store(d + i);
        for (; i < bytes; i += sizeof(T))
            *(T*)(d + i) = *(T*)(s + i);
    }
}
