using Backprop.Kernels;
namespace Backprop;

// Arithmetic with NumPy broadcasting. Each op computes its result, then states its backward
// rule beside it; gradients of broadcast operands are summed back to their own shapes (SumTo).

public partial class Tensor
{
    /// <summary><c>this + other</c> with broadcasting; d/da = 1, d/db = 1.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Add(Tensor other)
    {
        if (PromoteBool(this, other) is { } p) return p.A.Add(p.B);
        Tensor result = Elementwise.Zip<AddKernel>("Add", this, other);
        return TensorGraph.WillRecord(this, other) ? RecordAdd(result, other) : result;
    }

    /// <summary><c>this - other</c> with broadcasting; d/da = 1, d/db = -1.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Sub(Tensor other)
    {
        if (PromoteBool(this, other) is { } p) return p.A.Sub(p.B);
        Tensor result = Elementwise.Zip<SubtractKernel>("Sub", this, other);
        return TensorGraph.WillRecord(this, other) ? RecordSub(result, other) : result;
    }

    /// <summary><c>this * other</c> element by element, with broadcasting; d/da = b, d/db = a.</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Mul(Tensor other)
    {
        if (PromoteBool(this, other) is { } p) return p.A.Mul(p.B);
        Tensor result = Elementwise.Zip<MultiplyKernel>("Mul", this, other);
        return TensorGraph.WillRecord(this, other) ? RecordMul(result, other) : result;
    }

    /// <summary><c>this / other</c> with broadcasting; d/da = 1/b, d/db = -a/b².</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Div(Tensor other)
    {
        if (PromoteBool(this, other) is { } p) return p.A.Div(p.B);
        Tensor result = Elementwise.Zip<DivideKernel>("Div", this, other);
        return TensorGraph.WillRecord(this, other) ? RecordDiv(result, other) : result;
    }

    // The rules are built in methods of their own, so that an op that will not be recorded (its
    // operands need no gradient, as a loss's targets, or under NoGrad) allocates no closure,
    // delegate or arrays: C# makes a lambda's captured variables when the method that declares
    // them starts.
    private Tensor RecordAdd(Tensor result, Tensor other) => TensorGraph.Record(result, "Add", [this, other], [],
        g => [RequiresGrad ? g.SumTo(_shape) : null, other.RequiresGrad ? g.SumTo(other._shape) : null]);

    private Tensor RecordSub(Tensor result, Tensor other) => TensorGraph.Record(result, "Sub", [this, other], [],
        g => [RequiresGrad ? g.SumTo(_shape) : null, other.RequiresGrad ? g.Neg().SumTo(other._shape) : null]);

    private Tensor RecordMul(Tensor result, Tensor other) => TensorGraph.Record(result, "Mul", [this, other], [this, other],
        g => [RequiresGrad ? (g * other).SumTo(_shape) : null, other.RequiresGrad ? (g * this).SumTo(other._shape) : null]);

    private Tensor RecordDiv(Tensor result, Tensor other) => TensorGraph.Record(result, "Div", [this, other], [this, other],
        g => [RequiresGrad ? (g / other).SumTo(_shape) : null, other.RequiresGrad ? (g.Neg() * this / (other * other)).SumTo(other._shape) : null]);

    /// <summary><c>-this</c>; d/da = -1.</summary>
    public Tensor Neg() =>
        TensorGraph.Record(Elementwise.Map<NegateKernel>("Neg", this), "Neg", [this], [], g => [g.Neg()]);

    /// <summary>
    /// <c>this</c> raised to <paramref name="exponent"/> element by element, with broadcasting;
    /// d/da = b·a^(b-1), taken as 0 where b = 0 (a⁰ is the constant 1, even at a = 0 where the
    /// formula gives 0·∞), and d/db = a^b·ln a, taken as 0 where a = 0 (so that 0^b with b ≥ 0
    /// has a finite gradient), both as PyTorch does.
    /// </summary>
    /// <param name="exponent">The exponent tensor.</param>
    public Tensor Pow(Tensor exponent)
    {
        Tensor result = Elementwise.Zip<PowKernel>("Pow", this, exponent);
        return TensorGraph.Record(result, "Pow", [this, exponent], [this, exponent], g =>
        [
            RequiresGrad ? Where(exponent.Eq(0.0), Scalar(0.0, DType), g * exponent * Pow(exponent - 1.0)).SumTo(_shape) : null,
            exponent.RequiresGrad ? (g * Where(this.Eq(0.0), ZerosLike(this), Pow(exponent) * Log())).SumTo(exponent._shape) : null,
        ]);
    }

