using Backprop.Kernels;
namespace Backprop;

// Indexing ops with Int64 index tensors. Every index is checked: an out-of-range one names
// the index, the dimension and its size.

public partial class Tensor
{
    /// <summary>
    /// The entries at <paramref name="indices"/> along <paramref name="dim"/> (a copy), as
    /// <c>torch.index_select</c>; the gradient is added back at those positions.
    /// </summary>
    /// <param name="dim">The dimension to select along.</param>
    /// <param name="indices">A 1-D Int64 tensor of positions (repeats allowed).</param>
    public Tensor IndexSelect(int dim, Tensor indices)
    {
        int d = ShapeMath.NormalizeDim("IndexSelect", dim, Rank);
        // The indices read in place (no copy), and the rule built only when it is recorded: a
        // playground step looks its targets up with one IndexSelect.
        ReadOnlySpan<long> idx = CheckedIndices("IndexSelect", indices, d).Span<long>();
        var shape = (int[])_shape.Clone();
        shape[d] = idx.Length;
        Tensor source = StridedCopy.ToContiguous(this);
        Tensor result = Uninitialized(DType, shape);
        (int outer, int inner) = OuterInner(d);
        int n = _shape[d];
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < idx.Length; k++)
                Array.Copy(source.StorageArray, source.Offset + (o * n + (int)idx[k]) * inner, result.StorageArray, (o * idx.Length + k) * inner, inner);
        }
        if (TensorGraph.WillRecord(this)) result = RecordIndexSelect(result, d, indices);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "IndexSelect", [this], new IndexAttributes(d, indices)) : result;
    }

    private Tensor RecordIndexSelect(Tensor result, int d, Tensor indices) =>
        TensorGraph.Record(result, "IndexSelect", [this], [indices], g => [ZerosLike(this).IndexAdd(d, indices, g)]);

    /// <summary>
    /// This tensor plus <paramref name="source"/> added at <paramref name="indices"/> along
    /// <paramref name="dim"/> (repeated indices add up), as <c>torch.index_add</c>.
    /// </summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="indices">A 1-D Int64 tensor of positions, one per slice of <paramref name="source"/>.</param>
    /// <param name="source">Shaped like this tensor except along <paramref name="dim"/>, where it has one entry per index.</param>
    public Tensor IndexAdd(int dim, Tensor indices, Tensor source)
    {
        DTypes.RequireSame("IndexAdd", this, source);
        int d = ShapeMath.NormalizeDim("IndexAdd", dim, Rank);
        long[] idx = CheckIndices("IndexAdd", indices, d);
        var expected = (int[])_shape.Clone();
        expected[d] = idx.Length;
        if (!ShapeMath.Same(expected, source._shape))
            throw new ArgumentException($"IndexAdd: source has shape {ShapeMath.Format(source._shape)}, expected {ShapeMath.Format(expected)}");
        Tensor result = ShapeOps.Copy(Detach()); // a fresh contiguous copy; Detach() keeps it unrecorded
        Tensor src = StridedCopy.ToContiguous(source);
        (int outer, int inner) = OuterInner(d);
        int n = _shape[d];
        if (DType == DType.Float32) AddRows(src.Span<float>(), result.Storage<float>());
        else AddRows(src.Span<double>(), result.Storage<double>());
        return TensorGraph.Record(result, "IndexAdd", [this, source], [indices], g => [g, source.RequiresGrad ? g.IndexSelect(d, indices) : null]);

        void AddRows<T>(ReadOnlySpan<T> from, T[] to) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            for (int o = 0; o < outer; o++)
            {
                for (int k = 0; k < idx.Length; k++)
                {
                    Span<T> row = to.AsSpan((o * n + (int)idx[k]) * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, from.Slice((o * idx.Length + k) * inner, inner), row);
                }
            }
        }
    }

    /// <summary>
    /// out[i][j][k] = this[i][index[i][j][k]][k] (for <paramref name="dim"/> = 1), as
    /// <c>torch.gather</c>: the result has the index's shape; the gradient is scatter-added back.
    /// </summary>
    /// <param name="dim">The dimension to gather along.</param>
    /// <param name="index">An Int64 tensor of this tensor's rank, no larger in any other dimension.</param>
    public Tensor Gather(int dim, Tensor index)
    {
        int d = ShapeMath.NormalizeDim("Gather", dim, Rank);
        CheckScatterShape("Gather", index, d);
        Tensor source = StridedCopy.ToContiguous(this);
        Tensor result = Uninitialized(DType, (int[])index._shape.Clone());
        ForEachIndex("Gather", index, d, (from, to) => Array.Copy(source.StorageArray, source.Offset + from, result.StorageArray, to, 1));
        result = TensorGraph.Record(result, "Gather", [this], [index], g => [ZerosLike(this).ScatterAdd(d, index, g)]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Gather", [this], new IndexAttributes(d, index)) : result;
    }

    /// <summary>
    /// This tensor with <paramref name="source"/> added at the positions <paramref name="index"/>
    /// names along <paramref name="dim"/> (repeats add up), as <c>torch.scatter_add</c>.
    /// </summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="index">An Int64 tensor shaped like <paramref name="source"/>.</param>
    /// <param name="source">The values to add.</param>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor source)
    {
        DTypes.RequireSame("ScatterAdd", this, source);
        int d = ShapeMath.NormalizeDim("ScatterAdd", dim, Rank);
        CheckScatterShape("ScatterAdd", index, d);
        if (!ShapeMath.Same(index._shape, source._shape))
            throw new ArgumentException($"ScatterAdd: index shape {ShapeMath.Format(index._shape)} and source shape {ShapeMath.Format(source._shape)} differ");
        Tensor result = ShapeOps.Copy(Detach()); // a fresh contiguous copy; Detach() keeps it unrecorded
        Tensor src = StridedCopy.ToContiguous(source);
        if (DType == DType.Float32)
        {
            float[] to = result.Storage<float>(), from = src.Storage<float>();
            ForEachIndex("ScatterAdd", index, d, (target, at) => to[target] += from[src.Offset + at]);
        }
        else
        {
            double[] to = result.Storage<double>(), from = src.Storage<double>();
            ForEachIndex("ScatterAdd", index, d, (target, at) => to[target] += from[src.Offset + at]);
        }
        return TensorGraph.Record(result, "ScatterAdd", [this, source], [index], g => [g, source.RequiresGrad ? g.Gather(d, index) : null]);
    }

    /// <summary>
    /// For every position p of <paramref name="index"/> (row-major), calls <paramref name="visit"/>
    /// with the flat offset into this (contiguous) tensor that p points at, and p's flat offset.
    /// </summary>
    private void ForEachIndex(string op, Tensor index, int dim, Action<int, int> visit)
    {
        Tensor idx = StridedCopy.ToContiguous(index);
        ReadOnlySpan<long> values = idx.Span<long>();
        int rank = Rank;
        int[] strides = ShapeMath.ContiguousStrides(_shape);
        Span<int> position = stackalloc int[Math.Max(rank, 1)];
        for (int p = 0; p < values.Length; p++)
        {
            long v = values[p];
            if (v < 0 || v >= _shape[dim])
                throw new IndexOutOfRangeException($"{op}: index {v} at position {p} of the index is out of range for dimension {dim} of size {_shape[dim]} (0 .. {_shape[dim] - 1})");
            int target = 0;
            for (int k = 0; k < rank; k++) target += (k == dim ? (int)v : position[k]) * strides[k];
            visit(target, p);
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++position[k] < index._shape[k]) break;
                position[k] = 0;
            }
        }
    }

    private void CheckScatterShape(string op, Tensor index, int dim)
    {
        if (index.DType != DType.Int64) throw new ArgumentException($"{op}: index must be an Int64 tensor, got {index.DType}");
        if (index.Rank != Rank)
            throw new ArgumentException($"{op}: index has rank {index.Rank} but the tensor has rank {Rank} (shapes {ShapeMath.Format(index._shape)} and {ShapeMath.Format(_shape)})");
        for (int k = 0; k < Rank; k++)
        {
            if (k != dim && index._shape[k] > _shape[k])
                throw new ArgumentException($"{op}: index shape {ShapeMath.Format(index._shape)} is larger than the tensor's {ShapeMath.Format(_shape)} in dimension {k}");
        }
    }

    private long[] CheckIndices(string op, Tensor indices, int dim) => CheckedIndices(op, indices, dim).ToArray<long>();

    /// <summary><paramref name="indices"/> as a contiguous tensor (itself when it is one), each checked to be a position along <paramref name="dim"/>.</summary>
    private Tensor CheckedIndices(string op, Tensor indices, int dim)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.DType != DType.Int64) throw new ArgumentException($"{op}: indices must be an Int64 tensor, got {indices.DType}");
        if (indices.Rank > 1) throw new ArgumentException($"{op}: indices must be 1-D, got shape {ShapeMath.Format(indices._shape)}");
        Tensor contiguous = StridedCopy.ToContiguous(indices);
        foreach (long v in contiguous.Span<long>())
        {
            if (v < 0 || v >= _shape[dim])
                throw new IndexOutOfRangeException($"{op}: index {v} is out of range for dimension {dim} of size {_shape[dim]}");
        }
        return contiguous;
    }
}
