using Backprop.Kernels;
namespace Backprop;

// Shape ops: views where the strides allow it (no copy), each with its backward rule.

public partial class Tensor
{
    /// <summary>
    /// The same elements in another shape (one dimension may be -1, inferred). A view when the
    /// tensor is contiguous, else a copy; the gradient is reshaped back.
    /// </summary>
    /// <param name="shape">The new shape.</param>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public Tensor Reshape(params int[] shape)
    {
        int[] target = InferShape(shape);
        if (ShapeMath.Same(target, _shape) && IsContiguous) return Alias("Reshape");
        Tensor source = Contiguous();
        Tensor view = source.View(target, ShapeMath.ContiguousStrides(target), source.Offset);
        return TensorGraph.Record(view, "Reshape", [source], [], g => [g.Reshape(source._shape)]);
    }

    /// <summary>Like <see cref="Reshape"/>, but requires a contiguous tensor and never copies.</summary>
    /// <param name="shape">The new shape.</param>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous.</exception>
    public Tensor View(params int[] shape)
    {
        if (!IsContiguous)
            throw new InvalidOperationException($"View: the tensor of shape {ShapeMath.Format(_shape)} is not contiguous; use Reshape (which copies) or Contiguous() first");
        return Reshape(shape);
    }

    /// <summary>All elements as one dimension.</summary>
    public Tensor Flatten() => Reshape(-1);

