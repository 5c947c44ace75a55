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
    /// <summary>Sums along the middle axis: <c>y[o, i] = Σⱼ x[o, j, i]</c>.</summary>
    public static void Sum<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            Span<T> row = y.Slice(o * inner, inner);
            ReadOnlySpan<T> block = x.Slice(o * n * inner, n * inner);
            if (inner == 1)
            {
                row[0] = TensorPrimitives.Sum(block);
                continue;
            }
            row.Clear();
            for (int j = 0; j < n; j++) TensorPrimitives.Add(row, block.Slice(j * inner, inner), row);
        }
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
