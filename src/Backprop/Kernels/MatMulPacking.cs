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
        for (int q0 = 0; q0 < width; q0 += panelWidth)
        {
            int lines = Math.Min(panelWidth, width - q0);
            T* s = src + q0 * lineStride;
            if (lines == panelWidth && lineStride == 1)
            {
                // Lines adjacent in memory (rows of B, or columns of a column-major A): copy rows.
                for (int p = 0; p < depth; p++)
                    CopyShort(s + p * depthStride, dst + p * pw, panelWidth);
            }
            else if (depthStride == 1)
            {
                // Each line contiguous along k (rows of a row-major A, columns of a transposed B):
                // read each line in order, write it down one column of the panel.
                for (nint t = 0; t < lines; t++)
                {
                    T* line = s + t * lineStride;
                    T* d = dst + t;
                    int p = 0;
                    for (; p + 4 <= depth; p += 4)
                    {
                        d[0] = line[p];
                        d[pw] = line[p + 1];
                        d[2 * pw] = line[p + 2];
                        d[3 * pw] = line[p + 3];
                        d += 4 * pw;
                    }
                    for (; p < depth; p++, d += pw)
                        *d = line[p];
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
            dst += pw * depth;
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
