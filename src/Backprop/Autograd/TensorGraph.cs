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
    [ThreadStatic] private static Stack<Tensor>? _stack;

    /// <summary>
    /// Attaches a backward rule to <paramref name="output"/> when grad mode is on and any input
    /// requires grad, and in anomaly mode checks the output for NaN and infinity.
    /// </summary>
    /// <returns><paramref name="output"/>.</returns>
    public static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        AutogradModes modes = Autograd.Modes;
        bool anomaly = (modes & AutogradModes.AnomalyDetection) != 0;
        if (anomaly && !_inBackwardRule && !AllFinite(output))
            throw new AnomalyException(name, $"{name} produced NaN or infinity in its output (forward), shape {ShapeMath.Format(output.ShapeArray)}");
        if ((modes & AutogradModes.GradDisabled) != 0) return output;
        foreach (Tensor input in inputs)
        {
            if (input.RequiresGrad)
            {
                output.GradFn = new GradFn(name, inputs, backward, anomaly ? Environment.StackTrace : null);
                return output;
            }
        }
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

        var results = wanted is null ? [] : new Tensor?[wanted.Count];
        Stack<Tensor> stack = _stack ?? new Stack<Tensor>();
        _stack = null; // a nested pass (from a hook, say) makes its own
        bool completed = false;
        bool? outerRecording = RecordingDuringBackward;
        try
        {
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
                if (tensor.Hooks.Count > 0)
                {
                    foreach (Tensor.HookSlot slot in tensor.Hooks.ToArray()) grad = slot.Hook(grad) ?? grad;
                }

                if (wanted is not null)
                {
                    for (int i = 0; i < wanted.Count; i++)
                    {
                        if (ReferenceEquals(wanted[i], tensor)) results[i] = grad;
                    }
                }

                GradFn? fn = tensor.GradFn;
                if (fn is null)
                {
                    // Sums run in the pass's mode: recorded only with createGraph.
                    if (wanted is null) tensor.Grad = tensor.Grad is null ? (createGraph ? grad : grad.Detach()) : tensor.Grad + grad;
                    continue;
                }

                Tensor?[] inputGrads;
                bool outer = _inBackwardRule;
                _inBackwardRule = true;
                try { inputGrads = fn.Backward(grad); }
                finally { _inBackwardRule = outer; }
                for (int i = 0; i < fn.Inputs.Length; i++)
                {
                    Tensor input = fn.Inputs[i];
                    if (!input.RequiresGrad) continue;
                    Tensor? g = inputGrads[i];
                    if (g is not null)
                    {
                        CheckGradient(fn, input, g);
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
        }
        return results;
    }

    private static Tensor DefaultSeed(Tensor output)
    {
        if (output.Count != 1)
            throw new InvalidOperationException($"Backward: the output has shape {ShapeMath.Format(output.ShapeArray)}; a gradient can be implied only for one-element outputs, so pass one (e.g. Tensor.OnesLike(output))");
        return Tensor.OnesLike(output);
    }

    /// <summary>Counts, for every tensor in the graph, its consumers in the graph (zero before the pass).</summary>
    private static void CountConsumers(Tensor output, Stack<Tensor> stack)
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

    private static void CheckGradient(GradFn fn, Tensor input, Tensor grad)
    {
        if (!ShapeMath.Same(grad.ShapeArray, input.ShapeArray))
            throw new InvalidOperationException($"internal: {fn.Name} backward returned a gradient of shape {ShapeMath.Format(grad.ShapeArray)} for an input of shape {ShapeMath.Format(input.ShapeArray)}");
        if (Autograd.IsAnomalyDetectionEnabled && !AllFinite(grad))
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
