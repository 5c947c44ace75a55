using Backprop.Kernels;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop;

// Comparisons and logic on masks: Bool results, as PyTorch's, never recorded for backward (a
// step function has no useful gradient). NaN compares false, except Ne, which is true.

public partial class Tensor
{
    private enum Comparison { Gt, Ge, Lt, Le, Eq, Ne }

    /// <summary>true where <c>this &gt; other</c> (broadcast), as <c>torch.gt</c>; a Bool tensor, no gradient.</summary>
    /// <param name="other">A tensor of the same type.</param>
    public Tensor Gt(Tensor other) => Compare("Gt", this, other, Comparison.Gt);

    /// <summary>true where <c>this ≥ other</c> (broadcast); a Bool tensor, no gradient.</summary>
    /// <param name="other">A tensor of the same type.</param>
    public Tensor Ge(Tensor other) => Compare("Ge", this, other, Comparison.Ge);

    /// <summary>true where <c>this &lt; other</c> (broadcast); a Bool tensor, no gradient.</summary>
    /// <param name="other">A tensor of the same type.</param>
    public Tensor Lt(Tensor other) => Compare("Lt", this, other, Comparison.Lt);

    /// <summary>true where <c>this ≤ other</c> (broadcast); a Bool tensor, no gradient.</summary>
    /// <param name="other">A tensor of the same type.</param>
    public Tensor Le(Tensor other) => Compare("Le", this, other, Comparison.Le);

    /// <summary>
    /// true where <c>this == other</c> (broadcast), for any type including Int64 class indices
    /// (<c>predicted.Eq(labels)</c>) and Bool masks; a Bool tensor, no gradient.
    /// </summary>
    /// <param name="other">A tensor of the same type.</param>
    public Tensor Eq(Tensor other) => Compare("Eq", this, other, Comparison.Eq);

    /// <summary>true where <c>this != other</c> (broadcast), for any type; a Bool tensor, no gradient.</summary>
    /// <param name="other">A tensor of the same type.</param>
    public Tensor Ne(Tensor other) => Compare("Ne", this, other, Comparison.Ne);

    /// <summary>true where <c>this &gt; value</c>.</summary>
    /// <param name="value">The threshold.</param>
    public Tensor Gt(double value) => CompareWith("Gt", value, Comparison.Gt);

    /// <summary>true where <c>this ≥ value</c>.</summary>
    /// <param name="value">The threshold.</param>
    public Tensor Ge(double value) => CompareWith("Ge", value, Comparison.Ge);

    /// <summary>true where <c>this &lt; value</c>.</summary>
    /// <param name="value">The threshold.</param>
    public Tensor Lt(double value) => CompareWith("Lt", value, Comparison.Lt);

    /// <summary>true where <c>this ≤ value</c>.</summary>
    /// <param name="value">The threshold.</param>
    public Tensor Le(double value) => CompareWith("Le", value, Comparison.Le);

    /// <summary>true where <c>this == value</c> (for Int64 tensors, an exact comparison with the number).</summary>
    /// <param name="value">The value.</param>
    public Tensor Eq(double value) => CompareWith("Eq", value, Comparison.Eq);

    /// <summary>true where <c>this != value</c>.</summary>
    /// <param name="value">The value.</param>
    public Tensor Ne(double value) => CompareWith("Ne", value, Comparison.Ne);

    /// <summary>true where this Bool tensor is false, as <c>torch.logical_not</c> (<c>~mask</c>).</summary>
    public Tensor LogicalNot() => Logic("LogicalNot", this, this, static (x, _) => !x);

    /// <summary>true where both Bool tensors are (broadcast), as <c>mask1 &amp; mask2</c>.</summary>
    /// <param name="other">A Bool tensor.</param>
    public Tensor LogicalAnd(Tensor other) => Logic("LogicalAnd", this, other, static (x, y) => x & y);

    /// <summary>true where either Bool tensor is (broadcast), as <c>mask1 | mask2</c>.</summary>
    /// <param name="other">A Bool tensor.</param>
    public Tensor LogicalOr(Tensor other) => Logic("LogicalOr", this, other, static (x, y) => x | y);

    /// <summary>Whether any element is true (non-zero), as a zero-dimensional Bool tensor (false when empty).</summary>
    public Tensor Any() => Scalar(NonZero().Any(v => v) ? 1 : 0, DType.Bool);

    /// <summary>Whether every element is true (non-zero), as a zero-dimensional Bool tensor (true when empty).</summary>
    public Tensor All() => Scalar(NonZero().All(v => v) ? 1 : 0, DType.Bool);

