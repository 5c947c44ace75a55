using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Reductions along one axis of contiguous data viewed as [outer, n, inner]: each output
/// element (o, i) reduces x[o, 0..n, i]. The order of summation is fixed, so results are
/// deterministic. Empty axes give the identity (0 for sums); max/min of an empty axis is the
/// caller's error.
/// </summary>
internal static class ReduceKernels
{
    /// <summary>
    /// Rows added into one float partial sum before it is folded into the double total: each
    /// lane of a partial then adds at most 128 numbers, far from float's 2^24 limit.
    /// </summary>
    public const int RowBlock = 128;

    /// <summary>
    /// Sums along the middle axis: <c>y[o, i] = Σⱼ x[o, j, i]</c>, accurate at any n. With
    /// inner = 1 each output is a contiguous <see cref="SumKernel.Sum"/>; otherwise rows are
    /// added with SIMD into a partial row in the element type, <see cref="RowBlock"/> rows at a
    /// time, and the partial rows are added in double (only when n exceeds one block, so short
    /// axes cost what they did). NaN propagates; an empty axis gives 0.
    /// </summary>
    public static void Sum<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[]? total = n > RowBlock && inner > 1 ? ArrayPool<double>.Shared.Rent(inner) : null;
        try
        {
            for (int o = 0; o < outer; o++)
            {
                Span<T> row = y.Slice(o * inner, inner);
                ReadOnlySpan<T> block = x.Slice(o * n * inner, n * inner);
                if (inner == 1) row[0] = SumKernel.Sum(block);
                else if (total is null) AddRows(block, row, 0, n, inner);
                else SumRowsInBlocks(block, row, total.AsSpan(0, inner), n, inner);
            }
        }
        finally
        {
            if (total is not null) ArrayPool<double>.Shared.Return(total);
        }
    }

    /// <summary><c>row = Σ</c> rows <paramref name="from"/>..<paramref name="to"/> of <paramref name="block"/>, in the element type.</summary>
    private static void AddRows<T>(ReadOnlySpan<T> block, Span<T> row, int from, int to, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner <= NarrowRow)
        {
            AddNarrowRows(block, row, from, to, inner);
            return;
        }
        row.Clear();
        for (int j = from; j < to; j++) TensorPrimitives.Add(row, block.Slice(j * inner, inner), row);
    }

    /// <summary>Rows at most this wide are summed with each column's sum kept in a register (a bias gradient of a small layer).</summary>
    private const int NarrowRow = 64;

    /// <summary>
    /// <see cref="AddRows"/> for a narrow row: each column's sum starts at zero and adds the rows
    /// in order, as the row-by-row form does (so the same bits), but in a register instead of
    /// through memory and a library call per row.
    /// </summary>
    private static void AddNarrowRows<T>(ReadOnlySpan<T> block, Span<T> row, int from, int to, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= inner - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> sum = Vector<T>.Zero;
                for (int j = from; j < to; j++) sum += new Vector<T>(block.Slice(j * inner + i, Vector<T>.Count));
                sum.CopyTo(row.Slice(i, Vector<T>.Count));
            }
        }
        for (; i < inner; i++)
        {
            T sum = T.Zero;
            for (int j = from; j < to; j++) sum += block[j * inner + i];
            row[i] = sum;
        }
    }

    /// <summary>Partial sums of <see cref="RowBlock"/> rows in the element type, added up in double.</summary>
    private static void SumRowsInBlocks<T>(ReadOnlySpan<T> block, Span<T> row, Span<double> total, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        total.Clear();
        for (int from = 0; from < n; from += RowBlock)
        {
            AddRows(block, row, from, Math.Min(n, from + RowBlock), inner);
            for (int i = 0; i < inner; i++) total[i] += double.CreateTruncating(row[i]);
        }
        for (int i = 0; i < inner; i++) row[i] = T.CreateTruncating(total[i]);
    }

    /// <summary>
    /// The largest (or smallest, with <paramref name="max"/> false) element along the middle
    /// axis and the index of its first occurrence; NaN wins over every number, as in PyTorch.
    /// </summary>
    public static void Extremum<T>(ReadOnlySpan<T> x, Span<T> values, Span<long> indices, int outer, int n, int inner, bool max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = o * n * inner + i;
                T best = x[start];
                int bestIndex = 0;
                for (int j = 1; j < n && !T.IsNaN(best); j++)
                {
                    T v = x[start + j * inner];
                    if (T.IsNaN(v) || (max ? v > best : v < best))
                    {
                        best = v;
                        bestIndex = j;
                    }
                }
                values[o * inner + i] = best;
                indices[o * inner + i] = bestIndex;
            }
        }
    }
}
