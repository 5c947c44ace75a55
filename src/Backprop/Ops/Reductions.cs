using Backprop.Kernels;
namespace Backprop;

// Reductions over all elements or over dimensions (with keepDim), each with its backward rule.

public partial class Tensor
{
    /// <summary>The sum of all elements, as a scalar tensor; the gradient is the output's gradient everywhere.</summary>
    public Tensor Sum() => Sum(AllDims(), keepDim: false);

    /// <summary>
    /// Sums over the given dimensions; d/dx = 1, the gradient broadcast back over them. Float32
    /// sums stay accurate past 2^24 elements (blocks summed with SIMD, blocks added in double;
    /// see <see cref="SumKernel"/>), and are deterministic.
    /// </summary>
    /// <param name="dims">The dimensions to reduce (negative counts from the end); empty reduces nothing.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        // Bool masks count their true elements and Int64 sums stay integers, as in PyTorch
        // (exact through doubles up to 2^53).
        if (DType is DType.Bool or DType.Int64) return To(DType.Float64).Sum(dims, keepDim).To(DType.Int64);
        DTypes.RequireFloat("Sum", this);
        bool[] reduce = ReducedDims("Sum", dims);
        Tensor result = StridedCopy.ToContiguous(this);
        if (Rank > 1 && Array.TrueForAll(reduce, r => r))
        {
            // Everything at once: one pass instead of one per dimension.
            Tensor source = result;
            result = Uninitialized(DType, KeptShape(reduce));
            if (DType == DType.Float32) result.Storage<float>()[0] = SumKernel.Sum<float>(source.Span<float>());
            else result.Storage<double>()[0] = SumKernel.Sum<double>(source.Span<double>());
        }
        else
        {
            // Neighbouring dimensions reduced together are one dimension of the contiguous data
            // (H and W of an image's [0, 2, 3] sum: one pass over each plane, not one per row).
            (int[] merged, bool[] reduceMerged) = MergeNeighbours(reduce);
            result = result.View(merged, ShapeMath.ContiguousStrides(merged), result.Offset);
            for (int d = merged.Length - 1; d >= 0; d--)
            {
                if (reduceMerged[d]) result = SumAlong(result, d);
            }
        }
        // Always a new tensor object (reducing nothing returns a view), so the rule below is
        // attached to the result and never to this tensor.
        int[] final = keepDim ? KeptShape(reduce) : DropDims(reduce);
        result = result.View(final, ShapeMath.ContiguousStrides(final), result.Offset);
        int[] kept = KeptShape(reduce);
        result = TensorGraph.Record(result, "Sum", [this], [], g => [g.Reshape(kept).Expand(_shape)]);
        return TensorGraph.Tracing
            ? TensorGraph.Describe(result, "Sum", [this], new ReductionAttributes(Enumerable.Range(0, Rank).Where(d => reduce[d]).ToArray(), keepDim))
            : result;
    }

    /// <summary>Sums over one dimension.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>The mean of all elements (NaN for an empty tensor).</summary>
    public Tensor Mean() => Sum() / Count;

    /// <summary>The mean over the given dimensions.</summary>
    /// <param name="dims">The dimensions to reduce.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    public Tensor Mean(int[] dims, bool keepDim = false) => Sum(dims, keepDim) / ReducedCount(dims);

    /// <summary>The mean over one dimension.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>
    /// The variance over the given dimensions (all when null): the sum of squared deviations
    /// from the mean divided by n − <paramref name="correction"/>, as
    /// <c>torch.var(dims, correction=…)</c>; without it, n − 1 when <paramref name="unbiased"/>
    /// (PyTorch's default), else n. As in PyTorch, the divisor is never negative: an empty
    /// reduction is NaN (0/0), not -0, and so is the unbiased variance of one element.
    /// </summary>
    /// <param name="dims">The dimensions to reduce, or null for all.</param>
    /// <param name="unbiased">Bessel's correction (ignored when <paramref name="correction"/> is given).</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <param name="correction">What to subtract from n in the divisor: 0 for the population variance, 1 for the sample variance.</param>
    public Tensor Var(int[]? dims = null, bool unbiased = true, bool keepDim = false, double? correction = null)
    {
        int[] over = dims ?? AllDims();
        double subtract = correction ?? (unbiased ? 1 : 0);
        if (!(subtract >= 0)) throw new ArgumentOutOfRangeException(nameof(correction), correction, $"Var: correction must be 0 or more, got {correction}");
        Tensor deviation = this - Mean(over, keepDim: true);
        return (deviation * deviation).Sum(over, keepDim) / Math.Max(0, ReducedCount(over) - subtract);
    }

    /// <summary>The variance over one dimension (see <see cref="Var(int[], bool, bool, double?)"/>).</summary>
    /// <param name="dim">The dimension to reduce.</param>
    /// <param name="unbiased">Bessel's correction (ignored when <paramref name="correction"/> is given).</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <param name="correction">What to subtract from n in the divisor.</param>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false, double? correction = null) => Var([dim], unbiased, keepDim, correction);

    /// <summary>The standard deviation: the square root of <see cref="Var(int[], bool, bool, double?)"/> (NaN for an empty reduction).</summary>
    /// <param name="dims">The dimensions to reduce, or null for all.</param>
    /// <param name="unbiased">Bessel's correction (ignored when <paramref name="correction"/> is given).</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <param name="correction">What to subtract from n in the divisor: 0 for the population standard deviation.</param>
    public Tensor Std(int[]? dims = null, bool unbiased = true, bool keepDim = false, double? correction = null) => Var(dims, unbiased, keepDim, correction).Sqrt();

    /// <summary>The standard deviation over one dimension.</summary>
    /// <param name="dim">The dimension to reduce.</param>
    /// <param name="unbiased">Bessel's correction (ignored when <paramref name="correction"/> is given).</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <param name="correction">What to subtract from n in the divisor.</param>
    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false, double? correction = null) => Var([dim], unbiased, keepDim, correction).Sqrt();

    /// <summary>
    /// log Σ e^x over the given dimensions, computed stably by subtracting the maximum first;
    /// d/dx = softmax(x). An empty reduction is -∞.
    /// </summary>
    /// <param name="dims">The dimensions to reduce.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        // Over nothing the sum is 0 and its log -∞ (as PyTorch); there is no maximum to shift by.
        Tensor shift = ReducedCount(dims) == 0 ? Zeros(KeptShape(ReducedDims("LogSumExp", dims)), DType) : MaxOver(dims).Detach();
        using (Autograd.NoGrad()) shift = Where(shift.Abs().Eq(double.PositiveInfinity), ZerosLike(shift), shift);
        Tensor result = (this - shift).Exp().Sum(dims, keepDim: true).Log() + shift;
        return keepDim ? result : result.Reshape(DropDims(ReducedDims("LogSumExp", dims)));
    }

    /// <summary>log Σ e^x over all elements, as a scalar tensor.</summary>
    public Tensor LogSumExp() => LogSumExp(AllDims());

    /// <summary>log Σ e^x over one dimension.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    /// <summary>The largest element, as a scalar tensor; the gradient goes to its first occurrence.</summary>
    public Tensor Max() => Flatten().Max(0).Values;

    /// <summary>The smallest element, as a scalar tensor; the gradient goes to its first occurrence.</summary>
    public Tensor Min() => Flatten().Min(0).Values;

    /// <summary>The largest element along <paramref name="dim"/> and its index (first occurrence); the gradient goes to that element.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => Extremum("Max", dim, keepDim, max: true);

    /// <summary>The smallest element along <paramref name="dim"/> and its index (first occurrence); the gradient goes to that element.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => Extremum("Min", dim, keepDim, max: false);

    /// <summary>The index of the largest element along <paramref name="dim"/> (first occurrence), as Int64.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public Tensor Argmax(int dim, bool keepDim = false) => Max(dim, keepDim).Indices;

    /// <summary>The index of the largest element of the flattened tensor, as an Int64 scalar.</summary>
    public Tensor Argmax() => Flatten().Argmax(0);

    /// <summary>The index of the smallest element along <paramref name="dim"/> (first occurrence), as Int64.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    public Tensor Argmin(int dim, bool keepDim = false) => Min(dim, keepDim).Indices;

    private (Tensor Values, Tensor Indices) Extremum(string op, int dim, bool keepDim, bool max)
    {
        DTypes.RequireFloat(op, this);
        int d = ShapeMath.NormalizeDim(op, dim, Rank);
        int n = Rank == 0 ? 1 : _shape[d];
        if (n == 0) throw new ArgumentException($"{op}: dimension {dim} of shape {ShapeMath.Format(_shape)} is empty");
        (int outer, int inner) = OuterInner(d);
        int[] kept = Rank == 0 ? [] : KeptShape(ReducedDims(op, [d]));
        Tensor source = StridedCopy.ToContiguous(this);
        Tensor values = Empty(DType, kept);
        Tensor indices = Empty(DType.Int64, (int[])kept.Clone());
        if (DType == DType.Float32) ReduceKernels.Extremum(source.Span<float>(), values.Span<float>(), indices.Span<long>(), outer, n, inner, max);
        else ReduceKernels.Extremum(source.Span<double>(), values.Span<double>(), indices.Span<long>(), outer, n, inner, max);

        Tensor oneHot = OneHot(indices, d, n);
        if (!keepDim && Rank > 0)
        {
            int[] dropped = DropDims(ReducedDims(op, [d]));
            values = values.View(dropped, ShapeMath.ContiguousStrides(dropped), 0);
            indices = indices.View((int[])dropped.Clone(), ShapeMath.ContiguousStrides(dropped), 0);
        }
        Tensor recorded = TensorGraph.Record(values, op, [this], [], g => [g.Reshape(kept) * oneHot]);
        return (recorded, indices);
    }

    /// <summary>A mask shaped like this tensor with 1 at each selected index along <paramref name="dim"/>.</summary>
    private Tensor OneHot(Tensor indices, int dim, int n)
    {
        Tensor mask = Empty(DType, (int[])_shape.Clone());
        (int outer, int inner) = OuterInner(dim);
        ReadOnlySpan<long> idx = indices.Span<long>();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int at = (o * n + (int)idx[o * inner + i]) * inner + i;
                if (DType == DType.Float32) mask.Storage<float>()[at] = 1;
                else mask.Storage<double>()[at] = 1;
            }
        }
        return mask;
    }

    /// <summary>The maximum over <paramref name="dims"/>, kept as size-1 dimensions (no gradient).</summary>
    private Tensor MaxOver(int[] dims)
    {
        Tensor result = Detach();
        bool[] reduce = ReducedDims("Max", dims);
        for (int d = 0; d < Rank; d++)
        {
            if (reduce[d]) result = result.Max(d, keepDim: true).Values.Detach();
        }
        return result;
    }

    private static Tensor SumAlong(Tensor contiguous, int dim)
    {
        (int outer, int inner) = contiguous.OuterInner(dim);
        int n = contiguous._shape[dim];
        int[] shape = (int[])contiguous._shape.Clone();
        shape[dim] = 1;
        Tensor result = Uninitialized(contiguous.DType, shape);
        if (contiguous.DType == DType.Float32) ReduceKernels.Sum(contiguous.Span<float>(), result.Span<float>(), outer, n, inner);
        else ReduceKernels.Sum(contiguous.Span<double>(), result.Span<double>(), outer, n, inner);
        return result;
    }

    /// <summary>This tensor's shape with each run of neighbouring dimensions that are all reduced (or all kept) multiplied into one, and which of those are reduced.</summary>
    private (int[] Shape, bool[] Reduce) MergeNeighbours(bool[] reduce)
    {
        var shape = new List<int>(Rank);
        var flags = new List<bool>(Rank);
        for (int d = 0; d < Rank; d++)
        {
            if (d > 0 && reduce[d] == reduce[d - 1]) shape[^1] *= _shape[d];
            else
            {
                shape.Add(_shape[d]);
                flags.Add(reduce[d]);
            }
        }
        return ([.. shape], [.. flags]);
    }

    /// <summary>The number of elements before and after dimension <paramref name="dim"/>.</summary>
    internal (int Outer, int Inner) OuterInner(int dim)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= _shape[i];
        for (int i = dim + 1; i < _shape.Length; i++) inner *= _shape[i];
        return (outer, inner);
    }

    private int[] AllDims() => Enumerable.Range(0, Rank).ToArray();

    private bool[] ReducedDims(string op, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var reduce = new bool[Rank];
        foreach (int dim in dims)
        {
            int d = ShapeMath.NormalizeDim(op, dim, Rank);
            if (Rank > 0)
            {
                if (reduce[d]) throw new ArgumentException($"{op}: dimension {dim} appears twice");
                reduce[d] = true;
            }
        }
        return reduce;
    }

    private int ReducedCount(int[] dims)
    {
        bool[] reduce = ReducedDims("Mean", dims);
        int count = 1;
        for (int d = 0; d < Rank; d++) if (reduce[d]) count *= _shape[d];
        return count;
    }

    private int[] KeptShape(bool[] reduce)
    {
        var shape = (int[])_shape.Clone();
        for (int d = 0; d < Rank; d++) if (reduce[d]) shape[d] = 1;
        return shape;
    }

    private int[] DropDims(bool[] reduce) => _shape.Where((_, d) => !reduce[d]).ToArray();
}
