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
/// Each operator computes its result and, right beside it, states the local derivative that
/// <see cref="Backward"/> multiplies by the incoming gradient and adds (<c>+=</c>) to its
/// inputs. Derived operators are compositions: <c>a - b</c> is <c>a + (-b)</c>, <c>a / b</c>
/// is <c>a * b.Pow(-1)</c>.
/// </para>
/// <para>
/// A <see cref="Value"/> is a handle on a node recorded on a tape (<see cref="Tape"/>): the
/// node's number, gradient, op and inputs live in plain blocks of nodes in creation order, which is
/// what makes <see cref="Backward"/> one reverse sweep. Two handles on the same node (the one
/// an operator returned and one from <see cref="Inputs"/>) are <see cref="Equals(Value?)"/>
/// and read and write the same <see cref="Data"/>, <see cref="Grad"/> and <see cref="Label"/>.
/// </para>
/// <para>
/// Arithmetic follows IEEE 754 and never throws: <c>Log</c> of zero is negative infinity, of a
/// negative number NaN; <c>Pow</c> with no real result (a negative base and a fractional
/// exponent) is NaN; NaN flows through every operator and gradient.
/// </para>
/// <para>
/// A graph is not thread-safe: do not run <see cref="Backward"/> on graphs that share nodes
/// from two threads at once. Separate graphs may be built and differentiated on separate
/// threads; each thread records on its own tape.
/// </para>
/// </remarks>
[System.Diagnostics.DebuggerDisplay("Value {Data} grad={Grad} {Op,nq}")]
[System.Diagnostics.DebuggerTypeProxy(typeof(ValueDebugView))]
public sealed unsafe class Value : IEquatable<Value>
{
    /// <summary>The chunk of the tape that holds this node.</summary>
    internal readonly TapeChunk Chunk;

    /// <summary>The node's position in <see cref="Chunk"/>.</summary>
    internal readonly int Slot;

    /// <summary>Creates a leaf value: an input or a parameter.</summary>
    /// <param name="data">The number it holds.</param>
    /// <param name="label">An optional name, shown by graph drawings.</param>
    public Value(double data, string? label = null)
    {
        (Chunk, Slot) = Tape.Leaf(data);
        if (label is not null) Label = label;
    }

    /// <summary>A handle on the node in <paramref name="slot"/> of <paramref name="chunk"/>.</summary>
    internal Value(TapeChunk chunk, int slot)
    {
        Chunk = chunk;
        Slot = slot;
    }

    /// <summary>The number this node holds. Settable, so an optimizer can update parameters.</summary>
    // The nodes are native memory, handed back once the collector finds their chunk dead: the
    // handle (and so its chunk) must stay alive until the node has been read or written, even
    // when this is the handle's last use (GC.KeepAlive costs no instruction). Data and Grad
    // each touch their field and then keep the handle: a shared ref-returning accessor could
    // not keep it alive past the caller's use.
    public double Data
    {
        get
        {
            double data = Chunk.Nodes[Slot].Data;
            GC.KeepAlive(this);
            return data;
        }
        set
        {
            Chunk.Nodes[Slot].Data = value;
            GC.KeepAlive(this);
        }
    }

    /// <summary>
    /// d(output)/d(this) from <see cref="Backward"/>; zero until then. On a leaf it accumulates
    /// over passes until reset; on a node made by an op it is the gradient of the most recent
    /// pass that reached the node. Settable, so an optimizer or a test can reset or scale it.
    /// </summary>
    public double Grad
    {
        get
        {
            double grad = Chunk.Nodes[Slot].Grad;
            GC.KeepAlive(this);
            return grad;
        }
        set
        {
            Chunk.Nodes[Slot].Grad = value;
            GC.KeepAlive(this);
        }
    }

    /// <summary>An optional name for display; <see langword="null"/> when none was given.</summary>
    public string? Label
    {
        get => Chunk.Labels is { } labels && labels.TryGetValue(Slot, out string? label) ? label : null;
        set
        {
            if (value is not null) (Chunk.Labels ??= [])[Slot] = value;
            else Chunk.Labels?.Remove(Slot);
        }
    }

    /// <summary>The operation that produced this node (<c>"+"</c>, <c>"*"</c>, <c>"**2"</c>,
    /// <c>"ReLU"</c>, …); the empty string for a leaf.</summary>
    public string Op => Chunk.OpAt(Slot) switch
    {
        OpCode.Add => "+",
        OpCode.Mul => "*",
        OpCode.AddConstant => "+" + Constant,
        OpCode.MulConstant => "*" + Constant,
        OpCode.Pow => "**" + Constant,
        OpCode.Exp => "exp",
        OpCode.Log => "log",
        OpCode.Tanh => "tanh",
        OpCode.Sigmoid => "sigmoid",
        OpCode.Relu => "ReLU",
        _ => "",
    };

