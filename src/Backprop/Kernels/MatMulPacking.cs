using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
                // Each line contiguous along k (rows of a row-major A, columns of a transposed B).
                TransposeLines(s, lineStride, lines, depth, dst, pw);
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

    /// <summary>
    /// Writes <c>dst[p·pw + t] = src[t·lineStride + p]</c> for t &lt; lines, p &lt; depth: a
    /// transpose, done in 8 × 8 (float) or 4 × 4 (double) register blocks where AVX allows.
    /// </summary>
    /// <remarks>
    /// It walks eight (or four) lines at a time along the whole depth: few enough streams for
    /// the hardware prefetchers to follow even when the lines are a power of two apart.
    /// </remarks>
    private static void TransposeLines<T>(T* src, nint lineStride, int lines, int depth, T* dst, nint pw) where T : unmanaged
    {
        int t = 0;
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            for (; t + 8 <= lines; t += 8)
            {
                float* s = (float*)(src + t * lineStride);
                float* d = (float*)(dst + t);
                int p = 0;
                for (; p + 8 <= depth; p += 8)
                    Transpose8x8(s + p, lineStride, d + p * pw, pw);
                TransposeTail(s, lineStride, 8, p, depth, d, pw);
            }
        }
        if (Avx.IsSupported && typeof(T) == typeof(float) && lines - t >= 5)
        {
            // Five to seven lines (the AVX2 kernel's panels of A are six rows): one 8 × 8
            // transpose with zeros for the missing lines, each row stored as wide as the lines.
            // Before, four lines went through 4 × 4 blocks and the rest element by element.
            int rest = lines - t;
            float* s = (float*)(src + t * lineStride);
            float* d = (float*)(dst + t);
            int p = 0;
            for (; p + 8 <= depth; p += 8)
                TransposeNarrow(s + p, lineStride, rest, d + p * pw, pw);
            TransposeTail(s, lineStride, rest, p, depth, d, pw);
            t = lines;
        }
        if (Avx.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            for (; t + 4 <= lines; t += 4)
            {
                T* s = src + t * lineStride;
                T* d = dst + t;
                int p = 0;
                for (; p + 4 <= depth; p += 4)
                {
                    if (typeof(T) == typeof(float))
                        Transpose4x4((float*)(s + p), lineStride, (float*)(d + p * pw), pw);
                    else
                        Transpose4x4((double*)(s + p), lineStride, (double*)(d + p * pw), pw);
                }
                TransposeTail(s, lineStride, 4, p, depth, d, pw);
            }
        }
        for (; t < lines; t++)
        {
            T* line = src + t * lineStride;
            T* d = dst + t;
            for (int p = 0; p < depth; p++)
                d[p * pw] = line[p];
        }
    }

    /// <summary>
    /// The depths from <paramref name="from"/> on that a register block does not cover, one
    /// element at a time: <c>d[p·pw + q] = s[q·lineStride + p]</c> for q &lt; <paramref name="lines"/>.
    /// </summary>
    private static void TransposeTail<T>(T* s, nint lineStride, int lines, int from, int depth, T* d, nint pw) where T : unmanaged
    {
        for (int p = from; p < depth; p++)
        {
            for (int q = 0; q < lines; q++)
                d[p * pw + q] = s[q * lineStride + p];
        }
    }

    /// <summary><c>dst[q·pw + t] = src[t·ls + q]</c> for t, q &lt; 8 (AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* src, nint ls, float* dst, nint pw)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ls);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ls), r3 = Avx.LoadVector256(src + 3 * ls);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ls), r5 = Avx.LoadVector256(src + 5 * ls);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ls), r7 = Avx.LoadVector256(src + 7 * ls);
        Interleave(r0, r1, r2, r3, r4, r5, r6, r7,
                   out Vector256<float> u0, out Vector256<float> u1, out Vector256<float> u2, out Vector256<float> u3,
                   out Vector256<float> u4, out Vector256<float> u5, out Vector256<float> u6, out Vector256<float> u7);

        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + pw, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * pw, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * pw, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * pw, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * pw, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * pw, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * pw, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// The first two steps of an 8 × 8 transpose of the lines <paramref name="r0"/>…<paramref name="r7"/>:
    /// <paramref name="u0"/>…<paramref name="u3"/> hold lines 0–3 and <paramref name="u4"/>…<paramref name="u7"/>
    /// lines 4–7; uk and uk+4 hold depth k in their lower halves and depth k + 4 in their upper halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
                                   Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
                                   out Vector256<float> u0, out Vector256<float> u1, out Vector256<float> u2, out Vector256<float> u3,
                                   out Vector256<float> u4, out Vector256<float> u5, out Vector256<float> u6, out Vector256<float> u7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        u0 = Avx.Shuffle(t0, t2, 0x44);
        u1 = Avx.Shuffle(t0, t2, 0xEE);
        u2 = Avx.Shuffle(t1, t3, 0x44);
        u3 = Avx.Shuffle(t1, t3, 0xEE);
        u4 = Avx.Shuffle(t4, t6, 0x44);
        u5 = Avx.Shuffle(t4, t6, 0xEE);
        u6 = Avx.Shuffle(t5, t7, 0x44);
        u7 = Avx.Shuffle(t5, t7, 0xEE);
    }

    /// <summary>
    /// <c>dst[q·pw + t] = src[t·ls + q]</c> for q &lt; 8 and t &lt; <paramref name="lines"/>
    /// (5 to 7): <see cref="Transpose8x8"/> with zeros for the missing lines, each of the eight
    /// rows written <paramref name="lines"/> wide, so that nothing beyond them is touched (AVX).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeNarrow(float* src, nint ls, int lines, float* dst, nint pw)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ls);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ls), r3 = Avx.LoadVector256(src + 3 * ls);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ls);
        Vector256<float> r5 = lines > 5 ? Avx.LoadVector256(src + 5 * ls) : Vector256<float>.Zero;
        Vector256<float> r6 = lines > 6 ? Avx.LoadVector256(src + 6 * ls) : Vector256<float>.Zero;
        Interleave(r0, r1, r2, r3, r4, r5, r6, Vector256<float>.Zero,
                   out Vector256<float> u0, out Vector256<float> u1, out Vector256<float> u2, out Vector256<float> u3,
                   out Vector256<float> u4, out Vector256<float> u5, out Vector256<float> u6, out Vector256<float> u7);

        StoreNarrow(dst, u0.GetLower(), u4.GetLower(), lines);
        StoreNarrow(dst + pw, u1.GetLower(), u5.GetLower(), lines);
        StoreNarrow(dst + 2 * pw, u2.GetLower(), u6.GetLower(), lines);
        StoreNarrow(dst + 3 * pw, u3.GetLower(), u7.GetLower(), lines);
        StoreNarrow(dst + 4 * pw, u0.GetUpper(), u4.GetUpper(), lines);
        StoreNarrow(dst + 5 * pw, u1.GetUpper(), u5.GetUpper(), lines);
        StoreNarrow(dst + 6 * pw, u2.GetUpper(), u6.GetUpper(), lines);
        StoreNarrow(dst + 7 * pw, u3.GetUpper(), u7.GetUpper(), lines);
    }

    /// <summary>Writes the four floats of <paramref name="first"/> and the first <paramref name="lines"/> − 4 (1 to 3) of <paramref name="rest"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreNarrow(float* dst, Vector128<float> first, Vector128<float> rest, int lines)
    {
        Sse.Store(dst, first);
        if (lines == 5)
        {
            Sse.StoreScalar(dst + 4, rest);
            return;
        }
        Sse2.StoreLow((double*)(dst + 4), rest.AsDouble());
        if (lines == 7) dst[6] = rest.GetElement(2);
    }

    /// <summary><c>dst[q·pw + t] = src[t·ls + q]</c> for t, q &lt; 4 (SSE).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* src, nint ls, float* dst, nint pw)
    {
        Vector128<float> r0 = Sse.LoadVector128(src), r1 = Sse.LoadVector128(src + ls);
        Vector128<float> r2 = Sse.LoadVector128(src + 2 * ls), r3 = Sse.LoadVector128(src + 3 * ls);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1);
        Vector128<float> t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(dst, Sse.MoveLowToHigh(t0, t2));
        Sse.Store(dst + pw, Sse.MoveHighToLow(t2, t0));
        Sse.Store(dst + 2 * pw, Sse.MoveLowToHigh(t1, t3));
        Sse.Store(dst + 3 * pw, Sse.MoveHighToLow(t3, t1));
    }

    /// <summary><c>dst[q·pw + t] = src[t·ls + q]</c> for t, q &lt; 4 (AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* src, nint ls, double* dst, nint pw)
    {
        Vector256<double> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ls);
        Vector256<double> r2 = Avx.LoadVector256(src + 2 * ls), r3 = Avx.LoadVector256(src + 3 * ls);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + pw, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * pw, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * pw, Avx.Permute2x128(t1, t3, 0x31));
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
    /// <remarks>
    /// The run's end is copied by one more vector that overlaps what came before (the two
    /// buffers never overlap each other): a panel row of A is six floats, 24 bytes, which went
    /// element by element and made packing A from a column-major operand (a weight gradient's
    /// Gᵀ) four times as slow per element as any other packing (1.08 ns against 0.23–0.28).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyShort<T>(T* src, T* dst, int count) where T : unmanaged
    {
        byte* s = (byte*)src;
        byte* d = (byte*)dst;
        nint bytes = (nint)count * sizeof(T);
        if (bytes >= 32)
        {
            nint i = 0;
            for (; i + 32 <= bytes; i += 32)
                Vector256.Load(s + i).Store(d + i);
            if (i < bytes)
                Vector256.Load(s + bytes - 32).Store(d + bytes - 32);
        }
        else if (bytes >= 16)
        {
            Vector128.Load(s).Store(d);
            Vector128.Load(s + bytes - 16).Store(d + bytes - 16);
        }
        else if (bytes >= 8)
        {
            *(ulong*)d = *(ulong*)s;
            *(ulong*)(d + bytes - 8) = *(ulong*)(s + bytes - 8);
        }
        else
        {
            for (nint i = 0; i < bytes; i += sizeof(T))
                *(T*)(d + i) = *(T*)(s + i);
        }
    }
}
