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
        int slot = output.Slot;
        if (output.IsLeaf)
        {
            chunk.Grad[slot] += 1;
            return;
        }

        ChunkQueue queue = ChunkQueue.Current;
        chunk.Grad[slot] = 1;
        chunk.Op[slot] |= TapeChunk.Reached;
        chunk.Pending++;
        queue.Add(chunk, slot);
        while (queue.TryTake(out chunk, out int top))
        {
            byte[] ops = chunk.Op;
            for (int i = top; chunk.Pending > 0; i--)
            {
                byte op = ops[i];
                if (op < TapeChunk.Reached) continue;
                ops[i] = (byte)(op & ~TapeChunk.Reached);
                chunk.Pending--;
                Step(chunk, i, (OpCode)(op & ~TapeChunk.Reached), queue);
            }
        }
    }

    /// <summary>Runs the local rule of the node in <paramref name="i"/>: passes its gradient, times the op's local derivative, to its inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(TapeChunk chunk, int i, OpCode op, ChunkQueue queue)
    {
        double grad = chunk.Grad[i];
        int a = chunk.A[i];
        switch (op)
        {
            case OpCode.Add:
            {
                (double da, double db) = Value.AddGrad(grad);
                Send(chunk, a, da, queue);
                Send(chunk, chunk.B[i], db, queue);
                break;
            }
            case OpCode.Mul:
            {
                int b = chunk.B[i];
                (double da, double db) = Value.MulGrad(DataOf(chunk, a), DataOf(chunk, b), grad);
                Send(chunk, a, da, queue);
                Send(chunk, b, db, queue);
                break;
            }
            case OpCode.AddConstant: Send(chunk, a, Value.AddConstantGrad(grad), queue); break;
            case OpCode.MulConstant: Send(chunk, a, Value.MulConstantGrad(chunk.Constant[i], grad), queue); break;
            case OpCode.Pow: Send(chunk, a, Value.PowGrad(DataOf(chunk, a), chunk.Constant[i], grad), queue); break;
            case OpCode.Exp: Send(chunk, a, Value.ExpGrad(chunk.Data[i], grad), queue); break;
            case OpCode.Log: Send(chunk, a, Value.LogGrad(DataOf(chunk, a), grad), queue); break;
            case OpCode.Tanh: Send(chunk, a, Value.TanhGrad(chunk.Data[i], grad), queue); break;
            case OpCode.Sigmoid: Send(chunk, a, Value.SigmoidGrad(chunk.Data[i], grad), queue); break;
            case OpCode.Relu: Send(chunk, a, Value.ReluGrad(chunk.Data[i], grad), queue); break;
        }
    }

    /// <summary>The number held by the input <paramref name="code"/> of a node of <paramref name="chunk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double DataOf(TapeChunk chunk, int code) => chunk.InputChunk(code).Data[code & TapeChunk.SlotMask];

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
        byte op = chunk.Op[slot];
        if (op == (byte)OpCode.Leaf || op >= TapeChunk.Reached)
        {
            chunk.Grad[slot] += contribution;
            return;
        }
        chunk.Op[slot] = (byte)(op | TapeChunk.Reached);
        chunk.Grad[slot] = 0.0 + contribution; // as if from zero: -0.0 becomes +0.0, as it always did
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
        chunk.Op[output.Slot] |= TapeChunk.Reached;
        chunk.Pending++;
        queue.Add(chunk, output.Slot);
        while (queue.TryTake(out chunk, out int top))
        {
            byte[] ops = chunk.Op;
            for (int i = top; chunk.Pending > 0; i--)
            {
                byte op = ops[i];
                if (op < TapeChunk.Reached) continue;
                ops[i] = (byte)(op & ~TapeChunk.Reached);
                chunk.Pending--;
                if (chunk != output.Chunk || i != output.Slot) order.Add(new Value(chunk, i));
                Mark(chunk, chunk.A[i], queue, leaves);
                if ((OpCode)(op & ~TapeChunk.Reached) is OpCode.Add or OpCode.Mul) Mark(chunk, chunk.B[i], queue, leaves);
            }
        }

        // Leaves were marked too, so that each is listed once; clear their marks.
        foreach (Value leaf in leaves) leaf.Chunk.Op[leaf.Slot] = (byte)OpCode.Leaf;
        order.AddRange(leaves);
        return order;
    }

    /// <summary>Marks input <paramref name="code"/> reached, if it was not: a leaf is listed, a node made by an op queued.</summary>
    private static void Mark(TapeChunk from, int code, ChunkQueue queue, List<Value> leaves)
    {
        TapeChunk chunk = from.InputChunk(code);
        int slot = code & TapeChunk.SlotMask;
        byte op = chunk.Op[slot];
        if (op >= TapeChunk.Reached) return;
        chunk.Op[slot] = (byte)(op | TapeChunk.Reached);
        if (op == (byte)OpCode.Leaf)
        {
            leaves.Add(new Value(chunk, slot));
            return;
        }
        chunk.Pending++;
        if (chunk != from) queue.Add(chunk, slot);
    }
}
