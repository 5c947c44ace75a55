namespace Backprop.Playground.Lab;

/// <summary>
/// Turns a graph of <see cref="Value"/> nodes into the chain-rule stepper's view: the nodes as
/// the library recorded them, the backward pass as steps (local derivative × upstream gradient),
/// and beside each a finite-difference check that owes nothing to the backward rules.
/// </summary>
public static class ChainRuleStepper
{
    /// <summary>The chapter's neuron (<see cref="ChapterNeuron"/>): z = 1.3, L = 13.69, dL/dw = -14.8, dL/db = -7.4.</summary>
    public static StepperGraph Chapter()
    {
        ChapterNeuronGraph neuron = ChapterNeuron.Build();
        return Walk(neuron.Loss, () => new StepperSummary(neuron.Z.Data, neuron.Loss.Data, [neuron.W.Grad], neuron.B.Grad), note: null);
    }

    /// <summary>
    /// Runs a fresh backward pass from <paramref name="loss"/> and cuts it into steps.
    /// </summary>
    /// <param name="loss">The root of the graph.</param>
    /// <param name="summary">Reads the summary once the gradients are in.</param>
    /// <param name="note">What the graph leaves out, shown by the page.</param>
    public static StepperGraph Walk(Value loss, Func<StepperSummary> summary, string? note)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(summary);
        // From zero, so leaves hold this pass's gradient only (they accumulate across passes).
        loss.ZeroGrad();
        loss.Backward();

        List<Value> order = ValueGraph.Nodes(loss);
        var ids = new Dictionary<Value, int>(order.Count);
        for (int i = 0; i < order.Count; i++) ids[order[i]] = i;

        var nodes = new StepperNode[order.Count];
        var edges = new List<int[]>();
        var steps = new StepperStep[order.Count];
        // The gradient each node has received so far: the walk redoes the backward pass's sums
        // in its order, so a step can show the running total as well as its own share.
        var received = new double[order.Count];
        received[0] = 1;
        for (int i = 0; i < order.Count; i++)
        {
            Value node = order[i];
            nodes[i] = new StepperNode(i, node.Label ?? node.Op, node.Op, node.Data, node.Grad);
            IReadOnlyList<Value> inputs = node.Inputs;
            IReadOnlyList<double> localDerivatives = node.LocalDerivatives;
            var locals = new StepperLocal[inputs.Count];
            for (int k = 0; k < inputs.Count; k++)
            {
                int input = ids[inputs[k]];
                edges.Add([input, i]);
                double product = localDerivatives[k] * node.Grad;
                received[input] += product;
                locals[k] = new StepperLocal(input, localDerivatives[k], product, received[input]);
            }
            steps[i] = new StepperStep(i, node.Grad, locals, FiniteDifference(order, ids, i));
        }
        return new StepperGraph(nodes, edges, [.. Enumerable.Range(0, order.Count)], steps, summary(), note);
    }

    /// <summary>
    /// dL/d(node <paramref name="target"/>) by central differences: the graph is replayed in
    /// double with <see cref="Value.Evaluate"/>, inputs before consumers, the node's number nudged
    /// by ±h (relative to its size, so rounding stays near 1e-10 of the result).
    /// </summary>
    private static double FiniteDifference(List<Value> order, Dictionary<Value, int> ids, int target)
    {
        double h = 1e-6 * Math.Max(1, Math.Abs(order[target].Data));
        return (Replay(order, ids, target, h) - Replay(order, ids, target, -h)) / (2 * h);
    }

    /// <summary>The output's number with node <paramref name="target"/> moved by <paramref name="nudge"/>.</summary>
    private static double Replay(List<Value> order, Dictionary<Value, int> ids, int target, double nudge)
    {
        var values = new double[order.Count];
        var arguments = new List<double>(2);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            arguments.Clear();
            foreach (Value input in order[i].Inputs) arguments.Add(values[ids[input]]);
            values[i] = order[i].Evaluate(arguments) + (i == target ? nudge : 0);
        }
        return values[0];
    }
}
