using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
public static unsafe class ValueGraph
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
        first.Links |= TapeChunk.Reached;
        chunk.Pending++;
        queue.Add(chunk, output.Slot);
        // The sweep stays in this method: the million-step chain calls Backward once, and a loop
        // here gets optimised code on the spot (on-stack replacement), where a helper called once
        // per chunk would run its first calls unoptimised (measured: 45 ms instead of 33).
        while (queue.TryTake(out chunk, out int top))
        {
            // Nodes of this chunk reached and not yet visited. Only this sweep adds to it now:
            // every chunk that reads from this one is newer and has been swept already.
            int pending = chunk.Pending;
            ref TapeNode nodes = ref *chunk.Nodes;
            for (int i = top; pending > 0; i--)
            {
                ref TapeNode node = ref Unsafe.Add(ref nodes, i); // i <= top < Count: recorded
                ulong links = node.Links;
                if ((byte)links < TapeChunk.Reached) continue;
                links &= ~(ulong)TapeChunk.Reached;
                node.Links = links;
                pending--;
                pending += Step(chunk, ref nodes, ref node, links, queue);
            }
            chunk.Pending = 0;
        }
    }

    /// <summary>
    /// Runs the local rule of <paramref name="node"/>: passes its gradient, times the op's local
    /// derivative, to its inputs. Returns how many inputs in <paramref name="chunk"/> itself it
    /// reached for the first time (the caller's count of pending nodes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(TapeChunk chunk, ref TapeNode nodes, ref TapeNode node, ulong links, ChunkQueue queue)
    {
        double grad = node.Grad;
        var op = (OpCode)(byte)links;
        int a = TapeNode.InputA(links);
        switch (op)
        {
            case OpCode.Add:
            {
                int b = TapeNode.InputB(links);
                (double da, double db) = Value.AddGrad(grad);
                return Send(chunk, a, ref Input(chunk, ref nodes, a), da, queue)
                    + Send(chunk, b, ref Input(chunk, ref nodes, b), db, queue);
            }
            case OpCode.Mul:
            {
                int b = TapeNode.InputB(links);
                ref TapeNode inputA = ref Input(chunk, ref nodes, a);
                ref TapeNode inputB = ref Input(chunk, ref nodes, b);
                (double da, double db) = Value.MulGrad(inputA.Data, inputB.Data, grad);
                return Send(chunk, a, ref inputA, da, queue) + Send(chunk, b, ref inputB, db, queue);
            }
        }

        ref TapeNode input = ref Input(chunk, ref nodes, a);
        double contribution = op switch
        {
            OpCode.AddConstant => Value.AddConstantGrad(grad),
            OpCode.MulConstant => Value.MulConstantGrad(chunk.Constants[TapeNode.InputB(links)], grad),
            OpCode.Pow => Value.PowGrad(input.Data, chunk.Constants[TapeNode.InputB(links)], grad),
            OpCode.Exp => Value.ExpGrad(node.Data, grad),
            OpCode.Log => Value.LogGrad(input.Data, grad),
            OpCode.Tanh => Value.TanhGrad(node.Data, grad),
            OpCode.Sigmoid => Value.SigmoidGrad(node.Data, grad),
            _ => Value.ReluGrad(node.Data, grad),
        };
        return Send(chunk, a, ref input, contribution, queue);
    }

    /// <summary>
    /// The input <paramref name="code"/> of a node of <paramref name="chunk"/>, whose first node
    /// is <paramref name="nodes"/>: an input in the same chunk (code below
    /// <see cref="TapeChunk.MaxCapacity"/>) is read without a lookup. Codes are made by
    /// <see cref="TapeChunk.Encode(TapeChunk, int)"/> from recorded nodes, so no bounds check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref TapeNode Input(TapeChunk chunk, ref TapeNode nodes, int code) =>
        ref code < TapeChunk.MaxCapacity
            ? ref Unsafe.Add(ref nodes, code) // a slot below the consumer's, so recorded
            : ref chunk.InputChunk(code).Nodes[code & TapeChunk.SlotMask];

    /// <summary>
    /// Adds <paramref name="contribution"/> to the gradient of <paramref name="input"/> (input
    /// <paramref name="code"/> of a node of <paramref name="from"/>): on a leaf always; on a node
    /// made by an op, the first time this pass reaches it the gradient is set and the node marked,
    /// and counted as pending: returns 1 if it is in <paramref name="from"/> (the caller counts
    /// those), or counts it in its own chunk and queues that.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Send(TapeChunk from, int code, ref TapeNode input, double contribution, ChunkQueue queue)
    {
        ulong links = input.Links; // read and written whole (see TapeNode)
        byte op = (byte)links;
        if (op == (byte)OpCode.Leaf || op >= TapeChunk.Reached)
        {
            input.Grad += contribution;
            return 0;
        }
        input.Links = links | TapeChunk.Reached;
        input.Grad = 0.0 + contribution; // as if from zero: -0.0 becomes +0.0, as it always did
        if (code < TapeChunk.MaxCapacity) return 1;
        Reached(from, code, queue);
        return 0;
    }

    /// <summary>Counts input <paramref name="code"/>, in another chunk than <paramref name="from"/>, as pending there, and queues that chunk.</summary>
    private static void Reached(TapeChunk from, int code, ChunkQueue queue)
    {
        TapeChunk chunk = from.InputChunk(code);
        chunk.Pending++;
        queue.Add(chunk, code & TapeChunk.SlotMask);
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
        chunk.Nodes[output.Slot].Links |= TapeChunk.Reached;
        chunk.Pending++;
        queue.Add(chunk, output.Slot);
        while (queue.TryTake(out chunk, out int top))
        {
            TapeNode* nodes = chunk.Nodes;
            for (int i = top; chunk.Pending > 0; i--)
            {
                ref TapeNode node = ref nodes[i];
                // A marked leaf is listed already and was never counted as pending: the sweep
                // passes it by (a leaf made between two ops, as the chapter's Value(-target), sits
                // among the nodes the sweep visits).
                if (node.Op < TapeChunk.Reached || node.Op == ((byte)OpCode.Leaf | TapeChunk.Reached)) continue;
                node.Links &= ~(ulong)TapeChunk.Reached;
                chunk.Pending--;
                if (chunk != output.Chunk || i != output.Slot) order.Add(new Value(chunk, i));
                Mark(chunk, node.A, queue, leaves);
                if ((OpCode)node.Op is OpCode.Add or OpCode.Mul) Mark(chunk, node.B, queue, leaves);
            }
        }

        // Leaves were marked too, so that each is listed once; clear their marks.
        foreach (Value leaf in leaves) leaf.Chunk.Nodes[leaf.Slot].Links &= ~(ulong)TapeChunk.Reached;
        order.AddRange(leaves);
        return order;
    }

    /// <summary>Marks input <paramref name="code"/> reached, if it was not: a leaf is listed, a node made by an op queued.</summary>
    private static void Mark(TapeChunk from, int code, ChunkQueue queue, List<Value> leaves)
    {
        TapeChunk chunk = from.InputChunk(code);
        int slot = code & TapeChunk.SlotMask;
        ref TapeNode node = ref chunk.Nodes[slot];
        if (node.Op >= TapeChunk.Reached) return;
        node.Links |= TapeChunk.Reached;
        if (node.Op == (byte)OpCode.Leaf + TapeChunk.Reached)
        {
            leaves.Add(new Value(chunk, slot));
            return;
        }
        chunk.Pending++;
        if (chunk != from) queue.Add(chunk, slot);
    }
}
