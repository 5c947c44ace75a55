using System.Globalization;
using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// A scalar that remembers how it was computed, so that <see cref="Backward"/> can apply the
/// chain rule through everything that produced it: the chapter's engine (micrograd's
/// <c>Value</c>) in C#.
/// </summary>
/// <remarks>
/// <para>
/// Each operator computes its result and, right beside it in a small nested class, states the
/// local derivative that <see cref="Backward"/> multiplies by the incoming gradient and adds
/// (<c>+=</c>) to its inputs. Derived operators are compositions: <c>a - b</c> is
/// <c>a + (-b)</c>, <c>a / b</c> is <c>a * b.Pow(-1)</c>.
/// </para>
/// <para>
/// Arithmetic follows IEEE 754 and never throws: <c>Log</c> of zero is negative infinity, of a
/// negative number NaN; <c>Pow</c> with no real result (a negative base and a fractional
/// exponent) is NaN; NaN flows through every operator and gradient.
/// </para>
/// <para>
/// A graph is not thread-safe: do not run <see cref="Backward"/> on graphs that share nodes
/// from two threads at once. Separate graphs may be used from separate threads.
/// </para>
/// </remarks>
public class Value
{
    // Labels are rare and only read for display, so they live beside the graph rather than in
    // every node: eight bytes saved per node keeps a million-step chain under 200 MB.
    private static readonly ConditionalWeakTable<Value, string> Labels = new();

    /// <summary>
    /// How many consumers of this node still have to pass their gradient back during the
    /// current <see cref="Backward"/>; zero between passes (see <see cref="ValueGraph"/>).
    /// </summary>
    internal int PendingConsumers;

    /// <summary>Creates a leaf value: an input or a parameter.</summary>
    /// <param name="data">The number it holds.</param>
    /// <param name="label">An optional name, shown by graph drawings.</param>
    public Value(double data, string? label = null)
    {
        Data = data;
        if (label is not null) Label = label;
    }

    /// <summary>The number this node holds. Settable, so an optimizer can update parameters.</summary>
    public double Data { get; set; }

    /// <summary>
    /// d(output)/d(this) accumulated by <see cref="Backward"/>; zero until then. Settable, so
    /// an optimizer or a test can reset or scale it.
    /// </summary>
    public double Grad { get; set; }

    /// <summary>An optional name for display; <see langword="null"/> when none was given.</summary>
    public string? Label
    {
        get => Labels.TryGetValue(this, out string? label) ? label : null;
        set
        {
            if (value is null) Labels.Remove(this);
            else Labels.AddOrUpdate(this, value);
        }
    }

    /// <summary>The operation that produced this node (<c>"+"</c>, <c>"*"</c>, <c>"**2"</c>,
    /// <c>"ReLU"</c>, …); the empty string for a leaf.</summary>
    public virtual string Op => "";

    /// <summary>The nodes this one was computed from (none for a leaf, one or two for an op).</summary>
    public virtual IReadOnlyList<Value> Inputs => [];

    /// <summary>
    /// Adds this node's share of the gradient to each input: <c>input.Grad += local * Grad</c>.
    /// A leaf has no inputs and does nothing.
    /// </summary>
    private protected virtual void PropagateGrad() { }

    /// <summary>Backward, first pass: counts this node as a consumer of each of its inputs (see <see cref="ValueGraph"/>).</summary>
    internal virtual void CountInputs(NodeStack unseen) { }

    /// <summary>Backward, second pass: releases each input whose last consumer this node was.</summary>
    internal virtual void ReleaseInputs(NodeStack ready) { }

    /// <summary>Backward, second pass: passes this node's gradient to its inputs and releases them.</summary>
    internal void BackwardStep(NodeStack ready)
    {
        PropagateGrad();
        ReleaseInputs(ready);
    }

    // ---- binary operators -------------------------------------------------------------

    /// <summary>Sum of two values; d/da = 1, d/db = 1.</summary>
    public static Value operator +(Value a, Value b) => new Add(a, b);

