namespace Backprop;

// Integer indexing: Select removes one dimension at an index (a view); the indexer applies
// Select and Slice dimension by dimension, so x[2, 1..4] is x.Select(0, 2).Slice(0, 1, 4).

public partial class Tensor
{
    /// <summary>
    /// The slice at <paramref name="index"/> of dimension <paramref name="dim"/>, with that
    /// dimension removed (a view sharing storage), as <c>torch.select</c>; the gradient is
    /// placed back at that index, zeros elsewhere.
    /// </summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="index">The position in it (negative counts from the end).</param>
    /// <exception cref="ArgumentOutOfRangeException">The dimension or the index is out of range; the message names both sizes.</exception>
    public Tensor Select(int dim, int index)
    {
        if (Rank == 0) throw new ArgumentOutOfRangeException(nameof(dim), "Select: a scalar (rank 0) has no dimension to select from");
        int d = ShapeMath.NormalizeDim("Select", dim, Rank);
        int size = _shape[d];
        int at = index < 0 ? index + size : index;
        if (at < 0 || at >= size)
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of range for dimension {d} of size {size} in shape {ShapeMath.Format(_shape)}");
        int[] shape = [.. _shape[..d], .. _shape[(d + 1)..]];
        int[] strides = [.. _strides[..d], .. _strides[(d + 1)..]];
        Tensor view = View(shape, strides, _offset + at * _strides[d]);
        return TensorGraph.Record(view, "Select", [this], [], g => [SelectBackward(g, d, at)]);
    }

    /// <summary>Zeros shaped like this tensor with <paramref name="g"/> at <paramref name="index"/> of <paramref name="dim"/> (differentiable: IndexAdd's rule is IndexSelect).</summary>
    private Tensor SelectBackward(Tensor g, int dim, int index) =>
        ZerosLike(this).IndexAdd(dim, FromArray(new long[] { index }), g.Unsqueeze(dim));

    /// <summary>
    /// Indexes dimension after dimension, as NumPy and PyTorch do: an integer (or <c>^i</c>)
    /// selects one position and removes the dimension, a range (<c>1..4</c>, <c>..</c>) keeps a
    /// slice of it; dimensions not named are kept whole. <c>x[2, 1..4]</c> is row 2, columns 1 to
    /// 3. The result is a view (no copy) and gradients flow back to the indexed positions.
    /// </summary>
    /// <param name="indices">One entry per leading dimension.</param>
    /// <exception cref="ArgumentException">More indices than dimensions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range for its dimension.</exception>
    // Item() already names the element accessor, so the indexer's metadata name is At.
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(indices);
            if (indices.Length > Rank)
                throw new ArgumentException($"Indexer: {indices.Length} indices for a tensor of rank {Rank} (shape {ShapeMath.Format(_shape)})", nameof(indices));
            Tensor result = this;
            int dim = 0; // the dimension of result that indices[i] applies to
            for (int i = 0; i < indices.Length; i++)
            {
                TensorIndex index = indices[i];
                int size = result._shape[dim];
                if (index.IsRange)
                {
                    // Python slicing: bounds past the end are clipped, an empty range is fine.
                    int start = Math.Clamp(index.Range.Start.IsFromEnd ? size - index.Range.Start.Value : index.Range.Start.Value, 0, size);
                    int end = Math.Clamp(index.Range.End.IsFromEnd ? size - index.Range.End.Value : index.Range.End.Value, start, size);
                    if (start != 0 || end != size) result = result.Slice(dim, start, end);
                    dim++;
                }
                else
                {
                    int at = index.Index.IsFromEnd ? size - index.Index.Value : index.Index.Value;
                    if (at < 0 || at >= size)
                        throw new ArgumentOutOfRangeException(nameof(indices), $"Indexer: index {index} is out of range for dimension {i} of size {size} in shape {ShapeMath.Format(_shape)}");
                    result = result.Select(dim, at);
                }
            }
            return ReferenceEquals(result, this) ? Alias("Indexer") : result;
        }
    }
}
