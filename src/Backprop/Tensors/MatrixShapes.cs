namespace Backprop;

/// <summary>
/// Shape and stride arrays of row-major matrices, shared by the results that have them: a
/// tensor never writes its shape or strides, so one pair of arrays serves every [rows, cols]
/// result a thread makes. A Linear layer's forward makes a [batch, out] result a call, and on
/// TF Playground's network (8 units, batches of 10) the two fresh arrays were a tenth of the
/// bytes a step allocated.
/// </summary>
/// <remarks>
/// One per thread, in its <see cref="Memory.ThreadMemory"/>. Direct-mapped by size: a miss only
/// replaces one entry, so any mix of sizes stays correct.
/// </remarks>
internal sealed class MatrixShapes
{
    private const int Entries = 32; // a power of two

    private readonly Entry?[] _entries = new Entry?[Entries];
    private readonly Entry?[] _vectors = new Entry?[Entries];

    private sealed class Entry(int[] shape, int[] strides)
    {
        public readonly int[] Shape = shape, Strides = strides;
    }

    /// <summary>The shape <c>[rows, cols]</c> and its row-major strides (<see cref="ShapeMath.ContiguousStrides"/>), shared: never write either.</summary>
    public (int[] Shape, int[] Strides) Of(int rows, int cols)
    {
        int slot = (int)((uint)(rows * 31 + cols) & (Entries - 1));
        Entry? entry = _entries[slot];
        if (entry is null || entry.Shape[0] != rows || entry.Shape[1] != cols)
            _entries[slot] = entry = new Entry([rows, cols], ShapeMath.ContiguousStrides([rows, cols]));
        return (entry.Shape, entry.Strides);
    }

    /// <summary>The shape <c>[length]</c> and its stride <c>[1]</c>, shared (a batch's labels): never write either.</summary>
    public (int[] Shape, int[] Strides) OfVector(int length)
    {
        int slot = length & (Entries - 1);
        Entry? entry = _vectors[slot];
        if (entry is null || entry.Shape[0] != length) _vectors[slot] = entry = new Entry([length], [1]);
        return (entry.Shape, entry.Strides);
    }
}