    /// <summary>Swaps two dimensions (a view); the gradient is swapped back.</summary>
    /// <param name="dim0">One dimension.</param>
    /// <param name="dim1">The other.</param>
    public Tensor Transpose(int dim0 = -2, int dim1 = -1)
    {
        int a = ShapeMath.NormalizeDim("Transpose", dim0, Rank), b = ShapeMath.NormalizeDim("Transpose", dim1, Rank);
        int[] order = Enumerable.Range(0, Rank).ToArray();
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    /// <summary>The transpose of a matrix (<c>Transpose(0, 1)</c>); for rank ≤ 1 the tensor itself.</summary>
    public Tensor T => Rank < 2 ? this : Transpose(0, 1);

    /// <summary>Reorders the dimensions (a view): dimension i of the result is dimension <c>order[i]</c> of this one.</summary>
    /// <param name="order">A permutation of 0..Rank-1.</param>
    public Tensor Permute(params int[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Length != Rank)
            throw new ArgumentException($"Permute: {order.Length} dimensions given for a tensor of rank {Rank}");
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = ShapeMath.NormalizeDim("Permute", order[i], Rank);
            if (seen[d]) throw new ArgumentException($"Permute: dimension {order[i]} appears twice in [{string.Join(",", order)}]");
            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
            inverse[d] = i;
        }
        Tensor result = TensorGraph.Record(View(shape, strides, _offset), "Permute", [this], [], g => [g.Permute(inverse)]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Permute", [this], new PermutationAttributes(inverse.Select((_, i) => Array.IndexOf(inverse, i)).ToArray())) : result;
    }

    /// <summary>Removes dimensions of size 1: all of them, or just <paramref name="dim"/>.</summary>
    /// <param name="dim">The dimension to remove (must have size 1), or null for all size-1 dimensions.</param>
    public Tensor Squeeze(int? dim = null)
    {
        if (dim is int d0)
        {
            int d = ShapeMath.NormalizeDim("Squeeze", d0, Rank);
            if (Rank == 0 || _shape[d] != 1) return Alias("Squeeze");
            return Reshape(_shape.Where((_, i) => i != d).ToArray());
        }
        return Reshape(_shape.Where(s => s != 1).ToArray());
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (which may be Rank, or negative).</summary>
    /// <param name="dim">Where the new dimension goes.</param>
    public Tensor Unsqueeze(int dim)
    {
        int d = ShapeMath.NormalizeDim("Unsqueeze", dim, Rank + 1);
        var shape = _shape.ToList();
        shape.Insert(d, 1);
        return Reshape(shape.ToArray());
    }

    /// <summary>
    /// A view that repeats size-1 dimensions (and adds leading ones) to reach
    /// <paramref name="shape"/>, without copying; the gradient is summed back. -1 keeps a size.
    /// </summary>
    /// <param name="shape">The target shape.</param>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var target = (int[])shape.Clone();
        int lead = target.Length - Rank;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1 && i >= lead) target[i] = _shape[i - lead];
        }
        if (ShapeMath.Same(target, _shape)) return Alias("Expand");
        Tensor view = ShapeOps.ExpandView(this, target);
        return TensorGraph.Record(view, "Expand", [this], [], g => [g.SumTo(_shape)]);
    }

    /// <summary>Expands to another tensor's shape.</summary>
    /// <param name="other">The tensor whose shape to take.</param>
    public Tensor ExpandAs(Tensor other) => Expand(other._shape);

    /// <summary>
    /// Sums this (broadcast) gradient down to <paramref name="shape"/>: over leading extra
    /// dimensions and over dimensions where <paramref name="shape"/> has size 1.
    /// </summary>
    /// <param name="shape">A shape this tensor's shape was broadcast from.</param>
    public Tensor SumTo(IReadOnlyList<int> shape)
    {
        if (SameShape(shape)) return this;
        int lead = Rank - shape.Count;
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (i < lead || (shape[i - lead] == 1 && _shape[i] != 1)) dims.Add(i);
        }
        return Sum(dims.ToArray(), keepDim: true).Reshape(shape.ToArray());
    }

    /// <summary>Elements <paramref name="start"/> to <paramref name="end"/> (exclusive) of <paramref name="dim"/>, taking every <paramref name="step"/>-th (a view).</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="start">First index (negative counts from the end; clamped to the size, as in Python slicing).</param>
    /// <param name="end">End index, exclusive (null for the end).</param>
    /// <param name="step">Positive step.</param>
    public Tensor Slice(int dim, int start, int? end = null, int step = 1)
    {
        int d = ShapeMath.NormalizeDim("Slice", dim, Rank);
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), $"Slice: step must be positive, got {step}");
        int size = _shape[d];
        int from = Math.Clamp(start < 0 ? start + size : start, 0, size);
        int to = Math.Clamp(end is int e ? (e < 0 ? e + size : e) : size, from, size);
        int count = (to - from + step - 1) / step;
        var shape = (int[])_shape.Clone();
        var strides = _strides.ToArray();
        shape[d] = count;
        strides[d] *= step;
        Tensor view = View(shape, strides, _offset + from * _strides[d]);
        return TensorGraph.Record(view, "Slice", [this], [], g => [SliceBackward(g, d, from, step)]);
    }

    private Tensor SliceBackward(Tensor g, int dim, int from, int step)
    {
        // Scatter the gradient into zeros at the sliced positions: pad with index_select's inverse.
        int n = g._shape[dim];
        var positions = new long[n];
        for (int i = 0; i < n; i++) positions[i] = from + (long)i * step;
        return ZerosLike(this).IndexAdd(dim, FromArray(positions), g);
    }

    /// <summary>Concatenates tensors along an existing dimension; each gets its slice of the gradient.</summary>
    /// <param name="tensors">Tensors of the same type whose shapes agree except along <paramref name="dim"/>.</param>
    /// <param name="dim">The dimension.</param>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Cat: no tensors given");
        Tensor first = tensors[0];
        int d = ShapeMath.NormalizeDim("Cat", dim, first.Rank);
        int total = 0;
        foreach (Tensor t in tensors)
        {
            if (t.DType != first.DType) throw new ArgumentException($"Cat: tensors are {first.DType} and {t.DType}; mixing types is an error");
            bool fits = t.Rank == first.Rank && Enumerable.Range(0, t.Rank).All(i => i == d || t._shape[i] == first._shape[i]);
            if (!fits) throw new ArgumentException($"Cat: shapes {ShapeMath.Format(first._shape)} and {ShapeMath.Format(t._shape)} differ outside dimension {dim}");
            total += t._shape[d];
        }
        var shape = (int[])first._shape.Clone();
        shape[d] = total;
        Tensor result = Uninitialized(first.DType, shape);
        (int outer, int inner) = result.OuterInner(d);
        int at = 0;
        var starts = new int[tensors.Count];
        for (int k = 0; k < tensors.Count; k++)
        {
            Tensor source = StridedCopy.ToContiguous(tensors[k]);
            int width = source._shape[d] * inner;
            starts[k] = at;
            for (int o = 0; o < outer; o++)
                Array.Copy(source.StorageArray, source.Offset + o * width, result.StorageArray, o * total * inner + at * inner, width);
            at += source._shape[d];
        }
        Tensor[] inputs = tensors.ToArray();
        result = TensorGraph.Record(result, "Cat", inputs, [], g =>
            inputs.Select((t, k) => t.RequiresGrad ? g.Slice(d, starts[k], starts[k] + t._shape[d]) : null).ToArray());
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Cat", inputs, new AxisAttributes(d)) : result;
    }

    /// <summary>Stacks tensors of equal shape along a new dimension.</summary>
    /// <param name="tensors">Tensors of one shape and type.</param>
    /// <param name="dim">Where the new dimension goes.</param>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack: no tensors given");
        foreach (Tensor t in tensors)
        {
            if (!ShapeMath.Same(t._shape, tensors[0]._shape))
                throw new ArgumentException($"Stack: shapes {ShapeMath.Format(tensors[0]._shape)} and {ShapeMath.Format(t._shape)} differ");
        }
        return Cat(tensors.Select(t => t.Unsqueeze(dim)).ToArray(), dim);
    }

    /// <summary>This tensor converted to another element type (a copy; the same tensor when the type already matches). Gradients convert back.</summary>
    /// <param name="dtype">The element type.</param>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        Tensor source = StridedCopy.ToContiguous(this);
        Tensor result = FromDoubles(source.ToDoubleArray(), (int[])_shape.Clone(), dtype);
        if (!DTypes.IsFloat(dtype) || !DTypes.IsFloat(DType)) // indices and masks carry no gradient (but a trace sees them)
            return TensorGraph.Tracing ? TensorGraph.Describe(result, "To", [this]) : result;
        DType original = DType;
        return TensorGraph.Record(result, "To", [this], [], g => [g.To(original)]);
    }

    private bool SameShape(IReadOnlyList<int> shape)
    {
        if (shape.Count != _shape.Length) return false;
        for (int i = 0; i < _shape.Length; i++)
        {
            if (shape[i] != _shape[i]) return false;
        }
        return true;
    }

    /// <summary>A new tensor object over the same view, recorded as identity (so rules never attach to this one).</summary>
    private Tensor Alias(string op) => TensorGraph.Record(View((int[])_shape.Clone(), _strides.ToArray(), _offset), op, [this], [], g => [g]);

    private int[] InferShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int count = Count, known = 1, infer = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape: more than one -1 in {ShapeMath.Format(shape)}");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"Reshape: negative size in {ShapeMath.Format(shape)}");
            else known *= shape[i];
        }
        var target = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || count % known != 0)
                throw new ArgumentException($"Reshape: cannot reshape {ShapeMath.Format(_shape)} ({count} elements) to {ShapeMath.Format(shape)}");
            target[infer] = count / known;
        }
        if (ShapeMath.Count(target) != count)
            throw new ArgumentException($"Reshape: cannot reshape {ShapeMath.Format(_shape)} ({count} elements) to {ShapeMath.Format(shape)} ({ShapeMath.Count(target)} elements)");
        return target;
    }
}
