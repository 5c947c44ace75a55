using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The sum of a span, accurate at any length: blocks of <see cref="BlockLength"/> elements are
/// summed with SIMD in the element type (eight vector accumulators, so each lane adds at most
/// 128 numbers), and the block sums (and the few elements no vector covers) are added
/// in double.
/// </summary>
/// <remarks>
/// <para>
/// Why blocks: one float accumulator per lane stops growing once it reaches 2^24 times the
/// values added to it (1 + 2^24 rounds back to 2^24), so a plain SIMD sum of 300 million ones
/// is 0.89 of the truth. Here no float accumulator ever holds more than one block; the error of
/// a block is that of sums of at most 128 numbers, and the double total adds ~2^-53 relative
/// per block, so the relative error stays near float's own rounding whatever the length, as
/// NumPy's pairwise sum does. The extra work, one horizontal add and one double add per block,
/// is under 1% of the SIMD loop.
/// </para>
/// <para>
/// Determinism: which element goes to which lane depends only on its index (unaligned loads
/// from the block's start, never from the first aligned address), blocks are fixed, and the
/// combination order is fixed, so the result on one machine is the same on every call, on any
/// thread. Machines with different vector widths (AVX-512, AVX2, SSE) group lanes differently
/// and may differ in the last bits.
/// </para>
/// <para>
/// NaN anywhere gives NaN; +∞ and -∞ together give NaN; an empty span sums to 0. Float partial
/// sums that overflow float (|sum| &gt; 3.4e38 within one block) become ∞, as before; sums that
/// exceed float only across blocks are finite in the double total and become ∞ when rounded to
/// float at the end.
/// </para>
/// </remarks>
internal static class SumKernel
{
    /// <summary>Elements per block: 4096 (16 KB of floats); a lane adds 128 of them with Vector128, 64 with Vector256, 32 with Vector512.</summary>
    public const int BlockLength = 4096;

    /// <summary>Σ x, accurate as described on the type; 0 for an empty span.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        for (int start = 0; start < x.Length; start += BlockLength)
            total += Block(x.Slice(start, Math.Min(BlockLength, x.Length - start)));
        return T.CreateTruncating(total);
    }

    /// <summary>
    /// The sum of one block: eight vector accumulators at the widest accelerated width (eight
    /// independent adds in flight hide the add latency), then the elements left over (less than
    /// one vector; all of them without SIMD) added in double,
    /// where a scalar add costs no more than in float.
    /// </summary>
    // Compiled fully optimized on first use, as the optimizer kernels are: tier-0 and
    // on-stack-replacement code of a SIMD loop is several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double Block<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T r = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length, i = 0;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<T>.Count * 8)
        {
            nuint width = (nuint)Vector512<T>.Count;
            Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (; i + 8 * width <= n; i += 8 * width)
            {
                a0 += Vector512.LoadUnsafe(ref r, i);
                a1 += Vector512.LoadUnsafe(ref r, i + width);
                a2 += Vector512.LoadUnsafe(ref r, i + 2 * width);
                a3 += Vector512.LoadUnsafe(ref r, i + 3 * width);
                a4 += Vector512.LoadUnsafe(ref r, i + 4 * width);
                a5 += Vector512.LoadUnsafe(ref r, i + 5 * width);
                a6 += Vector512.LoadUnsafe(ref r, i + 6 * width);
                a7 += Vector512.LoadUnsafe(ref r, i + 7 * width);
            }
            for (; i + width <= n; i += width) a0 += Vector512.LoadUnsafe(ref r, i);
            sum = Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<T>.Count * 8)
        {
            nuint width = (nuint)Vector256<T>.Count;
            Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (; i + 8 * width <= n; i += 8 * width)
            {
                a0 += Vector256.LoadUnsafe(ref r, i);
                a1 += Vector256.LoadUnsafe(ref r, i + width);
                a2 += Vector256.LoadUnsafe(ref r, i + 2 * width);
                a3 += Vector256.LoadUnsafe(ref r, i + 3 * width);
                a4 += Vector256.LoadUnsafe(ref r, i + 4 * width);
                a5 += Vector256.LoadUnsafe(ref r, i + 5 * width);
                a6 += Vector256.LoadUnsafe(ref r, i + 6 * width);
                a7 += Vector256.LoadUnsafe(ref r, i + 7 * width);
            }
            for (; i + width <= n; i += width) a0 += Vector256.LoadUnsafe(ref r, i);
            sum = Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<T>.Count * 8)
        {
            nuint width = (nuint)Vector128<T>.Count;
            Vector128<T> a0 = Vector128<T>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (; i + 8 * width <= n; i += 8 * width)
            {
                a0 += Vector128.LoadUnsafe(ref r, i);
                a1 += Vector128.LoadUnsafe(ref r, i + width);
                a2 += Vector128.LoadUnsafe(ref r, i + 2 * width);
                a3 += Vector128.LoadUnsafe(ref r, i + 3 * width);
                a4 += Vector128.LoadUnsafe(ref r, i + 4 * width);
                a5 += Vector128.LoadUnsafe(ref r, i + 5 * width);
                a6 += Vector128.LoadUnsafe(ref r, i + 6 * width);
                a7 += Vector128.LoadUnsafe(ref r, i + 7 * width);
            }
            for (; i + width <= n; i += width) a0 += Vector128.LoadUnsafe(ref r, i);
            sum = Vector128.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        double total = double.CreateTruncating(sum);
        for (; i < n; i++) total += double.CreateTruncating(Unsafe.Add(ref r, i));
        return total;
    }
}
