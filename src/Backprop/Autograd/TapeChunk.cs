using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// A block of the tape that records <see cref="Value"/> nodes: up to
/// <see cref="MaxCapacity"/> nodes in creation order, stored as entries of a block of native memory rather
/// than as objects (see <see cref="Tape"/> for how chunks are made and reclaimed).
/// </summary>
/// <remarks>
/// <para>
/// A node refers to an input by an <see cref="int"/>: the input's slot in its own chunk, plus,
/// in the high bits, the index of that chunk in this chunk's list of dependencies (index 0
/// is the chunk itself). The list is also what keeps the chunks a graph reads from alive: a
/// chunk is reachable from every chunk that uses one of its nodes, so the garbage collector
/// frees a chunk only when no <see cref="Value"/> handle and no later node needs it.
/// </para>
/// <para>
/// Chunks are numbered (<see cref="Sequence"/>) in the order they are made, and a node's inputs
/// always live in an earlier chunk or earlier in the same chunk. So (sequence, slot) order is
/// creation order, which is a topological order: the backward pass is one sweep in reverse.
/// </para>
/// </remarks>
internal sealed unsafe class TapeChunk
{
    /// <summary>Bits of an input code that hold the slot.</summary>
    public const int SlotBits = 13;

    /// <summary>
    /// The largest chunk: 8,192 nodes (192 KB), few enough that a small graph does not hold a
    /// large array alive, and many enough that the chunk's bookkeeping is a small share of it.
    /// </summary>
    public const int MaxCapacity = 1 << SlotBits;

    /// <summary>
    /// The most chunks a chunk may read from, itself included: what the bits of an input code
    /// above the slot can number (<see cref="TapeNode.CodeBits"/>). A chunk's 8,192 nodes read
    /// from at most 16,384 other chunks, so it is never reached; if it were,
    /// <see cref="Encode(TapeChunk, int)"/> would send the node to a new chunk.
    /// </summary>
    public const int MaxDependencies = 1 << (TapeNode.CodeBits - SlotBits);

    /// <summary>The slot part of an input code.</summary>
    public const int SlotMask = MaxCapacity - 1;

    /// <summary>The bit of an op byte that marks a node reached by the running pass.</summary>
    public const byte Reached = 0x80;

    /// <summary>Chunks made so far, by all threads: the source of <see cref="Sequence"/>.</summary>
    private static long s_made;

    private TapeChunk[] _deps;
    private int _depCount;
    private Dictionary<TapeChunk, int>? _depIndex; // once the list is long; chunks rarely read from more than a few
    // The last chunks looked up, by sequence number modulo 8: a layer's weights and its input
    // usually live in two other chunks, and each would evict the other from a single entry.
    private readonly TapeChunk?[] _recent = new TapeChunk?[8];
    private readonly int[] _recentCode = new int[8];
    private int _constantCount;
    // Where each constant was put, by a hash of its bits (index + 1; 0 when empty): a graph
    // repeats a few constants (the chain's 1.0001 and 0.5, -1 for every negation), and each is
    // then stored once per chunk. A constant whose entry another holds is stored again.
    private int[]? _constantSlots;

    /// <summary>A chunk recording into <paramref name="nodes"/> (room for <paramref name="capacity"/>), numbered after every chunk made before it.</summary>
    public TapeChunk(TapeNode* nodes, int capacity)
    {
        Nodes = nodes;
        Capacity = capacity;
        Limit = capacity;
        Sequence = Interlocked.Increment(ref s_made);
        _deps = new TapeChunk[4];
        _deps[0] = this;
        _depCount = 1;
        TapeChunkLifetimes.Track(this);
    }

    /// <summary>A chunk with no room, that a sealed <see cref="Tape"/> points at so that it holds no graph alive.</summary>
    private TapeChunk()
    {
        Nodes = null;
        _deps = [this];
        _depCount = 1;
    }

    /// <summary>The full chunk a sealed tape points at.</summary>
    public static TapeChunk Full { get; } = new();

    /// <summary>The order in which the chunk was made, across threads; inputs live in chunks with smaller numbers.</summary>
    public long Sequence { get; }

    /// <summary>
    /// The nodes, in creation order: a block of native memory (<see cref="TapeMemory"/>),
    /// uninitialised until recorded, that lives as long as the chunk. Index it only below
    /// <see cref="Count"/> (every slot a handle or an input code names is).
    /// </summary>
    public readonly TapeNode* Nodes;

    /// <summary>Nodes the block holds.</summary>
    public readonly int Capacity;

    /// <summary>Nodes recorded so far.</summary>
    public int Count;

    /// <summary>Nodes this chunk may take: its capacity, or fewer once it is sealed.</summary>
    public int Limit;

    /// <summary>
    /// The constant operands of the chunk's <c>a + k</c>, <c>a * k</c> and <c>a ** k</c> nodes,
    /// each distinct number usually once; such a node holds the index of its constant in
    /// <see cref="TapeNode.B"/>. Empty until the first one.
    /// </summary>
    public double[] Constants = [];

