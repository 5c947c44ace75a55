using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

[assembly: InternalsVisibleTo("Backprop.Tests")]

namespace Backprop.Kernels;

/// <summary>
/// General matrix multiply on spans: <c>C = A·B</c> or <c>C += A·B</c>, with A and B read
/// through arbitrary strides (a transposed operand is the same memory with its strides swapped)
/// and C dense row-major. Packed and cache-blocked in the GotoBLAS/BLIS manner, with AVX-512,
/// AVX2/FMA, 128-bit and scalar micro-kernels, and split over threads for large products.
/// </summary>
/// <remarks>
/// <para>
/// <b>Deterministic.</b> Every element of C is one fused multiply-add chain over
/// <c>p = 0, 1, …, k-1</c> in order: <c>c = fma(a[i,p], b[p,j], c)</c>, starting from zero, or
/// from the element of C when accumulating. Block sizes, tiles, edge handling and the split
/// over threads never change that order, and each element is computed by exactly one thread,
/// so the result is bit-for-bit the same whatever <c>maxThreads</c> is, and row <c>i</c> of C
/// does not depend on how many other rows are computed with it. Every instruction-set path
/// computes the same chains, so the bits are also the same from one machine to another
/// (IEEE 754 fixes the rounding of a fused multiply-add).
/// </para>
/// <para>
/// <b>NaN and infinity</b> propagate as the chain of fused multiply-adds implies: an element
/// is NaN if any product in its sum is NaN or ∞·0, or if ∞ and -∞ are added. <b>Empty sizes</b>
/// are fine: m = 0 or n = 0 does nothing; k = 0 zeroes C (or leaves it when accumulating).
/// </para>
/// <para>
/// <b>Threads.</b> Products smaller than about 80³ multiply-adds run on the calling thread;
/// larger ones are cut into disjoint blocks of C and handed to <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>
/// (no spinning). The packing buffers are per thread (up to about 2.5 MiB each) and reused,
/// so repeated calls do not allocate for them.
/// </para>
/// <para>
/// <b>Speed.</b> The micro-kernels use AVX-512 (12 × 32 floats), AVX2 with FMA (6 × 16) or
/// 128-bit vectors (Arm64, 6 × 8), chosen at run time. On an x64 processor without FMA3
/// (before 2013) the scalar path falls back to a software fused multiply-add and is slow.
/// </para>
/// <para>
/// C must not overlap A or B. The method is thread-safe: concurrent calls share nothing.
/// </para>
/// </remarks>
public static class MatMulKernel
{
    /// <summary>Products with fewer multiply-adds than this run on the calling thread.</summary>
    internal const long ParallelThreshold = 80L * 80 * 80;

    /// <summary>Products with at most this many multiply-adds skip packing: a plain loop nest is faster.</summary>
    internal const long TinyThreshold = 512;

    /// <summary>
    /// Products with at most this many panels of MR rows read a row-major B in place instead of
    /// packing it: each panel of B is used so few times that copying it costs more than it saves.
    /// </summary>
    internal const int InPlaceRowPanels = 4;

    /// <summary>
    /// Computes <c>C = A·B</c>, or <c>C += A·B</c> when <paramref name="accumulate"/> is set, in
    /// single precision.
    /// </summary>
    /// <param name="a">A, an m × k matrix: element (i, p) is <c>a[i·aRowStride + p·aColStride]</c>.</param>
    /// <param name="aRowStride">The distance in <paramref name="a"/> between consecutive rows (k for a row-major A, 1 for a transposed one).</param>
    /// <param name="aColStride">The distance in <paramref name="a"/> between consecutive columns (1 for a row-major A, m for a transposed one).</param>
    /// <param name="b">B, a k × n matrix: element (p, j) is <c>b[p·bRowStride + j·bColStride]</c>.</param>
    /// <param name="bRowStride">The distance in <paramref name="b"/> between consecutive rows.</param>
    /// <param name="bColStride">The distance in <paramref name="b"/> between consecutive columns.</param>
    /// <param name="c">C, an m × n row-major matrix: element (i, j) is <c>c[i·n + j]</c>; at least m·n long.</param>
    /// <param name="m">Rows of A and C (≥ 0).</param>
    /// <param name="n">Columns of B and C (≥ 0).</param>
    /// <param name="k">Columns of A and rows of B (≥ 0).</param>
    /// <param name="accumulate"><see langword="false"/> to overwrite C, <see langword="true"/> to add to it.</param>
    /// <param name="maxThreads">The most threads to use; 0 means <see cref="Environment.ProcessorCount"/>. Does not change the result.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size, a stride or <paramref name="maxThreads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span is too short for the sizes and strides given, or C overlaps A or B.</exception>
    public static void Multiply(ReadOnlySpan<float> a, int aRowStride, int aColStride,
                                ReadOnlySpan<float> b, int bRowStride, int bColStride,
                                Span<float> c, int m, int n, int k, bool accumulate = false, int maxThreads = 0)
        => Multiply(a, aRowStride, aColStride, b, bRowStride, bColStride, c, m, n, k, accumulate, maxThreads, MatMulIsa.Auto);

