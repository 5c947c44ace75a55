namespace Backprop;

internal sealed partial class Tape
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
    /// <returns>The sum; <paramref name="start"/> itself when the spans are empty.</returns>
    public static Value MultiplyAdd(Value start, ReadOnlySpan<Value> a, ReadOnlySpan<Value> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Tape.MultiplyAdd: {a.Length} left factors and {b.Length} right factors", nameof(b));
        if (a.Length == 0) return start;
        Tape tape = Current;
        TapeChunk chunk = tape._chunk;
        TapeChunk sumChunk = start.Chunk;
        int sumSlot = start.Slot;
        double sum = start.Data;
        for (int i = 0; i < a.Length; i++)
        {
            Value x = a[i], y = b[i];
            double product = x.Data * y.Data;
            int productSlot = tape.Binary(ref chunk, OpCode.Mul, product, x.Chunk, x.Slot, y.Chunk, y.Slot);
            TapeChunk productChunk = chunk;
            sum += product; // what operator + computes from the two nodes' numbers
            sumSlot = tape.Binary(ref chunk, OpCode.Add, sum, sumChunk, sumSlot, productChunk, productSlot);
            sumChunk = chunk;
        }
        return new Value(sumChunk, sumSlot);
    }
}