    /// <summary>The constant operand, as Op shows it (round-trip format).</summary>
    private string Constant => Chunk.ConstantAt(Slot).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The nodes this one was computed from (none for a leaf, one or two for an op).</summary>
    public IReadOnlyList<Value> Inputs => Chunk.OpAt(Slot) switch
    {
        OpCode.Leaf => [],
        OpCode.Add or OpCode.Mul => [Chunk.Input(Chunk.Nodes[Slot].A), Chunk.Input(Chunk.Nodes[Slot].B)],
        _ => [Chunk.Input(Chunk.Nodes[Slot].A)],
    };

    /// <summary>
    /// d(this)/d(input) for each of <see cref="Inputs"/>, in the same order: the local derivative
    /// that <see cref="Backward"/> multiplies by this node's gradient, computed by the same rule
    /// from the numbers the nodes hold now. Empty for a leaf. Lets a reader (a chain-rule
    /// stepper, a graph drawing) show local derivative × upstream gradient without restating the
    /// rules.
    /// </summary>
    public IReadOnlyList<double> LocalDerivatives
    {
        get
        {
            TapeNode node = Chunk.Nodes[Slot];
            switch (Chunk.OpAt(Slot))
            {
                case OpCode.Leaf:
                    return [];
                case OpCode.Add:
                {
                    (double da, double db) = AddGrad(1.0);
                    return [da, db];
                }
                case OpCode.Mul:
                {
                    (double da, double db) = MulGrad(Chunk.Input(node.A).Data, Chunk.Input(node.B).Data, 1.0);
                    return [da, db];
                }
                case OpCode.AddConstant: return [AddConstantGrad(1.0)];
                case OpCode.MulConstant: return [MulConstantGrad(Chunk.ConstantAt(Slot), 1.0)];
                case OpCode.Pow: return [PowGrad(Chunk.Input(node.A).Data, Chunk.ConstantAt(Slot), 1.0)];
                case OpCode.Exp: return [ExpGrad(node.Data, 1.0)];
                case OpCode.Log: return [LogGrad(Chunk.Input(node.A).Data, 1.0)];
                case OpCode.Tanh: return [TanhGrad(node.Data, 1.0)];
                case OpCode.Sigmoid: return [SigmoidGrad(node.Data, 1.0)];
                default: return [ReluGrad(node.Data, 1.0)];
            }
        }
    }

    /// <summary>
    /// This node's op applied to other numbers: what <see cref="Data"/> would be if its
    /// <see cref="Inputs"/> held <paramref name="inputs"/> (the same arithmetic the operator
    /// used). Replaying a graph with one node nudged this way gives a finite-difference check of
    /// any node's gradient, not only a leaf's. A leaf returns its own <see cref="Data"/>.
    /// </summary>
    /// <param name="inputs">One number per input, in the order of <see cref="Inputs"/>.</param>
    /// <returns>The op's result for those numbers.</returns>
    /// <exception cref="ArgumentException">The count differs from the number of inputs.</exception>
    public double Evaluate(IReadOnlyList<double> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        OpCode op = Chunk.OpAt(Slot);
        int expected = op switch { OpCode.Leaf => 0, OpCode.Add or OpCode.Mul => 2, _ => 1 };
        if (inputs.Count != expected)
            throw new ArgumentException($"Value.Evaluate: op '{Op}' takes {expected} input(s), got {inputs.Count}", nameof(inputs));
        double k = op is OpCode.AddConstant or OpCode.MulConstant or OpCode.Pow ? Chunk.ConstantAt(Slot) : 0;
        return op switch
        {
            OpCode.Leaf => Data,
            OpCode.Add => inputs[0] + inputs[1],
            OpCode.Mul => inputs[0] * inputs[1],
            OpCode.AddConstant => inputs[0] + k,
            OpCode.MulConstant => inputs[0] * k,
            OpCode.Pow => Math.Pow(inputs[0], k),
            OpCode.Exp => Math.Exp(inputs[0]),
            OpCode.Log => Math.Log(inputs[0]),
            OpCode.Tanh => Math.Tanh(inputs[0]),
            OpCode.Sigmoid => 1 / (1 + Math.Exp(-inputs[0])),
            _ => Math.Max(0.0, inputs[0]),
        };
    }

    /// <summary>Whether this node was made by the user rather than by an op.</summary>
    internal bool IsLeaf => Chunk.OpAt(Slot) == OpCode.Leaf;

    // ---- binary operators ---------------------------------------------------------------
    // Each operator records its result; the Grad method beside it is its local derivative
    // times the incoming gradient, one result per input (ValueGraph's sweep calls it).

    /// <summary>Sum of two values; d/da = 1, d/db = 1.</summary>
    public static Value operator +(Value a, Value b) => Tape.Binary(OpCode.Add, a.Data + b.Data, a, b);

    internal static (double A, double B) AddGrad(double grad) => (grad, grad);

    /// <summary>Product of two values; d/da = b, d/db = a.</summary>
    public static Value operator *(Value a, Value b) => Tape.Binary(OpCode.Mul, a.Data * b.Data, a, b);

