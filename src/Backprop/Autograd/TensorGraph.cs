using Backprop.Kernels;
using Backprop.Memory;

namespace Backprop;

/// <summary>
/// The tensor engine's graph: recording ops as they run, and the backward pass over what was
/// recorded (Kahn's algorithm from the outputs: a counting pass, then each tensor's rule runs
/// once all its consumers have passed their gradient back). Iterative, never recursive.
/// </summary>
internal static class TensorGraph
{
    // While a backward rule runs, its own ops skip the forward anomaly check: the gradient
    // check after the rule names the op whose backward went wrong, which is more useful than
    // naming the Div or Mul inside that rule.
    [ThreadStatic] private static bool _inBackwardRule;

    /// <summary>
    /// While a backward pass runs on this thread: whether its rules are recorded (only with
    /// createGraph); null outside a pass. Thread-static rather than an AsyncLocal scope because
    /// the pass runs synchronously and setting an AsyncLocal allocates on every pass.
    /// </summary>
    [ThreadStatic] internal static bool? RecordingDuringBackward;

    // The work stack, reused by the passes of one thread (a rule may start a nested pass, which
    // then gets its own).
    [ThreadStatic] private static TensorWorkStack? _stack;

    // Callbacks queued (Autograd.QueueCallback) during the pass running on this thread; each
    // pass keeps its own, so a nested pass does not run its caller's.
    [ThreadStatic] private static List<Action>? _callbacks;

    /// <summary>
    /// Attaches a backward rule to <paramref name="output"/> when grad mode is on and any input
    /// requires grad, and in anomaly mode checks the output for NaN and infinity.
    /// </summary>
    /// <param name="output">The op's result.</param>
    /// <param name="name">The op's name.</param>
    /// <param name="inputs">The tensors the op read (gradients go back to those that require grad).</param>
    /// <param name="saved">
    /// The tensors whose values <paramref name="backward"/> reads (inputs, the output, index
    /// tensors); their versions are recorded, and backward refuses to run if any changed since.
    /// </param>
    /// <param name="backward">The rule.</param>
    /// <returns><paramref name="output"/>.</returns>
    public static Tensor Record(Tensor output, string name, Tensor[] inputs, Tensor[] saved, Func<Tensor, Tensor?[]> backward)
    {
        if (GraphTrace.AnyActive) GraphTrace.Current?.Add(output, name, inputs, null);
        AutogradModes modes = Autograd.Modes;
        bool anomaly = (modes & AutogradModes.AnomalyDetection) != 0;
        if (anomaly && !_inBackwardRule && !AllFinite(output))
            throw new AnomalyException(name, $"{name} produced NaN or infinity in its output (forward), shape {ShapeMath.Format(output.ShapeArray)}");
        if ((modes & AutogradModes.GradDisabled) != 0) return output;
        foreach (Tensor input in inputs)
        {
            if (input.RequiresGrad)
            {
                output.GradFn = new ClosureGradFn(name, inputs, saved, backward) { CreatedAt = anomaly ? Environment.StackTrace : null };
                return output;
            }
        }
        return output;
    }

    /// <summary>
    /// <see cref="Record(Tensor, string, Tensor[], Tensor[], Func{Tensor, Tensor?[]})"/> for an op
    /// whose rule is an object of its own (made by the caller, after <see cref="WillRecord(Tensor, Tensor?, Tensor?)"/>
    /// said yes, with its saved tensors' versions taken).
    /// </summary>
    /// <param name="output">The op's result.</param>
    /// <param name="fn">The rule, naming the op and its inputs.</param>
    /// <returns><paramref name="output"/>.</returns>
    public static Tensor Record(Tensor output, GradFn fn) => Record(output, fn, Autograd.Modes);

