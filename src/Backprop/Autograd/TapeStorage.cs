namespace Backprop;

/// <summary>
/// The arrays behind one <see cref="TapeChunk"/>, one entry a node (struct of arrays): what the
/// node holds, its gradient, the op that made it, its inputs and its constant operand. Kept
/// apart from the chunk so that <see cref="Tape"/> can hand the arrays of a chunk the garbage
/// collector found unreachable to a new chunk.
/// </summary>
internal sealed class TapeStorage
{
    /// <summary>Allocates room for <paramref name="capacity"/> nodes. Entries are written when a node is recorded, so the arrays start uninitialised.</summary>
    public TapeStorage(int capacity)
    {
        Data = GC.AllocateUninitializedArray<double>(capacity);
        Grad = GC.AllocateUninitializedArray<double>(capacity);
        Constant = GC.AllocateUninitializedArray<double>(capacity);
        Op = GC.AllocateUninitializedArray<byte>(capacity);
        A = GC.AllocateUninitializedArray<int>(capacity);
        B = GC.AllocateUninitializedArray<int>(capacity);
    }

    /// <summary>Each node's number (<see cref="Value.Data"/>).</summary>
    public double[] Data { get; }

    /// <summary>Each node's gradient (<see cref="Value.Grad"/>).</summary>
    public double[] Grad { get; }

    /// <summary>The constant operand of <c>a + k</c>, <c>a * k</c> and <c>a ** k</c>; unused by other ops.</summary>
    public double[] Constant { get; }

    /// <summary>Each node's <see cref="OpCode"/>, with <see cref="TapeChunk.Reached"/> set while a pass has reached it.</summary>
    public byte[] Op { get; }

    /// <summary>The first input of an op, encoded as <see cref="TapeChunk.Encode"/> does; unused by leaves.</summary>
    public int[] A { get; }

    /// <summary>The second input of a two-input op; unused otherwise.</summary>
    public int[] B { get; }

    /// <summary>How many nodes the arrays hold.</summary>
    public int Capacity => Data.Length;
}
