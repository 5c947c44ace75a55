using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

internal sealed unsafe partial class Tape
{
    /// <summary>
    /// Records <c>start + a[0] * b[0] + a[1] * b[1] + …</c> exactly as the loop
    /// <c>sum = start; sum += a[i] * b[i]</c> does with the operators (each product a
    /// <see cref="OpCode.Mul"/> node of a[i] and b[i], then an <see cref="OpCode.Add"/> node of the
    /// running sum and that product, left to right), and returns a handle on the last sum only.
    /// </summary>
    /// <remarks>
    /// The nodes, their order, their numbers (bit for bit) and so every gradient are those of the
    /// loop; what is saved is the handle the loop makes for each of its 2n intermediate nodes (an
    /// allocation each) and a tape lookup per node. <see cref="Value.Inputs"/> still reaches every
    /// intermediate node. <see cref="NN.Scalar.Neuron"/> sums its weighted inputs with it.
    /// </remarks>
    /// <param name="start">The first term (a neuron's bias).</param>
    /// <param name="a">The left factors.</param>
    /// <param name="b">The right factors, as many as <paramref name="a"/>.</param>
    /// <param name="relu">Whether to record <c>sum.Relu()</c> after the sum and return that (a hidden neuron).</param>
    /// <returns>The sum, or its ReLU; <paramref name="start"/> itself (or its ReLU) when the spans are empty.</returns>
    public static Value MultiplyAdd(Value start, ReadOnlySpan<Value> a, ReadOnlySpan<Value> b, bool relu = false)
    {
        if (a.Length != b.Length) ThrowLengths(a.Length, b.Length);
        if (a.Length == 0) return relu ? start.Relu() : start;
        Tape tape = Current;
        TapeChunk chunk = tape._chunk;
        TapeChunk sumChunk = start.Chunk;
        int sumSlot = start.Slot;
        double sum = start.Data;
        int i = 0;
        int codeSum = chunk.Encode(sumChunk, sumSlot);
        if (chunk.Limit - chunk.Count >= 2 * a.Length && codeSum >= 0)
        {
            i = RecordInChunk(chunk, codeSum, ref sum, a, b);
            if (i > 0) (sumChunk, sumSlot) = (chunk, chunk.Count - 1);
        }
        for (; i < a.Length; i++)
        {
            Value x = a[i], y = b[i];
            double product = x.Data * y.Data;
            int productSlot = tape.Binary(ref chunk, OpCode.Mul, product, x.Chunk, x.Slot, y.Chunk, y.Slot);
            TapeChunk productChunk = chunk;
            sum += product; // what operator + computes from the two nodes' numbers
            sumSlot = tape.Binary(ref chunk, OpCode.Add, sum, sumChunk, sumSlot, productChunk, productSlot);
            sumChunk = chunk;
        }
        if (!relu) return new Value(sumChunk, sumSlot);
        int slot = tape.Unary(ref chunk, OpCode.Relu, Value.ReluOf(sum), sumChunk, sumSlot, 0);
        return new Value(chunk, slot);
    }

    /// <summary>
    /// The products and sums of <see cref="MultiplyAdd"/> when all of them fit in
    /// <paramref name="chunk"/> (the caller checked the room): no check per node, and each running
    /// sum is the node just recorded. Stops early if a factor lives in a chunk that another thread
    /// made after this one (the caller goes on in a new chunk); returns the pairs recorded.
    /// </summary>
    private static int RecordInChunk(TapeChunk chunk, int codeSum, ref double sum, ReadOnlySpan<Value> a, ReadOnlySpan<Value> b)
    {
        ref TapeNode nodes = ref *chunk.Nodes;
        int count = chunk.Count;
        double total = sum;
        int i = 0;
        for (; i < a.Length; i++)
        {
            Value x = a[i], y = b[i];
            int codeX = chunk.Encode(x.Chunk, x.Slot), codeY = chunk.Encode(y.Chunk, y.Slot);
            if ((codeX | codeY) < 0) break;
            double product = x.Data * y.Data;
            total += product; // what operator + computes from the two nodes' numbers
            ref TapeNode mul = ref Unsafe.Add(ref nodes, count); // count + 1 < Limit: the caller checked
            mul.Data = product;
            mul.Grad = 0;
            mul.Links = TapeNode.Pack(OpCode.Mul, codeX, codeY);
            ref TapeNode add = ref Unsafe.Add(ref mul, 1);
            add.Data = total;
            add.Grad = 0;
            add.Links = TapeNode.Pack(OpCode.Add, codeSum, count);
            codeSum = count + 1;
            count += 2;
        }
        chunk.Count = count;
        sum = total;
        return i;
    }

    [DoesNotReturn]
    private static void ThrowLengths(int a, int b) =>
        throw new ArgumentException($"Tape.MultiplyAdd: {a} left factors and {b} right factors");
}
