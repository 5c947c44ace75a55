namespace Backprop;

/// <summary>
/// Walks the graph of <see cref="Value"/> nodes behind an output: backpropagation in reverse
/// topological order, and the list of nodes it depends on. Every walk uses explicit stacks, so
/// a chain of millions of nodes cannot overflow the call stack.
/// </summary>
/// <remarks>
/// Both walks are Kahn's algorithm run from the output. The first pass counts, for every node,
/// how many consumers it has inside the graph; the second starts at the output and releases a
/// node once all its consumers are done, which is exactly reverse topological order. Unlike a
/// depth-first post-order it needs no list of all the nodes, only a stack of the nodes that
/// are ready (or waiting to be counted): a chain of a million nodes costs almost nothing beyond
/// the nodes themselves. The counts are zero before a walk and return to zero by its end.
/// </remarks>
public static class ValueGraph
{
    // Reused between passes on the same thread, so that a training step does not grow a new one.
    [ThreadStatic] private static NodeStack? _scratch;

    /// <summary>
    /// Backpropagation from <paramref name="output"/> (what <see cref="Value.Backward"/> does):
    /// sets its gradient to 1 and runs each node's local rule once, every node after all the
    /// nodes that consume it.
    /// </summary>
    /// <param name="output">The node to differentiate; usually a scalar loss.</param>
    public static void Backward(Value output)
    {
        ArgumentNullException.ThrowIfNull(output);
        NodeStack stack = _scratch ??= new NodeStack();
        CountConsumers(output, stack);
        output.Grad = 1;
        stack.Push(output);
        while (!stack.IsEmpty) stack.Pop().BackwardStep(stack);
    }

    /// <summary>
    /// Every node <paramref name="output"/> depends on, itself included, each exactly once, in
    /// reverse topological order: the output first, and every node before the nodes it was
    /// computed from.
    /// </summary>
    /// <param name="output">The node whose graph to list.</param>
    /// <returns>The nodes, output first.</returns>
    public static List<Value> Nodes(Value output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var stack = new NodeStack();
        CountConsumers(output, stack);
        var order = new List<Value>();
        stack.Push(output);
        while (!stack.IsEmpty)
        {
            Value node = stack.Pop();
            order.Add(node);
            node.ReleaseInputs(stack);
        }
        return order;
    }

    /// <summary>
    /// Sets each node's <see cref="Value.PendingConsumers"/> to the number of its consumers in
    /// the graph of <paramref name="output"/>. Counts are zero before the pass, so a node whose
    /// count is still zero when reached has not been seen yet.
    /// </summary>
    private static void CountConsumers(Value output, NodeStack stack)
    {
        stack.Push(output);
        while (!stack.IsEmpty) stack.Pop().CountInputs(stack);
    }
}
