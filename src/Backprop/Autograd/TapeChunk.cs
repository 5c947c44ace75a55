using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// A block of the tape that records <see cref="Value"/> nodes: up to
/// <see cref="MaxCapacity"/> nodes in creation order, stored as entries of plain arrays rather
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
internal sealed class TapeChunk
{
    /// <summary>Bits of an input code that hold the slot.</summary>
    public const int SlotBits = 13;

    /// <summary>
    /// The largest chunk: 8,192 nodes, so that each array stays below the large-object
    /// threshold (64 KB of doubles) and lives in the ordinary heap.
    /// </summary>
    public const int MaxCapacity = 1 << SlotBits;

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

    /// <summary>A chunk recording into <paramref name="nodes"/>, numbered after every chunk made before it.</summary>
    public TapeChunk(TapeNode[] nodes)
    {
        Nodes = nodes;
        Limit = nodes.Length;
        Sequence = Interlocked.Increment(ref s_made);
        _deps = new TapeChunk[4];
        _deps[0] = this;
        _depCount = 1;
    }

    /// <summary>A chunk with no room, that a sealed <see cref="Tape"/> points at so that it holds no graph alive.</summary>
    private TapeChunk()
    {
        Nodes = [];
        _deps = [this];
        _depCount = 1;
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The chunk is unreachable: no handle and no later chunk can read its nodes again, so its
    /// array goes back to the pool for the next chunk (runs on the finalizer thread).
    /// </summary>
    ~TapeChunk() => TapeArrayPool.Return(Nodes);

    /// <summary>The full chunk a sealed tape points at.</summary>
    public static TapeChunk Full { get; } = new();

    /// <summary>The order in which the chunk was made, across threads; inputs live in chunks with smaller numbers.</summary>
    public long Sequence { get; }

    /// <summary>The nodes, in creation order (allocated pinned and uninitialised; see <see cref="Tape"/>).</summary>
    public readonly TapeNode[] Nodes;

    /// <summary>Nodes recorded so far.</summary>
    public int Count;

    /// <summary>Nodes this chunk may take: its capacity, or fewer once it is sealed.</summary>
    public int Limit;

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

    /// <summary>The chunk an input code points into (the slot is <c>code &amp; SlotMask</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TapeChunk InputChunk(int code) => _deps[code >> SlotBits];

    /// <summary>A new handle on the input that <paramref name="code"/> points to.</summary>
    public Value Input(int code) => new(InputChunk(code), code & SlotMask);

    /// <summary>The op that made the node in <paramref name="slot"/>, without the pass's mark.</summary>
    public OpCode OpAt(int slot) => (OpCode)(Nodes[slot].Op & ~Reached);

    /// <summary>Finds or adds <paramref name="chunk"/> in the dependency list; returns its index shifted into place.</summary>
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
