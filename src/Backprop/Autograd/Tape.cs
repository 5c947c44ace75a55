using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// Where <see cref="Value"/> nodes are recorded: one tape per thread, a sequence of
/// <see cref="TapeChunk"/>s that each op appends to, so that creation order is a topological
/// order and the backward pass is one reverse sweep (see <see cref="ValueGraph"/>).
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> The garbage collector decides, at the granularity of chunks: a
/// <see cref="Value"/> handle refers to its chunk, and a chunk refers to every chunk its nodes
/// read from (<see cref="TapeChunk"/>). A chunk nobody can reach any more is unreachable for the
/// GC too: the collection clears its weak handle, and its block of nodes goes to
/// <see cref="TapeBlockPool"/> (<see cref="TapeChunkLifetimes"/>), shared by all threads, which
/// gives it to the next chunk that needs one. The blocks are native memory
/// (<see cref="TapeMemory"/>): the collector never copies them
/// from generation to generation, and has no references to scan in them.</para>
/// <para>Because reachability is per chunk, a chunk shared by two graphs keeps both alive: the
/// tail of one graph and the head of the next would chain every graph a thread ever built. So
/// <see cref="Value.Backward"/> seals the calling thread's tape: the next node starts a new
/// chunk, and the tape itself lets go of the old one. A training loop (build a graph, backward,
/// update, repeat) therefore keeps at most the graphs its code still refers to. Graphs built
/// without a backward pass in between (an evaluation loop) share chunks: while a handle into
/// the newest of them is alive, the ones built before it on that thread since the last
/// <see cref="Value.Backward"/> may stay too; all are freed once no handle to any of them
/// remains. For that the tape must not hold its current chunk for ever either: it lets go of
/// it at the first collection after the chunk was started (a finalizer tells it), and the next
/// node starts a new chunk.</para>
/// <para>A new run of chunks after a seal starts small (<see cref="MinCapacity"/> nodes) and
/// doubles up to <see cref="TapeChunk.MaxCapacity"/>, so that many tiny graphs (a gradient
/// check, a test) do not each take a full chunk.</para>
/// <para><b>Threads.</b> Each thread records into its own tape, so threads that build separate
/// graphs never write to the same chunk. A node may take inputs recorded by another thread:
/// if such an input's chunk is newer than the current one, recording moves on to a new chunk,
/// which keeps (sequence, slot) order topological.</para>
/// </remarks>
internal sealed unsafe partial class Tape
{
    /// <summary>Nodes of the first chunk after a seal.</summary>
    public const int MinCapacity = 256;


    [ThreadStatic] private static Tape? t_tape;

    private TapeChunk _chunk = TapeChunk.Full;
    private int _nextCapacity = MinCapacity;