    /// <summary>Labels of the few nodes that have one, by slot.</summary>
    public Dictionary<int, string>? Labels;

    // State of the running pass (see ValueGraph); zero / false between passes.
    /// <summary>Nodes of this chunk that the running pass has reached and not yet processed.</summary>
    public int Pending;

    /// <summary>The highest slot the running pass has reached from another chunk.</summary>
    public int Top;

    /// <summary>Whether the chunk waits in the pass's queue.</summary>
    public bool Queued;

    /// <summary>
    /// The code by which a node of this chunk refers to <paramref name="input"/>; negative if
    /// the input lives in a chunk made after this one (by another thread), which a node of
    /// this chunk must not read from: creation order would no longer be topological.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Encode(Value input) => Encode(input.Chunk, input.Slot);

    /// <summary>The code for the node in <paramref name="slot"/> of <paramref name="chunk"/>, as <see cref="Encode(Value)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Encode(TapeChunk chunk, int slot)
    {
        if (chunk == this) return slot;
        int entry = (int)chunk.Sequence & 7;
        // entry < 8, the arrays' length: read without a bounds check (this runs for every input).
        if (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_recent), entry) == chunk)
            return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_recentCode), entry) | slot;
        return chunk.Sequence > Sequence ? -1 : DepCode(chunk) | slot;
    }

    /// <summary>
    /// The index in <see cref="Constants"/> of <paramref name="constant"/>, added if it is not
    /// there (compared bit for bit, so that -0.0 and each NaN keep their own bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ConstantIndex(double constant)
    {
        long bits = BitConverter.DoubleToInt64Bits(constant);
        // Fibonacci hashing: the top bits of the product depend on every bit of the constant.
        int entry = (int)(unchecked((ulong)bits * 0x9E3779B97F4A7C15UL) >> (64 - ConstantSlotBits));
        if (_constantSlots is { } slots)
        {
            int index = slots[entry] - 1;
            if (index >= 0 && BitConverter.DoubleToInt64Bits(Constants[index]) == bits) return index;
        }
        return AddConstant(constant, entry);
    }

    /// <summary>Bits of the hash that picks an entry of the table that finds a chunk's constants (16 entries).</summary>
    private const int ConstantSlotBits = 4;

    /// <summary>Stores <paramref name="constant"/> at the end of <see cref="Constants"/> and in entry <paramref name="entry"/> of the table; returns its index.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int AddConstant(double constant, int entry)
    {
        _constantSlots ??= new int[1 << ConstantSlotBits];
        if (_constantCount == Constants.Length) Array.Resize(ref Constants, Math.Max(8, 2 * _constantCount));
        int index = _constantCount++;
        Constants[index] = constant;
        _constantSlots[entry] = index + 1;
        return index;
    }

    /// <summary>The constant operand of the node in <paramref name="slot"/> (an <c>a + k</c>, <c>a * k</c> or <c>a ** k</c> node).</summary>
    public double ConstantAt(int slot)
    {
        int index = Nodes[slot].B;
        GC.KeepAlive(this); // the block lives as long as the chunk (see Value.Data)
        return Constants[index];
    }

    /// <summary>The chunk an input code points into (the slot is <c>code &amp; SlotMask</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TapeChunk InputChunk(int code) => _deps[code >> SlotBits];

    /// <summary>A new handle on the input that <paramref name="code"/> points to.</summary>
    public Value Input(int code) => new(InputChunk(code), code & SlotMask);

    /// <summary>The op that made the node in <paramref name="slot"/>, without the pass's mark.</summary>
    public OpCode OpAt(int slot)
    {
        var op = (OpCode)(Nodes[slot].Op & ~Reached);
        GC.KeepAlive(this); // the block lives as long as the chunk (see Value.Data)
        return op;
    }

    /// <summary>
    /// Finds or adds <paramref name="chunk"/> in the dependency list; returns its index shifted
    /// into place, or -1 if the list is full (<see cref="MaxDependencies"/>).
    /// </summary>
    private int DepCode(TapeChunk chunk)
    {
        int index = -1;
        if (_depIndex is not null)
        {
            if (_depIndex.TryGetValue(chunk, out int found)) index = found;
        }
        else
        {
            for (int i = 1; i < _depCount; i++)
            {
                if (_deps[i] == chunk) { index = i; break; }
            }
        }
        if (index < 0)
        {
            if (_depCount == MaxDependencies) return -1;
            if (_depCount == _deps.Length) Array.Resize(ref _deps, _deps.Length * 2);
            index = _depCount++;
            _deps[index] = chunk;
            if (_depIndex is not null) _depIndex[chunk] = index;
            else if (_depCount > 16)
            {
                _depIndex = new Dictionary<TapeChunk, int>(ReferenceEqualityComparer.Instance);
                for (int i = 1; i < _depCount; i++) _depIndex[_deps[i]] = i;
            }
        }
        int entry = (int)chunk.Sequence & 7;
        _recent[entry] = chunk;
        return _recentCode[entry] = index << SlotBits;
    }
}