    /// <summary>
    /// Computes <c>C = A·B</c>, or <c>C += A·B</c> when <paramref name="accumulate"/> is set, in
    /// double precision.
    /// </summary>
    /// <inheritdoc cref="Multiply(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, int, Span{float}, int, int, int, bool, int)"/>
    public static void Multiply(ReadOnlySpan<double> a, int aRowStride, int aColStride,
                                ReadOnlySpan<double> b, int bRowStride, int bColStride,
                                Span<double> c, int m, int n, int k, bool accumulate = false, int maxThreads = 0)
        => Multiply(a, aRowStride, aColStride, b, bRowStride, bColStride, c, m, n, k, accumulate, maxThreads, MatMulIsa.Auto);

    /// <summary>The multiply with the micro-kernel's instruction set chosen by the caller (tests use it to reach every kernel).</summary>
    internal static unsafe void Multiply<T>(ReadOnlySpan<T> a, int aRowStride, int aColStride,
                                            ReadOnlySpan<T> b, int bRowStride, int bColStride,
                                            Span<T> c, int m, int n, int k, bool accumulate, int maxThreads, MatMulIsa isa)
        where T : unmanaged
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"MatMul: element type {typeof(T).Name} is not supported (float or double).");
        Validate(a.Length, aRowStride, aColStride, b.Length, bRowStride, bColStride, c.Length, m, n, k, maxThreads);
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                c[..(m * n)].Clear();
            return;
        }
        RejectOverlap(a, aRowStride, aColStride, b, bRowStride, bColStride, c, m, n, k);

        fixed (T* pa = a, pb = b, pc = c)
        {
            var problem = new MatMulProblem<T>(pa, aRowStride, aColStride, pb, bRowStride, bColStride, pc, n, m, n, k, accumulate);
            Run(problem, isa, maxThreads);
        }
    }

    /// <summary>
    /// <c>C = A·B</c> for an op that has checked its operands' shapes itself (a Linear layer,
    /// forward and backward) into a result it has just rented, so that C cannot overlap A or B.
    /// The same dispatch, chains and bits as the checked <see cref="Multiply{T}"/>, without its
    /// argument and overlap checks, which cost a [10, 8]·[8, 8] product a sixth of its time.
    /// Debug builds (the tests) still run the checks.
    /// </summary>
    internal static unsafe void MultiplyIntoFresh<T>(ReadOnlySpan<T> a, int aRowStride, int aColStride,
                                                     ReadOnlySpan<T> b, int bRowStride, int bColStride,
                                                     Span<T> c, int m, int n, int k) where T : unmanaged
    {
#if DEBUG
        Validate(a.Length, aRowStride, aColStride, b.Length, bRowStride, bColStride, c.Length, m, n, k, maxThreads: 0);
        if (m > 0 && n > 0 && k > 0) RejectOverlap(a, aRowStride, aColStride, b, bRowStride, bColStride, c, m, n, k);
#endif
        fixed (T* pa = a, pb = b, pc = c)
            MultiplyUnchecked(pa, aRowStride, aColStride, pb, bRowStride, bColStride, pc, n, m, n, k, accumulate: false, maxThreads: 0);
    }

    /// <summary>
    /// <c>C (+)= A·B</c> on pinned memory with C's rows <paramref name="ldc"/> apart, so that C
    /// may be a block of a wider matrix (a tile of a convolution's output). Nothing is checked:
    /// the caller sizes every operand. Same chains, and so the same bits, as <see cref="Multiply(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, int, Span{float}, int, int, int, bool, int)"/>.
    /// </summary>
    internal static unsafe void MultiplyUnchecked<T>(T* a, nint aRowStride, nint aColStride, T* b, nint bRowStride, nint bColStride,
                                                     T* c, nint ldc, int m, int n, int k, bool accumulate, int maxThreads)
        where T : unmanaged
    {
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) new Span<T>(c + i * ldc, n).Clear();
            return;
        }
        var problem = new MatMulProblem<T>(a, aRowStride, aColStride, b, bRowStride, bColStride, c, ldc, m, n, k, accumulate);
        Run(problem, MatMulIsa.Auto, maxThreads);
    }

    /// <summary>Runs a checked <paramref name="problem"/> with the micro-kernels of <paramref name="isa"/> (Auto: the widest this machine has) on at most <paramref name="maxThreads"/> threads (0: all).</summary>
    private static void Run<T>(in MatMulProblem<T> problem, MatMulIsa isa, int maxThreads) where T : unmanaged
    {
        int threads = maxThreads == 0 ? Environment.ProcessorCount : maxThreads;
        switch (Resolve(isa))
        {
            case MatMulIsa.Vector512:
                MatMulDispatch<T, MatMulMicroKernel512<T>, MatMulRowKernel512<T>>.Run(problem, threads);
                break;
            case MatMulIsa.Vector256:
                MatMulDispatch<T, MatMulMicroKernel256<T>, MatMulRowKernel256<T>>.Run(problem, threads);
                break;
            case MatMulIsa.Vector128:
                MatMulDispatch<T, MatMulMicroKernel128<T>, MatMulRowKernel128<T>>.Run(problem, threads);
                break;
            default:
                MatMulDispatch<T, MatMulMicroKernelScalar<T>, MatMulMicroKernelScalar<T>>.Run(problem, threads);
                break;
        }
    }

    /// <summary>Whether this machine runs the micro-kernel for <paramref name="isa"/> in hardware.</summary>
    internal static bool IsSupported(MatMulIsa isa) => isa switch
    {
        MatMulIsa.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        MatMulIsa.Vector256 => Vector256.IsHardwareAccelerated && Fma.IsSupported,
        MatMulIsa.Vector128 => Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported),
        _ => true,
    };

    internal static MatMulIsa Resolve(MatMulIsa isa)
    {
        if (isa != MatMulIsa.Auto)
            return isa;
        if (IsSupported(MatMulIsa.Vector512)) return MatMulIsa.Vector512;
        if (IsSupported(MatMulIsa.Vector256)) return MatMulIsa.Vector256;
        if (IsSupported(MatMulIsa.Vector128)) return MatMulIsa.Vector128;
        return MatMulIsa.Scalar;
    }

    /// <summary>Throws if the m × n result in <paramref name="c"/> shares memory with the elements of A or B the product reads (sizes validated, none zero).</summary>
    private static void RejectOverlap<T>(ReadOnlySpan<T> a, int aRowStride, int aColStride, ReadOnlySpan<T> b, int bRowStride, int bColStride,
                                         Span<T> c, int m, int n, int k)
    {
        int aUsed = (int)((long)(m - 1) * aRowStride + (long)(k - 1) * aColStride + 1);
        int bUsed = (int)((long)(k - 1) * bRowStride + (long)(n - 1) * bColStride + 1);
        if (c[..(m * n)].Overlaps(a[..aUsed]) || c[..(m * n)].Overlaps(b[..bUsed]))
            throw new ArgumentException($"MatMul: C ({m}x{n}) overlaps A or B; the product needs separate output memory.", nameof(c));
    }

    private static void Validate(int aLength, int aRowStride, int aColStride, int bLength, int bRowStride, int bColStride,
                                 int cLength, int m, int n, int k, int maxThreads)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"MatMul: m must be ≥ 0 (got m={m}, n={n}, k={k}).");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"MatMul: n must be ≥ 0 (got m={m}, n={n}, k={k}).");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"MatMul: k must be ≥ 0 (got m={m}, n={n}, k={k}).");
        if (aRowStride < 0) throw new ArgumentOutOfRangeException(nameof(aRowStride), aRowStride, "MatMul: strides must be ≥ 0.");
        if (aColStride < 0) throw new ArgumentOutOfRangeException(nameof(aColStride), aColStride, "MatMul: strides must be ≥ 0.");
        if (bRowStride < 0) throw new ArgumentOutOfRangeException(nameof(bRowStride), bRowStride, "MatMul: strides must be ≥ 0.");
        if (bColStride < 0) throw new ArgumentOutOfRangeException(nameof(bColStride), bColStride, "MatMul: strides must be ≥ 0.");
        if (maxThreads < 0) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "MatMul: maxThreads must be ≥ 0 (0 means one per processor).");

        long cNeeded = (long)m * n;
        if (cLength < cNeeded)
            throw new ArgumentException($"MatMul: C has {cLength} elements, a {m}x{n} result needs {cNeeded}.", "c");
        if (m == 0 || n == 0 || k == 0)
            return;
        long aNeeded = (long)(m - 1) * aRowStride + (long)(k - 1) * aColStride + 1;
        if (aLength < aNeeded)
            throw new ArgumentException(
                $"MatMul: A has {aLength} elements, a {m}x{k} matrix with strides ({aRowStride}, {aColStride}) needs {aNeeded}.", "a");
        long bNeeded = (long)(k - 1) * bRowStride + (long)(n - 1) * bColStride + 1;
        if (bLength < bNeeded)
            throw new ArgumentException(
                $"MatMul: B has {bLength} elements, a {k}x{n} matrix with strides ({bRowStride}, {bColStride}) needs {bNeeded}.", "b");
    }
}