    /// <summary>
    /// <c>this</c> raised to a constant power; d/da = k·a^(k-1), and 0 for k = 0 (a⁰ is the
    /// constant 1, even at a = 0 where the formula gives 0·∞), as PyTorch does. A negative base
    /// with a fractional exponent gives NaN.
    /// </summary>
    /// <param name="exponent">The exponent.</param>
    public Tensor Pow(double exponent)
    {
        DTypes.RequireFloat("Pow", this);
        Tensor k = Scalar(exponent, DType);
        Tensor result = TensorGraph.Record(Elementwise.Zip<PowKernel>("Pow", this, k), "Pow", [this], [this],
            g => [exponent == 0 ? ZerosLike(this) : g * exponent * Pow(exponent - 1)]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Pow", [this, k]) : result; // the exponent as the constant it is
    }

    /// <summary>The larger of the two, element by element with broadcasting; the gradient goes to the larger (split evenly on ties).</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Maximum(Tensor other) => Extremum<MaximumKernel>("Maximum", other, this.GtMask(other));

    /// <summary>The smaller of the two, element by element with broadcasting; the gradient goes to the smaller (split evenly on ties).</summary>
    /// <param name="other">The other operand.</param>
    public Tensor Minimum(Tensor other) => Extremum<MinimumKernel>("Minimum", other, other.GtMask(this));

    private Tensor Extremum<TKernel>(string op, Tensor other, Tensor thisWins) where TKernel : IBinaryKernel
    {
        Tensor result = Elementwise.Zip<TKernel>(op, this, other);
        return TensorGraph.Record(result, op, [this, other], [this, other], g =>
        {
            Tensor ties = this.EqMask(other) * 0.5;
            Tensor share = thisWins + ties;
            return [RequiresGrad ? (g * share).SumTo(_shape) : null, other.RequiresGrad ? (g * (1.0 - share)).SumTo(other._shape) : null];
        });
    }

    /// <summary>
    /// Element by element, <paramref name="a"/> where <paramref name="condition"/> is non-zero,
    /// else <paramref name="b"/>, all three broadcast together; gradients flow to the chosen side.
    /// </summary>
    /// <param name="condition">A Bool mask, e.g. from <see cref="Gt(Tensor)"/> (a numeric tensor counts non-zero as true).</param>
    /// <param name="a">Values where the condition holds.</param>
    /// <param name="b">Values elsewhere.</param>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        DTypes.RequireSame("Where", a, b);
        ArgumentNullException.ThrowIfNull(condition);
        Tensor mask = condition.DType == DType.Bool ? condition.To(a.DType)
            : condition.DType == a.DType ? condition.NeMask(0.0) : condition.To(a.DType).NeMask(0.0);
        // Selects rather than computing mask * a + (1 - mask) * b, which would turn an unchosen
        // infinity into NaN.
        int[] shape = ShapeMath.Broadcast("Where", ShapeMath.Broadcast("Where", mask.ShapeArray, a.ShapeArray), b.ShapeArray);
        Tensor result = Select(mask, a, b, shape);
        result = TensorGraph.Record(result, "Where", [a, b], [], g =>
            [(g * mask).SumTo(a._shape), (g * (1.0 - mask)).SumTo(b._shape)]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Where", [condition, a, b]) : result; // the condition as an input too
    }

    private static Tensor Select(Tensor mask, Tensor a, Tensor b, int[] shape)
    {
        Tensor m = StridedCopy.ToContiguous(ShapeOps.ExpandView(mask, shape));
        Tensor x = StridedCopy.ToContiguous(ShapeOps.ExpandView(a, shape));
        Tensor y = StridedCopy.ToContiguous(ShapeOps.ExpandView(b, shape));
        Tensor result = Uninitialized(a.DType, shape);
        if (a.DType == DType.Float32)
        {
            Span<float> d = result.Span<float>();
            ReadOnlySpan<float> ms = m.Span<float>(), xs = x.Span<float>(), ys = y.Span<float>();
            for (int i = 0; i < d.Length; i++) d[i] = ms[i] != 0 ? xs[i] : ys[i];
        }
        else
        {
            Span<double> d = result.Span<double>();
            ReadOnlySpan<double> ms = m.Span<double>(), xs = x.Span<double>(), ys = y.Span<double>();
            for (int i = 0; i < d.Length; i++) d[i] = ms[i] != 0 ? xs[i] : ys[i];
        }
        return result;
    }

    // ---- masks of 0 and 1 in the tensor's own type, for backward rules (not differentiable) ----

    /// <summary>1 where <c>this &gt; other</c>, else 0, in this tensor's floating-point type.</summary>
    internal Tensor GtMask(Tensor other) => Elementwise.Zip<GreaterKernel>("Gt", this, other);

    /// <summary>1 where <c>this &lt; other</c>, else 0.</summary>
    internal Tensor LtMask(Tensor other) => Elementwise.Zip<GreaterKernel>("Lt", other, this);

    /// <summary>1 where <c>this == other</c>, else 0.</summary>
    internal Tensor EqMask(Tensor other) => Elementwise.Zip<EqualKernel>("Eq", this, other);

    /// <summary>1 where <c>this &gt; value</c>, else 0.</summary>
    internal Tensor GtMask(double value) => GtMask(Scalar(value, DType));

    /// <summary>1 where <c>this &lt; value</c>, else 0.</summary>
    internal Tensor LtMask(double value) => LtMask(Scalar(value, DType));

    /// <summary>1 where <c>this != value</c>, else 0.</summary>
    internal Tensor NeMask(double value) => 1.0 - EqMask(Scalar(value, DType));

    // ---- operators ----

    /// <summary>Broadcast sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary>Broadcast difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    /// <summary>Broadcast element-wise product (use <see cref="MatMul"/> for the matrix product).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

    /// <summary>Broadcast quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Adds a constant.</summary>
    public static Tensor operator +(Tensor a, double k) => a.Add(ScalarLike(k, a));

    /// <summary>Adds to a constant.</summary>
    public static Tensor operator +(double k, Tensor a) => ScalarLike(k, a).Add(a);

    /// <summary>Subtracts a constant.</summary>
    public static Tensor operator -(Tensor a, double k) => a.Sub(ScalarLike(k, a));

    /// <summary>Subtracts from a constant.</summary>
    public static Tensor operator -(double k, Tensor a) => ScalarLike(k, a).Sub(a);

    /// <summary>Multiplies by a constant.</summary>
    public static Tensor operator *(Tensor a, double k) => a.Mul(ScalarLike(k, a));

    /// <summary>Multiplies a constant.</summary>
    public static Tensor operator *(double k, Tensor a) => ScalarLike(k, a).Mul(a);

    /// <summary>Divides by a constant.</summary>
    public static Tensor operator /(Tensor a, double k) => a.Div(ScalarLike(k, a));

    /// <summary>Divides a constant.</summary>
    public static Tensor operator /(double k, Tensor a) => ScalarLike(k, a).Div(a);

    private static Tensor ScalarLike(double k, Tensor like)
    {
        if (like.DType == DType.Bool) return Scalar(k, DType.Float32); // mask * 2.0 is a Float32, as in PyTorch
        DTypes.RequireFloat("arithmetic", like);
        return Scalar(k, like.DType);
    }

    /// <summary>
    /// The operands with a Bool one converted to the other's floating-point type (or Float32 when
    /// both are Bool), as PyTorch promotes <c>x * mask</c>; null when neither is Bool, which is
    /// every op of a training step (one comparison of two enum values).
    /// </summary>
    private static (Tensor A, Tensor B)? PromoteBool(Tensor a, Tensor b)
    {
        if (a.DType != DType.Bool && b.DType != DType.Bool) return null;
        DType target = a.DType != DType.Bool ? a.DType : b.DType != DType.Bool ? b.DType : DType.Float32;
        return (a.To(target), b.To(target));
    }
}