    internal static (double A, double B) MulGrad(double a, double b, double grad) => (b * grad, a * grad);

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
    public static Value operator +(Value a, double k) => Tape.Unary(OpCode.AddConstant, a.Data + k, a, k);

    /// <summary><c>k + a</c> for a constant <paramref name="k"/>.</summary>
    public static Value operator +(double k, Value a) => a + k;

    internal static double AddConstantGrad(double grad) => grad;

    /// <summary><c>a * k</c> for a constant <paramref name="k"/>; d/da = k.</summary>
    public static Value operator *(Value a, double k) => Tape.Unary(OpCode.MulConstant, a.Data * k, a, k);

    /// <summary><c>k * a</c> for a constant <paramref name="k"/>.</summary>
    public static Value operator *(double k, Value a) => a * k;

    internal static double MulConstantGrad(double k, double grad) => k * grad;

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
    /// This value raised to a constant power; d/da = exponent * a^(exponent - 1), and 0 for
    /// exponent 0 (a constant has no slope, even at a = 0 where the formula gives 0 * ∞). A
    /// negative base with a fractional exponent gives NaN, as <see cref="Math.Pow"/> does.
    /// </summary>
    public Value Pow(double exponent) => Tape.Unary(OpCode.Pow, Math.Pow(Data, exponent), this, exponent);

    internal static double PowGrad(double a, double exponent, double grad) =>
        (exponent == 0 ? 0 : exponent * Math.Pow(a, exponent - 1)) * grad;

    /// <summary>e raised to this value; d/da = e^a.</summary>
    public Value Exp() => Tape.Unary(OpCode.Exp, Math.Exp(Data), this);

    internal static double ExpGrad(double output, double grad) => output * grad;

    /// <summary>
    /// Natural logarithm; d/da = 1/a. Zero gives negative infinity (and gradient +∞) and a
    /// negative number NaN, as IEEE arithmetic does; no exception is thrown.
    /// </summary>
    public Value Log() => Tape.Unary(OpCode.Log, Math.Log(Data), this);

    internal static double LogGrad(double a, double grad) => grad / a;

    /// <summary>Hyperbolic tangent; d/da = 1 - tanh(a)^2.</summary>
    public Value Tanh() => Tape.Unary(OpCode.Tanh, Math.Tanh(Data), this);

    internal static double TanhGrad(double output, double grad) => (1 - output * output) * grad;

    /// <summary>The logistic function 1 / (1 + e^-a); d/da = s(1 - s).</summary>
    public Value Sigmoid() => Tape.Unary(OpCode.Sigmoid, 1 / (1 + Math.Exp(-Data)), this);

    internal static double SigmoidGrad(double output, double grad) => output * (1 - output) * grad;

    /// <summary>
    /// max(0, a); d/da = 1 where the output is positive, else 0 (also at the kink a = 0, as in
    /// PyTorch, and whatever the incoming gradient). NaN stays NaN, and so does its gradient.
    /// </summary>
    public Value Relu() => Tape.Unary(OpCode.Relu, ReluOf(Data), this);

    /// <summary>The number <see cref="Relu"/> computes from <paramref name="a"/>.</summary>
    internal static double ReluOf(double a) => Math.Max(0.0, a);

    internal static double ReluGrad(double output, double grad) =>
        output > 0 ? grad : double.IsNaN(output) ? double.NaN : 0.0;

    // ---- backward ---------------------------------------------------------------------------

    /// <summary>
    /// Runs backpropagation from this node: seeds this node's <see cref="Grad"/> with 1, then
    /// runs the local rule of every node it depends on exactly once, in reverse topological
    /// order, so that each node's <see cref="Grad"/> gains d(this)/d(node).
    /// </summary>
    /// <remarks>
    /// Gradients accumulate (<c>+=</c>) into leaves, as in the chapter: a leaf used twice
    /// receives both contributions, and calling <see cref="Backward"/> twice without
    /// <see cref="ZeroGrad()"/> adds the same amount twice. Every node made by an op starts each
    /// pass from zero, so two passes (from one output or from two outputs that share nodes) never
    /// leak gradient into each other; after a pass such a node's <see cref="Grad"/> holds that
    /// pass's gradient, and this node (the output, if made by an op) holds 1. The pass is one
    /// sweep over the tape in reverse creation order, never recursion, so graphs of any depth
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

    // ---- identity -------------------------------------------------------------------------

    /// <summary>Whether <paramref name="other"/> is a handle on the same node.</summary>
    /// <param name="other">Another handle, or <see langword="null"/>.</param>
    public bool Equals(Value? other) => other is not null && other.Chunk == Chunk && other.Slot == Slot;

    /// <summary>Whether <paramref name="obj"/> is a handle on the same node.</summary>
    /// <param name="obj">Any object.</param>
    public override bool Equals(object? obj) => Equals(obj as Value);

    /// <summary>A hash of the node (equal for every handle on it).</summary>
    public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Chunk), Slot);
}