    /// <summary>
    /// This tensor with <paramref name="value"/> where <paramref name="mask"/> is true, as
    /// <c>torch.masked_fill</c>; the gradient flows to the positions kept.
    /// </summary>
    /// <param name="mask">A Bool mask broadcastable to this tensor's shape.</param>
    /// <param name="value">The value to put there.</param>
    /// <exception cref="ArgumentException">The mask is not Bool, or the shapes do not broadcast.</exception>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.DType != DType.Bool) throw new ArgumentException($"MaskedFill: the mask is {mask.DType}; it must be a Bool tensor (from a comparison such as Gt)", nameof(mask));
        DTypes.RequireFloat("MaskedFill", this);
        Tensor result = Where(mask, Scalar(value, DType), this);
        // Where broadcasts to the mask's shape too; masked_fill keeps this tensor's.
        return ShapeMath.Same(result.ShapeArray, _shape) ? result
            : throw new ArgumentException($"MaskedFill: mask {ShapeMath.Format(mask._shape)} does not broadcast to {ShapeMath.Format(_shape)}", nameof(mask));
    }

    /// <summary>Logical not of a Bool tensor (<c>!mask</c>).</summary>
    public static Tensor operator !(Tensor mask) => mask.LogicalNot();

    /// <summary>Logical not of a Bool tensor (<c>~mask</c>, PyTorch's spelling).</summary>
    public static Tensor operator ~(Tensor mask) => mask.LogicalNot();

    /// <summary>Logical and of Bool tensors (broadcast).</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);

    /// <summary>Logical or of Bool tensors (broadcast).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);

    private bool[] NonZero() => DType == DType.Bool ? ToArray<bool>() : Array.ConvertAll(ToDoubleArray(), v => v != 0);

    private Tensor CompareWith(string op, double value, Comparison kind)
    {
        if (DType == DType.Int64 && (value != Math.Floor(value) || Math.Abs(value) >= 9.2e18))
            return Compare(op, To(DType.Float64), Scalar(value, DType.Float64), kind); // 3.5 is no Int64: compare as numbers
        return Compare(op, this, Scalar(value, DType), kind);
    }

    private static Tensor Compare(string op, Tensor a, Tensor b, Comparison kind)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: operands are {a.DType} {ShapeMath.Format(a._shape)} and {b.DType} {ShapeMath.Format(b._shape)}; mixing types is an error, convert one with To(DType)");
        int[] shape = ShapeMath.Broadcast(op, a._shape, b._shape);
        Tensor result = Uninitialized(DType.Bool, shape);
        Span<bool> d = result.Span<bool>();
        if (d.Length == 0) return result;
        switch (a.DType)
        {
            case DType.Float32: CompareAll(Operand<float>(a, shape), Operand<float>(b, shape), d, kind); break;
            case DType.Float64: CompareAll(Operand<double>(a, shape), Operand<double>(b, shape), d, kind); break;
            case DType.Int64: CompareAll(Operand<long>(a, shape), Operand<long>(b, shape), d, kind); break;
            default:
                if (kind is not (Comparison.Eq or Comparison.Ne))
                    throw new ArgumentException($"{op}: Bool tensors have no order; compare them with Eq or Ne, or convert with To(DType.Float32)");
                CompareAll(MemoryMarshal.Cast<bool, byte>(Operand<bool>(a, shape)), MemoryMarshal.Cast<bool, byte>(Operand<bool>(b, shape)), d, kind);
                break;
        }
        // Not recorded for gradients, but an export must see it rather than take it for a constant.
        return TensorGraph.Tracing ? TensorGraph.Describe(result, op, [a, b]) : result;
    }

    /// <summary>The elements of <paramref name="t"/>: one element when it has one (read as a scalar), else broadcast to <paramref name="shape"/>.</summary>
    private static ReadOnlySpan<T> Operand<T>(Tensor t, int[] shape) where T : unmanaged =>
        t.Count == 1 ? new ReadOnlySpan<T>(t.Storage<T>(), t.Offset, 1)
        : ShapeMath.Same(t._shape, shape) ? StridedCopy.ToContiguous(t).Span<T>()
        : StridedCopy.ToContiguous(ShapeOps.ExpandView(t, shape)).Span<T>();

    private static void CompareAll<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> d, Comparison kind) where T : IComparisonOperators<T, T, bool>
    {
        int sx = x.Length == 1 ? 0 : 1, sy = y.Length == 1 ? 0 : 1;
        switch (kind)
        {
            case Comparison.Gt: for (int i = 0; i < d.Length; i++) d[i] = x[i * sx] > y[i * sy]; break;
            case Comparison.Ge: for (int i = 0; i < d.Length; i++) d[i] = x[i * sx] >= y[i * sy]; break;
            case Comparison.Lt: for (int i = 0; i < d.Length; i++) d[i] = x[i * sx] < y[i * sy]; break;
            case Comparison.Le: for (int i = 0; i < d.Length; i++) d[i] = x[i * sx] <= y[i * sy]; break;
            case Comparison.Eq: for (int i = 0; i < d.Length; i++) d[i] = x[i * sx] == y[i * sy]; break;
            default: for (int i = 0; i < d.Length; i++) d[i] = x[i * sx] != y[i * sy]; break;
        }
    }

    private static Tensor Logic(string op, Tensor a, Tensor b, Func<bool, bool, bool> f)
    {
        ArgumentNullException.ThrowIfNull(b);
        foreach (Tensor t in (ReadOnlySpan<Tensor>)[a, b])
        {
            if (t.DType != DType.Bool)
                throw new ArgumentException($"{op}: operand is {t.DType} {ShapeMath.Format(t._shape)}; logical ops take Bool tensors (from comparisons such as Gt)");
        }
        int[] shape = ShapeMath.Broadcast(op, a._shape, b._shape);
        Tensor result = Uninitialized(DType.Bool, shape);
        Span<bool> d = result.Span<bool>();
        if (d.Length == 0) return result;
        ReadOnlySpan<bool> x = Operand<bool>(a, shape), y = Operand<bool>(b, shape);
        int sx = x.Length == 1 ? 0 : 1, sy = y.Length == 1 ? 0 : 1;
        for (int i = 0; i < d.Length; i++) d[i] = f(x[i * sx], y[i * sy]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, op, op == "LogicalNot" ? [a] : [a, b]) : result;
    }
}
