using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// Walks the graph of <see cref="Value"/> nodes behind an output: backpropagation, and the list
/// of nodes it depends on. Both are one sweep over the tape in reverse creation order, which
/// is a reverse topological order, so they need no recursion, no counting pass and no list of
/// the whole graph: a chain of millions of nodes costs nothing beyond the nodes themselves.
/// </summary>
/// <remarks>
/// <para>
/// A sweep visits only the nodes it has <em>reached</em>: the output, then every input of a
/// reached node. Reaching an input sets a bit in its op byte (<see cref="TapeChunk.Reached"/>)
/// and counts it as pending in its chunk; visiting clears the bit again, so every bit is clear
/// between passes. A chunk's nodes are visited from the highest reached slot downwards until
/// none is pending, and chunks are taken newest first (<see cref="TapeChunk.Sequence"/>), so a
/// node is visited after every node that consumes it. Leaves have no rule to run: their
/// gradient is updated where they are reached, and they are never queued.
/// </para>
/// <para>
/// The first time a pass reaches a node made by an op, the node's gradient is set (to
/// <c>0 + contribution</c>, exactly what starting from zero and adding gives); later
/// contributions in the same pass add to it. So each pass starts such nodes from zero, and
/// only leaves accumulate across passes.
/// </para>
/// </remarks>
public static class ValueGraph
{
    /// <summary>
    /// Backpropagation from <paramref name="output"/> (what <see cref="Value.Backward"/> does):
    /// seeds its gradient with 1 (set on a node made by an op, added on a leaf) and runs each
    /// node's local rule once, every node after all the nodes that consume it.
    /// </summary>
    /// <param name="output">The node to differentiate; usually a scalar loss.</param>
    public static void Backward(Value output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // The graph is complete: later nodes belong to another graph, so they start a new chunk
        // (see Tape on why that keeps memory bounded).
        Tape.Seal();
        TapeChunk chunk = output.Chunk;
        ref TapeNode first = ref chunk.Nodes[output.Slot];
        if (first.Op == (byte)OpCode.Leaf)
        {
            first.Grad += 1;
            return;
        }

        ChunkQueue queue = ChunkQueue.Current;
        first.Grad = 1;
        first.Op |= TapeChunk.Reached;
        chunk.Pending++;
        queue.Add(chunk, output.Slot);
        while (queue.TryTake(out chunk, out int top))
        {
            TapeNode[] nodes = chunk.Nodes;
            for (int i = top; chunk.Pending > 0; i--)
            {
                ref TapeNode node = ref nodes[i];
                if (node.Op < TapeChunk.Reached) continue;
                node.Op &= unchecked((byte)~TapeChunk.Reached);
                chunk.Pending--;
                Step(chunk, ref node, queue);
            }
        }
    }

    /// <summary>Runs the local rule of <paramref name="node"/>: passes its gradient, times the op's local derivative, to its inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(TapeChunk chunk, ref TapeNode node, ChunkQueue queue)
    {
        double grad = node.Grad;
        int a = node.A;
        switch ((OpCode)node.Op)
        {
            case OpCode.Add:
            {
                (double da, double db) = Value.AddGrad(grad);
                Send(chunk, a, da, queue);
                Send(chunk, node.B, db, queue);
                break;
            }
            case OpCode.Mul:
            {
                int b = node.B;
                (double da, double db) = Value.MulGrad(Input(chunk, a).Data, Input(chunk, b).Data, grad);
                Send(chunk, a, da, queue);
                Send(chunk, b, db, queue);
                break;
            }
            case OpCode.AddConstant: Send(chunk, a, Value.AddConstantGrad(grad), queue); break;
            case OpCode.MulConstant: Send(chunk, a, Value.MulConstantGrad(node.Constant, grad), queue); break;
            case OpCode.Pow: Send(chunk, a, Value.PowGrad(Input(chunk, a).Data, node.Constant, grad), queue); break;
            case OpCode.Exp: Send(chunk, a, Value.ExpGrad(node.Data, grad), queue); break;
            case OpCode.Log: Send(chunk, a, Value.LogGrad(Input(chunk, a).Data, grad), queue); break;
            case OpCode.Tanh: Send(chunk, a, Value.TanhGrad(node.Data, grad), queue); break;
            case OpCode.Sigmoid: Send(chunk, a, Value.SigmoidGrad(node.Data, grad), queue); break;
            case OpCode.Relu: Send(chunk, a, Value.ReluGrad(node.Data, grad), queue); break;
        }
    }