    /// <summary>
    /// <see cref="Record(Tensor, GradFn)"/> under <paramref name="modes"/>, which the op read
    /// once (<see cref="Autograd.Modes"/>) for <see cref="WillRecord(AutogradModes, Tensor, Tensor?, Tensor?)"/>
    /// too: each read is an AsyncLocal lookup and a thread-static one, a few percent of a tiny
    /// network's step when every layer made three.
    /// </summary>
    public static Tensor Record(Tensor output, GradFn fn, AutogradModes modes)
    {
        if (GraphTrace.AnyActive) GraphTrace.Current?.Add(output, fn.Name, fn.Inputs, null);
        bool anomaly = (modes & AutogradModes.AnomalyDetection) != 0;
        if (anomaly && !_inBackwardRule && !AllFinite(output))
            throw new AnomalyException(fn.Name, $"{fn.Name} produced NaN or infinity in its output (forward), shape {ShapeMath.Format(output.ShapeArray)}");
        if ((modes & AutogradModes.GradDisabled) != 0) return output;
        foreach (Tensor input in fn.Inputs)
        {
            if (input.RequiresGrad)
            {
                if (anomaly) fn.CreatedAt = Environment.StackTrace;
                output.GradFn = fn;
                return output;
            }
        }
        return output;
    }

    /// <summary>
    /// Whether <see cref="Record(Tensor, GradFn)"/> would do anything for an op on these inputs (attach a rule,
    /// or check the output in anomaly mode), so that a hot op can skip building its rule (a
    /// closure, a delegate, the arrays) when it will not be recorded, as under NoGrad.
    /// </summary>
    public static bool WillRecord(Tensor a, Tensor? b = null, Tensor? c = null) => WillRecord(Autograd.Modes, a, b, c);

