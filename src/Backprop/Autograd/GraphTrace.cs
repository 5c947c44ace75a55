using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Backprop.Onnx")]

namespace Backprop;

/// <summary>
/// A record of the ops one forward pass ran, for exporters (ONNX): while a trace is active on a
/// flow of control, every op the tensor graph records (<see cref="TensorGraph.Record(Tensor, GradFn)"/>) is
/// noted here with its name and inputs, whether or not gradients are on, and ops that need more
/// to be understood (an axis, a slope, a convolution's geometry) or that are compositions
/// (LayerNorm, BatchNorm in evaluation) add a typed description of themselves
/// (<see cref="TensorGraph.Describe"/>), which replaces what their parts noted for the same output.
/// </summary>
/// <remarks>
/// The cost when no trace is active is one read of a static counter in the few ops that
/// describe themselves, and nothing in <see cref="TensorGraph.Record(Tensor, GradFn)"/> beyond that read: no
/// strings or attributes are built unless a trace is on.
/// </remarks>
internal sealed class GraphTrace : IDisposable
{
    private static readonly AsyncLocal<GraphTrace?> CurrentTrace = new();
    private static int _active;

    private readonly Dictionary<Tensor, TracedOp> _producers = new(ReferenceEqualityComparer.Instance);
    private readonly GraphTrace? _outer;
    private int _sequence;
    private bool _disposed;

    private GraphTrace(GraphTrace? outer) => _outer = outer;

    /// <summary>Whether any trace is active in the process (a cheap first check; <see cref="Current"/> says whether on this flow).</summary>
    public static bool AnyActive => Volatile.Read(ref _active) != 0;

    /// <summary>The trace active on this flow of control, or null.</summary>
    public static GraphTrace? Current => AnyActive ? CurrentTrace.Value : null;

    /// <summary>Starts a trace on this flow of control until disposed.</summary>
    public static GraphTrace Start()
    {
        var trace = new GraphTrace(CurrentTrace.Value);
        CurrentTrace.Value = trace;
        Interlocked.Increment(ref _active);
        return trace;
    }

    /// <summary>Notes that <paramref name="output"/> was made by the op <paramref name="name"/> from <paramref name="inputs"/>; a later note for the same output replaces this one.</summary>
    public void Add(Tensor output, string name, Tensor[] inputs, OpAttributes? attributes) =>
        _producers[output] = new TracedOp(_sequence++, name, output, inputs, attributes);

    /// <summary>The op that made <paramref name="tensor"/> while tracing, or null (an input, a parameter, a constant).</summary>
    public TracedOp? Producer(Tensor tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>Ends the trace (restoring any trace it was started inside).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        CurrentTrace.Value = _outer;
        Interlocked.Decrement(ref _active);
    }
}

/// <summary>One op of a <see cref="GraphTrace"/>.</summary>
/// <param name="Sequence">When it was noted (inputs are always noted before the ops that read them).</param>
/// <param name="Name">The op's name (as <see cref="GradFn.Name"/>: "Linear", "Conv2d", "Softmax", …).</param>
/// <param name="Output">What it made.</param>
/// <param name="Inputs">What it read, in the op's order.</param>
/// <param name="Attributes">What else the op needs to be reproduced, or null.</param>
internal sealed record TracedOp(int Sequence, string Name, Tensor Output, Tensor[] Inputs, OpAttributes? Attributes);