    private sealed class Add(Value a, Value b) : Binary(a, b, a.Data + b.Data)
    {
        public override string Op => "+";
        private protected override void PropagateGrad() { A.Grad += Grad; B.Grad += Grad; }
    }

    /// <summary>Product of two values; d/da = b, d/db = a.</summary>
    public static Value operator *(Value a, Value b) => new Mul(a, b);

    private sealed class Mul(Value a, Value b) : Binary(a, b, a.Data * b.Data)
    {
        public override string Op => "*";
        private protected override void PropagateGrad() { A.Grad += B.Data * Grad; B.Grad += A.Data * Grad; }
    }

    /// <summary><c>a - b</c>, computed as <c>a + (-b)</c>.</summary>
    public static Value operator -(Value a, Value b) => a + (-b);

    /// <summary><c>a / b</c>, computed as <c>a * b.Pow(-1)</c>.</summary>
    public static Value operator /(Value a, Value b) => a * b.Pow(-1);

    /// <summary><c>-a</c>, computed as <c>a * -1</c>.</summary>
    public static Value operator -(Value a) => a * -1.0;

    // ---- with a constant ----------------------------------------------------------------
    // A double operand is a constant: it becomes part of the op rather than a node of its
    // own, which halves the nodes of expressions such as x * 1.0001 + 0.5. The constant is
    // still shown by Op and by graph drawings.

    /// <summary><c>a + k</c> for a constant <paramref name="k"/>; d/da = 1.</summary>
    public static Value operator +(Value a, double k) => new AddConstant(a, k);

    /// <summary><c>k + a</c> for a constant <paramref name="k"/>.</summary>
    public static Value operator +(double k, Value a) => new AddConstant(a, k);

    private sealed class AddConstant(Value a, double k) : Unary(a, a.Data + k)
    {
        public override string Op => "+" + k.ToString("R", CultureInfo.InvariantCulture);
        private protected override void PropagateGrad() => A.Grad += Grad;
    }

    /// <summary><c>a * k</c> for a constant <paramref name="k"/>; d/da = k.</summary>
    public static Value operator *(Value a, double k) => new MulConstant(a, k);

    /// <summary><c>k * a</c> for a constant <paramref name="k"/>.</summary>
    public static Value operator *(double k, Value a) => new MulConstant(a, k);

    private sealed class MulConstant(Value a, double k) : Unary(a, a.Data * k)
    {
        public override string Op => "*" + k.ToString("R", CultureInfo.InvariantCulture);
        private protected override void PropagateGrad() => A.Grad += k * Grad;
    }

    /// <summary><c>a - k</c>, computed as <c>a + (-k)</c>.</summary>
    public static Value operator -(Value a, double k) => a + -k;

    /// <summary><c>k - a</c>, computed as <c>(-a) + k</c>.</summary>
    public static Value operator -(double k, Value a) => -a + k;

    /// <summary><c>a / k</c>, computed as <c>a * (1 / k)</c>.</summary>
    public static Value operator /(Value a, double k) => a * (1.0 / k);

    /// <summary><c>k / a</c>, computed as <c>a.Pow(-1) * k</c>.</summary>
    public static Value operator /(double k, Value a) => a.Pow(-1) * k;

    // ---- functions ------------------------------------------------------------------------

    /// <summary>
    /// This value raised to a constant power; d/da = exponent * a^(exponent - 1). A negative
    /// base with a fractional exponent gives NaN, as <see cref="Math.Pow"/> does.
    /// </summary>
    public Value Pow(double exponent) => new Power(this, exponent);

    private sealed class Power(Value a, double exponent) : Unary(a, Math.Pow(a.Data, exponent))
    {
        public override string Op => "**" + exponent.ToString("R", CultureInfo.InvariantCulture);
        private protected override void PropagateGrad() => A.Grad += exponent * Math.Pow(A.Data, exponent - 1) * Grad;
    }

    /// <summary>e raised to this value; d/da = e^a.</summary>
    public Value Exp() => new Exponential(this);

    private sealed class Exponential(Value a) : Unary(a, Math.Exp(a.Data))
    {
        public override string Op => "exp";
        private protected override void PropagateGrad() => A.Grad += Data * Grad;
    }

