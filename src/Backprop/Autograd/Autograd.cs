namespace Backprop;

/// <summary>
/// Switches and functions of reverse-mode differentiation for tensors: the no-grad scope, anomaly
/// detection and <see cref="Grad"/> (gradients as values, including gradients of gradients).
/// </summary>
/// <remarks>
/// The modes are per logical flow of control (<see cref="AsyncLocal{T}"/>): a scope opened on
/// one thread does not affect others, and it follows <c>await</c>s and the tasks started inside
/// it.
/// </remarks>
public static class Autograd
{
    // Both modes in one AsyncLocal, so that an op reads it once.
    private static readonly AsyncLocal<AutogradModes> Current = new();

    /// <summary>Whether ops record what they did for a backward pass (false inside <see cref="NoGrad"/>).</summary>
    public static bool IsGradEnabled => (Modes & AutogradModes.GradDisabled) == 0;

    /// <summary>Whether anomaly detection is on (inside <see cref="DetectAnomaly"/>).</summary>
    public static bool IsAnomalyDetectionEnabled => (Current.Value & AutogradModes.AnomalyDetection) != 0;

    /// <summary>Both modes at once, with the backward pass's own recording mode applied.</summary>
    internal static AutogradModes Modes
    {
        get
        {
            AutogradModes modes = Current.Value;
            return TensorGraph.RecordingDuringBackward switch
            {
                false => modes | AutogradModes.GradDisabled,
                true => modes & ~AutogradModes.GradDisabled,
                null => modes,
            };
        }
    }

    /// <summary>
    /// Turns recording off until the returned scope is disposed:
    /// <c>using (Autograd.NoGrad()) { ... }</c>. Results made inside do not require grad, and no
    /// graph is kept: use it for evaluation and for parameter updates.
    /// </summary>
    public static AutogradScope NoGrad() => AutogradScope.Set(Current, AutogradModes.GradDisabled, true);

    /// <summary>Turns recording back on inside a <see cref="NoGrad"/> scope, until disposed.</summary>
    public static AutogradScope EnableGrad() => AutogradScope.Set(Current, AutogradModes.GradDisabled, false);

    /// <summary>
    /// Turns anomaly detection on until disposed: every op checks its output for NaN and
    /// infinity, every backward rule its gradients, and the first one found throws an
    /// <see cref="AnomalyException"/> that names the op and where it was created. Slow: for
    /// debugging.
    /// </summary>
    public static AutogradScope DetectAnomaly() => AutogradScope.Set(Current, AutogradModes.AnomalyDetection, true);

    /// <summary>
    /// Queues <paramref name="callback"/> to run once, when the backward pass running on this
    /// thread has put every gradient in place (PyTorch's <c>queue_callback</c>; distributed
    /// training waits for its last all-reduce there). Call it from a hook during the pass.
    /// </summary>
    /// <param name="callback">What to run.</param>
    /// <exception cref="InvalidOperationException">No backward pass is running on this thread.</exception>
    public static void QueueCallback(Action callback) => TensorGraph.QueueCallback(callback);

    /// <summary>
    /// The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>,
    /// returned rather than accumulated into <see cref="Tensor.Grad"/> (which stays untouched).
    /// </summary>
    /// <param name="outputs">What to differentiate.</param>
    /// <param name="inputs">With respect to what; each must require grad.</param>
    /// <param name="gradOutputs">The gradient to start from for each output; may be omitted for one-element outputs (ones).</param>
    /// <param name="createGraph">
    /// Record the backward pass itself, so that the returned gradients can be differentiated
    /// again (Hessian-vector products, gradient penalties).
    /// </param>
    /// <returns>One gradient per input, shaped like it; zeros for an input the outputs do not depend on.</returns>
    public static Tensor[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor>? gradOutputs = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].RequiresGrad)
                throw new ArgumentException($"Grad: input {i} does not require grad", nameof(inputs));
        }
        Tensor?[] grads = TensorGraph.Run(outputs, gradOutputs, createGraph, inputs);
        var result = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++) result[i] = grads[i] ?? Tensor.ZerosLike(inputs[i]);
        return result;
    }
}

/// <summary>A mode switched by <see cref="Autograd"/>; disposing it restores the previous state.</summary>
public readonly struct AutogradScope : IDisposable
{
    private readonly AsyncLocal<AutogradModes>? _flag;
    private readonly AutogradModes _previous;

    private AutogradScope(AsyncLocal<AutogradModes> flag, AutogradModes previous)
    {
        _flag = flag;
        _previous = previous;
    }

    internal static AutogradScope Set(AsyncLocal<AutogradModes> flag, AutogradModes mode, bool on)
    {
        AutogradModes previous = flag.Value;
        var scope = new AutogradScope(flag, previous);
        flag.Value = on ? previous | mode : previous & ~mode;
        return scope;
    }

    /// <summary>Restores the mode as it was before the scope.</summary>
    public void Dispose()
    {
        if (_flag is not null) _flag.Value = _previous;
    }
}

/// <summary>The autograd modes of the current flow of control.</summary>
[Flags]
internal enum AutogradModes
{
    /// <summary>Recording on, anomaly detection off.</summary>
    None = 0,

    /// <summary>Inside <see cref="Autograd.NoGrad"/>.</summary>
    GradDisabled = 1,

    /// <summary>Inside <see cref="Autograd.DetectAnomaly"/>.</summary>
    AnomalyDetection = 2,
}