    /// <summary>The input <paramref name="code"/> of a node of <paramref name="chunk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref TapeNode Input(TapeChunk chunk, int code) => ref chunk.InputChunk(code).Nodes[code & TapeChunk.SlotMask];

    /// <summary>
    /// Adds <paramref name="contribution"/> to the gradient of input <paramref name="code"/>: on
    /// a leaf always; on a node made by an op, the first time this pass reaches it the gradient
    /// is set and the node queued.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Send(TapeChunk from, int code, double contribution, ChunkQueue queue)
    {
        TapeChunk chunk = from.InputChunk(code);
        int slot = code & TapeChunk.SlotMask;
        ref TapeNode input = ref chunk.Nodes[slot];
        byte op = input.Op;
        if (op == (byte)OpCode.Leaf || op >= TapeChunk.Reached)
        {
            input.Grad += contribution;
            return;
        }
        input.Op = (byte)(op | TapeChunk.Reached);
        input.Grad = 0.0 + contribution; // as if from zero: -0.0 becomes +0.0, as it always did
        chunk.Pending++;
        if (chunk != from) queue.Add(chunk, slot);
    }

    /// <summary>
    /// Every node <paramref name="output"/> depends on, itself included, each exactly once, in
    /// reverse topological order: the output first, and every node before the nodes it was
    /// computed from (nodes made by ops newest first, then the leaves).
    /// </summary>
    /// <param name="output">The node whose graph to list.</param>
    /// <returns>The nodes, output first: <paramref name="output"/> itself, then new handles on the others.</returns>
    public static List<Value> Nodes(Value output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var order = new List<Value> { output };
        if (output.IsLeaf) return order;

        var leaves = new List<Value>();
        ChunkQueue queue = ChunkQueue.Current;
        TapeChunk chunk = output.Chunk;
        chunk.Nodes[output.Slot].Op |= TapeChunk.Reached;
        chunk.Pending++;
        queue.Add(chunk, output.Slot);
        while (queue.TryTake(out chunk, out int top))
        {
            TapeNode[] nodes = chunk.Nodes;
            for (int i = top; chunk.Pending > 0; i--)
            {
                ref TapeNode node = ref nodes[i];
                // A marked leaf is listed already and was never counted as pending: the sweep
                // passes it by (a leaf made between two ops, as the chapter's Value(-target), sits
                // among the nodes the sweep visits).
                if (node.Op < TapeChunk.Reached || node.Op == ((byte)OpCode.Leaf | TapeChunk.Reached)) continue;
                node.Op &= unchecked((byte)~TapeChunk.Reached);
                chunk.Pending--;
                if (chunk != output.Chunk || i != output.Slot) order.Add(new Value(chunk, i));
                Mark(chunk, node.A, queue, leaves);
                if ((OpCode)node.Op is OpCode.Add or OpCode.Mul) Mark(chunk, node.B, queue, leaves);
            }
        }

        // Leaves were marked too, so that each is listed once; clear their marks.
        foreach (Value leaf in leaves) leaf.Chunk.Nodes[leaf.Slot].Op = (byte)OpCode.Leaf;
        order.AddRange(leaves);
        return order;
    }

    /// <summary>Marks input <paramref name="code"/> reached, if it was not: a leaf is listed, a node made by an op queued.</summary>
    private static void Mark(TapeChunk from, int code, ChunkQueue queue, List<Value> leaves)
    {
        TapeChunk chunk = from.InputChunk(code);
        int slot = code & TapeChunk.SlotMask;
        ref byte op = ref chunk.Nodes[slot].Op;
        if (op >= TapeChunk.Reached) return;
        op |= TapeChunk.Reached;
        if (op == (byte)OpCode.Leaf + TapeChunk.Reached)
        {
            leaves.Add(new Value(chunk, slot));
            return;
        }
        chunk.Pending++;
        if (chunk != from) queue.Add(chunk, slot);
    }
}
