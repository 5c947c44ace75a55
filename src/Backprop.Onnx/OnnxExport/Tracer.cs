using Backprop.NN;

namespace Backprop.OnnxExport;

/// <summary>Runs a module's forward pass under a <see cref="GraphTrace"/> and finds the ops its output depends on.</summary>
internal static class Tracer
{
    /// <summary>
    /// One forward pass of <paramref name="module"/> on <paramref name="input"/>, in evaluation
    /// mode and without gradients, traced; the layers' modes are restored afterwards.
    /// </summary>
    public static (Tensor Output, GraphTrace Trace) Run(Module module, Tensor input)
    {
        // Pre-order: restoring a parent's mode first, then each child's, rebuilds every layer's.
        (Module Module, bool Training)[] modes = [.. module.NamedModules().Select(m => (m.Module, m.Module.IsTraining))];
        module.Eval();
        GraphTrace trace = GraphTrace.Start();
        try
        {
            using (Autograd.NoGrad()) return (module.Forward(input), trace);
        }
        finally
        {
            trace.Dispose();
            foreach ((Module m, bool training) in modes)
            {
                if (training) m.Train();
                else m.Eval();
            }
        }
    }

    /// <summary>The traced ops <paramref name="output"/> depends on, in the order they ran (each after the ops that made its inputs).</summary>
    public static List<TracedOp> Reachable(GraphTrace trace, Tensor output, Tensor input)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { input };
        var ops = new List<TracedOp>();
        var stack = new Stack<Tensor>();
        stack.Push(output);
        while (stack.TryPop(out Tensor? tensor))
        {
            if (!seen.Add(tensor) || trace.Producer(tensor) is not TracedOp op) continue;
            ops.Add(op);
            foreach (Tensor read in OpMappings.Reads(op)) stack.Push(read);
        }
        ops.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return ops;
    }
}