    /// <summary><see cref="WillRecord(Tensor, Tensor?, Tensor?)"/> under <paramref name="modes"/>, read once by the op (see <see cref="Record(Tensor, GradFn, AutogradModes)"/>).</summary>
    public static bool WillRecord(AutogradModes modes, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        if (GraphTrace.AnyActive) return true; // a trace notes every op
        if ((modes & AutogradModes.AnomalyDetection) != 0) return true;
        if ((modes & AutogradModes.GradDisabled) != 0) return false;
        return a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false);
    }

    /// <summary>
    /// Whether a <see cref="GraphTrace"/> is active on this flow of control: an op that needs
    /// more than its name and inputs to be exported checks this, and only then builds its
    /// <see cref="Describe"/> call (so that untraced runs build nothing).
    /// </summary>
    public static bool Tracing => GraphTrace.AnyActive && GraphTrace.Current is not null;

    /// <summary>
    /// Notes in the active trace that <paramref name="output"/> is the op <paramref name="name"/>
    /// of <paramref name="inputs"/> with <paramref name="attributes"/>, replacing what was noted
    /// for it (a composition such as LayerNorm describes itself over its parts). Call only when
    /// <see cref="Tracing"/>.
    /// </summary>
    public static Tensor Describe(Tensor output, string name, Tensor[] inputs, OpAttributes? attributes = null)
    {
        GraphTrace.Current?.Add(output, name, inputs, attributes);
        return output;
    }

    /// <summary>
    /// The backward pass. Seeds each output with its gradient, runs every rule once in reverse
    /// topological order, and either accumulates into the leaves' <see cref="Tensor.Grad"/>
    /// (<paramref name="wanted"/> null) or returns the gradients of <paramref name="wanted"/>.
    /// </summary>
    public static Tensor?[] Run(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor>? gradOutputs, bool createGraph, IReadOnlyList<Tensor>? wanted)
    {
        if (outputs.Count == 0) throw new ArgumentException("Backward: no outputs given", nameof(outputs));
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"Backward: {outputs.Count} outputs but {gradOutputs.Count} gradients", nameof(gradOutputs));

        // Everything the pass allocates (seeds, gradients, the rules' temporaries) goes back to
        // the pool when it ends, except what it hands out: leaves' gradients, the gradients asked
        // for, and what hooks saw. With createGraph the gradients are graph nodes and outlive it.
        TensorScope? pass = createGraph ? null : new TensorScope("the backward pass that computed it ended");
        var results = wanted is null ? [] : new Tensor?[wanted.Count];
        TensorWorkStack stack = _stack ?? new TensorWorkStack();
        _stack = null; // a nested pass (from a hook, say) makes its own
        bool completed = false;
        bool? outerRecording = RecordingDuringBackward;
        List<Action>? outerCallbacks = _callbacks;
        List<Action>? callbacks = null;
        _callbacks = null;
        // Read once per pass (an AsyncLocal lookup), not once per gradient.
        bool anomaly = Autograd.IsAnomalyDetectionEnabled;
        // The rules' gradients, one slot per input of the rule running (reused by every rule of the pass).
        Tensor?[] slots = new Tensor?[4];
        try
        {
            Tensor[] seeds = Seeds(outputs, gradOutputs);
            foreach (Tensor output in outputs) CountConsumers(output, stack);
            for (int i = 0; i < outputs.Count; i++) outputs[i].PendingGrad = Accumulate(outputs[i].PendingGrad, seeds[i]);
            for (int i = 0; i < outputs.Count; i++)
            {
                // Each output once (a list may name one twice), and only once nothing consumes it.
                bool repeated = false;
                for (int j = 0; j < i; j++) repeated |= ReferenceEquals(outputs[j], outputs[i]);
                if (!repeated && outputs[i].PendingConsumers == 0) stack.Push(outputs[i]);
            }

            // Rules run with recording on only when the backward pass itself is to be differentiated.
            RecordingDuringBackward = createGraph;
            while (stack.TryPop(out Tensor? tensor))
            {
                Tensor grad = tensor.PendingGrad!;
                tensor.PendingGrad = null;
                if (tensor.HasGradHooks) grad = RunHooks(tensor, grad, pass);

                if (wanted is not null)
                {
                    for (int i = 0; i < wanted.Count; i++)
                    {
                        if (!ReferenceEquals(wanted[i], tensor)) continue;
                        pass?.MoveOut(grad.SharedStorage);
                        results[i] = grad;
                    }
                }

                GradFn? fn = tensor.GradFn;
                if (fn is null)
                {
                    if (wanted is null)
                    {
                        AccumulateIntoLeaf(tensor, grad, createGraph, pass);
                        if (tensor.HasAccumulateHooks) RunAccumulateHooks(tensor, pass);
                    }
                    continue;
                }

                fn.CheckSavedVersions(tensor);
                if (slots.Length < fn.Inputs.Length) slots = new Tensor?[fn.Inputs.Length];
                Span<Tensor?> inputGrads = slots.AsSpan(0, fn.Inputs.Length);
                inputGrads.Clear();
                if (anomaly) RunRuleUnchecked(fn, grad, createGraph, inputGrads);
                else fn.Backward(grad, createGraph, inputGrads);
                for (int i = 0; i < fn.Inputs.Length; i++)
                {
                    Tensor input = fn.Inputs[i];
                    if (!input.RequiresGrad) continue;
                    Tensor? g = inputGrads[i];
                    if (g is not null)
                    {
                        CheckGradient(fn, input, g, anomaly);
                        input.PendingGrad = Accumulate(input.PendingGrad, g);
                    }
                    if (--input.PendingConsumers == 0)
                    {
                        if (input.PendingGrad is null) input.PendingGrad = Tensor.ZerosLike(input); // every consumer passed nothing
                        stack.Push(input);
                    }
                }
            }
            completed = true;
        }
        finally
        {
            RecordingDuringBackward = outerRecording;
            if (!completed) Reset(outputs);
            stack.Clear();
            _stack = stack;
            pass?.Dispose();
            callbacks = _callbacks;
            _callbacks = outerCallbacks;
        }
        // After the pass's scope is gone, so what a callback makes is the caller's (as a leaf's gradient is).
        if (completed && callbacks is not null)
        {
            for (int i = 0; i < callbacks.Count; i++) callbacks[i]();
        }
        return results;
    }

    /// <summary>
    /// Runs <paramref name="fn"/> in anomaly mode with its own ops' forward checks off (the check
    /// of its gradients after it names the op whose backward went wrong). Only anomaly mode
    /// reads the flag, so only anomaly mode sets it: a thread-static write costs each rule.
    /// </summary>
    private static void RunRuleUnchecked(GradFn fn, Tensor grad, bool createGraph, Span<Tensor?> inputGrads)
    {
        bool outer = _inBackwardRule;
        _inBackwardRule = true;
        try { fn.Backward(grad, createGraph, inputGrads); }
        finally { _inBackwardRule = outer; }
    }

    /// <summary>
    /// Queues <paramref name="callback"/> to run once the backward pass running on this thread
    /// has finished (successfully), after every gradient is in place.
    /// </summary>
    /// <exception cref="InvalidOperationException">No backward pass is running on this thread.</exception>
    public static void QueueCallback(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (RecordingDuringBackward is null)
            throw new InvalidOperationException("Autograd.QueueCallback: no backward pass is running on this thread (call it from a hook)");
        (_callbacks ??= []).Add(callback);
    }

    /// <summary>Runs a leaf's post-accumulate hooks outside the pass's scope (a hook may keep what it makes).</summary>
    private static void RunAccumulateHooks(Tensor leaf, TensorScope? pass)
    {
        using (TensorScope.Switch(pass is null ? TensorScope.Current : pass.Outer))
        {
            foreach (Action<Tensor> hook in leaf.AccumulateHooks.ToArray()) hook(leaf);
        }
    }

    private static Tensor[] Seeds(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor>? gradOutputs)
    {
        var seeds = new Tensor[outputs.Count];
        for (int i = 0; i < outputs.Count; i++)
        {
            Tensor output = outputs[i];
            if (!output.RequiresGrad)
                throw new InvalidOperationException($"Backward: output {i} does not require grad and has no grad_fn (no input of it requires grad, or it was computed under NoGrad)");
            seeds[i] = gradOutputs?[i] ?? DefaultSeed(output);
            if (!ShapeMath.Same(seeds[i].ShapeArray, output.ShapeArray))
                throw new ArgumentException($"Backward: gradient shape {ShapeMath.Format(seeds[i].ShapeArray)} does not match output shape {ShapeMath.Format(output.ShapeArray)}");
            if (seeds[i].DType != output.DType)
                throw new ArgumentException($"Backward: gradient is {seeds[i].DType} but the output is {output.DType}");
        }
        return seeds;
    }

    /// <summary>
    /// Runs <paramref name="tensor"/>'s hooks on <paramref name="grad"/> outside the pass's scope
    /// (a hook may keep what it sees or makes), checking each replacement where it is returned.
    /// </summary>
    private static Tensor RunHooks(Tensor tensor, Tensor grad, TensorScope? pass)
    {
        pass?.MoveOut(grad.SharedStorage);
        using (TensorScope.Switch(pass is null ? TensorScope.Current : pass.Outer))
        {
            foreach (Tensor.HookSlot slot in tensor.Hooks.ToArray())
            {
                Tensor? replacement = slot.Hook(grad);
                if (replacement is null) continue;
                if (replacement.DType != grad.DType || !ShapeMath.Same(replacement.ShapeArray, grad.ShapeArray))
                    throw new InvalidOperationException(
                        $"RegisterHook: the hook returned a gradient of {replacement.DType} {ShapeMath.Format(replacement.ShapeArray)} for a tensor of {tensor.DType} {ShapeMath.Format(tensor.ShapeArray)}; a hook must return a gradient of the same shape and type, or null");
                grad = replacement;
            }
        }
        return grad;
    }

    /// <summary>
    /// Adds <paramref name="grad"/> into a leaf's <see cref="Tensor.Grad"/>. Outside createGraph
    /// the leaf keeps one contiguous accumulator: the pass's own gradient buffer when it can take
    /// it over (no copy), else a copy; later passes add into it in place.
    /// </summary>
    private static void AccumulateIntoLeaf(Tensor leaf, Tensor grad, bool createGraph, TensorScope? pass)
    {
        Tensor? current = leaf.Grad;
        if (createGraph)
        {
            // Sums run in the pass's mode: recorded, so that the gradient can be differentiated.
            leaf.Grad = current is null ? grad : current + grad;
            return;
        }
        if (current is null)
        {
            leaf.SetAccumulatedGrad(TakeOver(grad, pass) ?? CopyOutsideScopes(grad));
        }
        else if (leaf.GradIsAccumulator)
        {
            current.AddInPlace(grad);
        }
        else
        {
            Tensor sum;
            using (TensorScope.Switch(null)) sum = current.Detach() + grad;
            leaf.SetAccumulatedGrad(sum);
        }
    }

    /// <summary><paramref name="grad"/> itself, taken out of the pass's scope, when nothing else can see or change it.</summary>
    private static Tensor? TakeOver(Tensor grad, TensorScope? pass)
    {
        // A gradient made by this pass is written by nobody after it is made; if it is still
        // the pass's, no hook, result or other leaf has it (each takes it out of the pass).
        if (pass is null || grad.SharedStorage.Scope != pass || grad.Offset != 0 || !grad.IsContiguous) return null;
        TensorScope.Disown(grad.SharedStorage);
        // Outside createGraph the pass's gradients are plain results (no rule, not requiring
        // grad), so the object itself can be the leaf's gradient: no new tensor per leaf a step.
        return grad.GradFn is null && !grad.RequiresGrad ? grad : grad.Detach();
    }

    private static Tensor CopyOutsideScopes(Tensor grad)
    {
        using (TensorScope.Switch(null)) return StridedCopy.Fresh(grad);
    }

    private static Tensor DefaultSeed(Tensor output)
    {
        if (output.Count != 1)
            throw new InvalidOperationException($"Backward: the output has shape {ShapeMath.Format(output.ShapeArray)}; a gradient can be implied only for one-element outputs, so pass one (e.g. Tensor.OnesLike(output))");
        return Tensor.OnesLike(output);
    }

    /// <summary>Counts, for every tensor in the graph, its consumers in the graph (zero before the pass).</summary>
    private static void CountConsumers(Tensor output, TensorWorkStack stack)
    {
        if (output.PendingConsumers != 0) return; // reached from another output already
        stack.Push(output);
        while (stack.TryPop(out Tensor? tensor))
        {
            if (tensor.GradFn is null) continue;
            foreach (Tensor input in tensor.GradFn.Inputs)
            {
                if (input.RequiresGrad && input.PendingConsumers++ == 0) stack.Push(input);
            }
        }
    }

    /// <summary>After a failed pass, returns every count and pending gradient to zero.</summary>
    private static void Reset(IReadOnlyList<Tensor> outputs)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>(outputs);
        while (stack.TryPop(out Tensor? tensor))
        {
            if (!seen.Add(tensor)) continue;
            tensor.PendingConsumers = 0;
            tensor.PendingGrad = null;
            if (tensor.GradFn is null) continue;
            foreach (Tensor input in tensor.GradFn.Inputs) stack.Push(input);
        }
    }

    private static Tensor Accumulate(Tensor? sum, Tensor grad) => sum is null ? grad : sum + grad;

    private static void CheckGradient(GradFn fn, Tensor input, Tensor grad, bool anomaly)
    {
        // A rule's fresh gradient usually shares its input's shape array (UninitializedLike): no comparison then.
        if (!ReferenceEquals(grad.ShapeArray, input.ShapeArray) && !ShapeMath.Same(grad.ShapeArray, input.ShapeArray))
            throw new InvalidOperationException($"internal: {fn.Name} backward returned a gradient of shape {ShapeMath.Format(grad.ShapeArray)} for an input of shape {ShapeMath.Format(input.ShapeArray)}");
        if (anomaly && !AllFinite(grad))
        {
            string where = fn.CreatedAt is null ? "" : $"; the op was created at:\n{fn.CreatedAt}";
            throw new AnomalyException(fn.Name, $"{fn.Name} backward produced NaN or infinity in the gradient of an input of shape {ShapeMath.Format(input.ShapeArray)}{where}");
        }
    }

    private static bool AllFinite(Tensor t)
    {
        if (t.DType == DType.Float32)
        {
            foreach (float v in t.Contiguous().Span<float>()) if (!float.IsFinite(v)) return false;
        }
        else
        {
            foreach (double v in t.Contiguous().Span<double>()) if (!double.IsFinite(v)) return false;
        }
        return true;
    }
}