    /// <summary>
    /// Natural logarithm; d/da = 1/a. Zero gives negative infinity and a negative number NaN,
    /// as IEEE arithmetic does; no exception is thrown.
    /// </summary>
    public Value Log() => new Logarithm(this);

    private sealed class Logarithm(Value a) : Unary(a, Math.Log(a.Data))
    {
        public override string Op => "log";
        private protected override void PropagateGrad() => A.Grad += Grad / A.Data;
    }

    /// <summary>Hyperbolic tangent; d/da = 1 - tanh(a)^2.</summary>
    public Value Tanh() => new HyperbolicTangent(this);

    private sealed class HyperbolicTangent(Value a) : Unary(a, Math.Tanh(a.Data))
    {
        public override string Op => "tanh";
        private protected override void PropagateGrad() => A.Grad += (1 - Data * Data) * Grad;
    }

    /// <summary>The logistic function 1 / (1 + e^-a); d/da = s(1 - s).</summary>
    public Value Sigmoid() => new Logistic(this);

    private sealed class Logistic(Value a) : Unary(a, 1 / (1 + Math.Exp(-a.Data)))
    {
        public override string Op => "sigmoid";
        private protected override void PropagateGrad() => A.Grad += Data * (1 - Data) * Grad;
    }

    /// <summary>max(0, a); d/da = 1 where the output is positive, else 0. NaN stays NaN.</summary>
    public Value Relu() => new Rectifier(this);

    private sealed class Rectifier(Value a) : Unary(a, Math.Max(0.0, a.Data))
    {
        public override string Op => "ReLU";
        private protected override void PropagateGrad() { if (Data > 0) A.Grad += Grad; }
    }

    // ---- backward ---------------------------------------------------------------------------

    /// <summary>
    /// Runs backpropagation from this node: sets this node's <see cref="Grad"/> to 1, then runs
    /// every node's local rule exactly once, in reverse topological order, so that each node's
    /// <see cref="Grad"/> gains d(this)/d(node).
    /// </summary>
    /// <remarks>
    /// Gradients accumulate (<c>+=</c>), as in the chapter: a node used twice receives both
    /// contributions, and calling <see cref="Backward"/> twice without <see cref="ZeroGrad"/>
    /// adds the gradients a second time to every node but this one (whose gradient is set, not
    /// added). The traversal uses explicit stacks, never recursion, so graphs of any depth
    /// work.
    /// </remarks>
    public void Backward() => ValueGraph.Backward(this);

    /// <summary>Sets <see cref="Grad"/> to zero on this node and every node it was computed from.</summary>
    public void ZeroGrad()
    {
        foreach (Value node in ValueGraph.Nodes(this)) node.Grad = 0;
    }

    /// <summary>The chapter's format, e.g. <c>Value(1.3000, grad=-7.4000)</c>, in invariant culture.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Value({Data:F4}, grad={Grad:F4})");

    // ---- node shapes ------------------------------------------------------------------------

    /// <summary>A node computed from one input.</summary>
    private abstract class Unary(Value a, double data) : Value(data)
    {
        protected readonly Value A = a;
        public sealed override IReadOnlyList<Value> Inputs => [A];
        internal sealed override void CountInputs(NodeStack unseen) => unseen.PushIfFirstSeen(A);
        internal sealed override void ReleaseInputs(NodeStack ready) => ready.PushIfLastConsumer(A);
    }

    /// <summary>A node computed from two inputs.</summary>
    private abstract class Binary(Value a, Value b, double data) : Value(data)
    {
        protected readonly Value A = a;
        protected readonly Value B = b;
        public sealed override IReadOnlyList<Value> Inputs => [A, B];
        internal sealed override void CountInputs(NodeStack unseen) { unseen.PushIfFirstSeen(A); unseen.PushIfFirstSeen(B); }
        internal sealed override void ReleaseInputs(NodeStack ready) { ready.PushIfLastConsumer(A); ready.PushIfLastConsumer(B); }
    }
}