    /// <summary>This thread's tape.</summary>
    public static Tape Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_tape ??= new Tape();
    }

    /// <summary>Records a leaf holding <paramref name="data"/> on this thread's tape.</summary>
    public static (TapeChunk Chunk, int Slot) Leaf(double data)
    {
        Tape tape = Current;
        TapeChunk chunk = tape._chunk;
        if (chunk.Count >= chunk.Limit) chunk = tape.NextChunk();
        int slot = chunk.Count++;
        ref TapeNode node = ref chunk.Nodes[slot];
        node.Data = data;
        node.Grad = 0;
        node.Links = TapeNode.Pack(OpCode.Leaf, 0, 0);
        return (chunk, slot);
    }

    /// <summary>
    /// Records a node computed by <paramref name="op"/> from one input and, for
    /// <see cref="OpCode.AddConstant"/>, <see cref="OpCode.MulConstant"/> and
    /// <see cref="OpCode.Pow"/>, the constant <paramref name="constant"/> (other ops ignore it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value Unary(OpCode op, double data, Value a, double constant = 0)
    {
        Tape tape = Current;
        TapeChunk chunk = tape._chunk;
        int slot = tape.Unary(ref chunk, op, data, a.Chunk, a.Slot, constant);
        return new Value(chunk, slot);
    }

    /// <summary>
    /// Records a node computed by <paramref name="op"/> from the node in (<paramref name="chunkA"/>,
    /// <paramref name="slotA"/>), as <see cref="Binary(ref TapeChunk, OpCode, double, TapeChunk, int, TapeChunk, int)"/>
    /// does for two inputs; returns the node's slot. No handle is made.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Unary(ref TapeChunk chunk, OpCode op, double data, TapeChunk chunkA, int slotA, double constant)
    {
        if (chunk.Count >= chunk.Limit) chunk = NextChunk();
        int codeA = chunk.Encode(chunkA, slotA);
        if (codeA < 0) codeA = (chunk = NextChunk()).Encode(chunkA, slotA);
        // op is a constant wherever this is inlined: the check goes, and so does the lookup for ops without a constant.
        int b = op is OpCode.AddConstant or OpCode.MulConstant or OpCode.Pow ? chunk.ConstantIndex(constant) : 0;
        int slot = chunk.Count++;
        ref TapeNode node = ref chunk.Nodes[slot];
        node.Data = data;
        node.Grad = 0;
        node.Links = TapeNode.Pack(op, codeA, b);
        return slot;
    }

    /// <summary>Records a node computed by <paramref name="op"/> from two inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value Binary(OpCode op, double data, Value a, Value b)
    {
        Tape tape = Current;
        TapeChunk chunk = tape._chunk;
        int slot = tape.Binary(ref chunk, op, data, a.Chunk, a.Slot, b.Chunk, b.Slot);
        return new Value(chunk, slot);
    }

    /// <summary>
    /// Records a node computed by <paramref name="op"/> from the nodes in (<paramref name="chunkA"/>,
    /// <paramref name="slotA"/>) and (<paramref name="chunkB"/>, <paramref name="slotB"/>) into
    /// <paramref name="chunk"/>, the tape's current chunk as the caller last saw it, or a new one
    /// (then <paramref name="chunk"/> is updated); returns the node's slot. No handle is made.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Binary(ref TapeChunk chunk, OpCode op, double data, TapeChunk chunkA, int slotA, TapeChunk chunkB, int slotB)
    {
        if (chunk.Count >= chunk.Limit) chunk = NextChunk();
        int codeA = chunk.Encode(chunkA, slotA), codeB = chunk.Encode(chunkB, slotB);
        if ((codeA | codeB) < 0)
        {
            chunk = NextChunk();
            (codeA, codeB) = (chunk.Encode(chunkA, slotA), chunk.Encode(chunkB, slotB));
        }
        int slot = chunk.Count++;
        ref TapeNode node = ref chunk.Nodes[slot];
        node.Data = data;
        node.Grad = 0;
        node.Links = TapeNode.Pack(op, codeA, codeB);
        return slot;
    }

    /// <summary>Ends the current chunk: the next node starts a new one, and the tape no longer holds the old one alive.</summary>
    public static void Seal()
    {
        Tape tape = Current;
        tape._chunk = TapeChunk.Full;
        tape._nextCapacity = MinCapacity;
    }

    /// <summary>Starts a new chunk, each run of chunks twice the size of the one before, up to the largest.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TapeChunk NextChunk()
    {
        int capacity = _nextCapacity;
        if (capacity < TapeChunk.MaxCapacity) _nextCapacity = capacity * 2;
        return Start(new TapeChunk(TapeBlockPool.Rent(capacity), capacity));
    }

    /// <summary>Makes <paramref name="chunk"/> current until it is full, sealed, or a collection happens.</summary>
    private TapeChunk Start(TapeChunk chunk)
    {
        _chunk = chunk;
        _ = new ReleaseAtCollection(this, chunk);
        return chunk;
    }

    /// <summary>
    /// Unreachable from birth, so the first collection finalizes it: the tape then stops holding
    /// the chunk that was current when it was made (if it still is), so that a thread which
    /// built graphs and went idle does not keep them alive. Runs on the finalizer thread; the
    /// compare-exchange leaves a newer chunk alone, and the owner thread at worst starts one
    /// chunk early.
    /// </summary>
    private sealed class ReleaseAtCollection(Tape tape, TapeChunk chunk)
    {
        ~ReleaseAtCollection() => Interlocked.CompareExchange(ref tape._chunk, TapeChunk.Full, chunk);
    }
}
