using System.Runtime.CompilerServices;

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
    private TapeChunk? _lastDep;
    private int _lastDepCode;

    /// <summary>A chunk on <paramref name="storage"/>, numbered after every chunk made before it.</summary>
    public TapeChunk(TapeStorage storage)
    {
        Storage = storage;
        Data = storage.Data;
        Grad = storage.Grad;
        Constant = storage.Constant;
        Op = storage.Op;
        A = storage.A;
        B = storage.B;
        Limit = storage.Capacity;
        Sequence = Interlocked.Increment(ref s_made);
        _deps = new TapeChunk[4];
        _deps[0] = this;
        _depCount = 1;
    }

    /// <summary>A chunk with no room, that a sealed <see cref="Tape"/> points at so that it holds no graph alive.</summary>
    private TapeChunk()
    {
        Storage = new TapeStorage(0);
        Data = Grad = Constant = [];
        Op = [];
        A = B = [];
        _deps = [this];
        _depCount = 1;
    }

    /// <summary>The full chunk a sealed tape points at.</summary>
    public static TapeChunk Full { get; } = new();

    /// <summary>The arrays this chunk records into.</summary>
    public TapeStorage Storage { get; }

    /// <summary>The order in which the chunk was made, across threads; inputs live in chunks with smaller numbers.</summary>
    public long Sequence { get; }

    // The arrays of Storage, copied into fields so that the hot paths skip one indirection.
    /// <summary>Each node's number.</summary>
    public readonly double[] Data;

    /// <summary>Each node's gradient.</summary>
    public readonly double[] Grad;

    /// <summary>Each node's constant operand (<c>a + k</c>, <c>a * k</c>, <c>a ** k</c>).</summary>
    public readonly double[] Constant;

    /// <summary>Each node's <see cref="OpCode"/>, with <see cref="Reached"/> during a pass.</summary>
    public readonly byte[] Op;

    /// <summary>Each node's first input code.</summary>
    public readonly int[] A;

    /// <summary>Each node's second input code.</summary>
    public readonly int[] B;

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

    /// <summary>The code by which a node of this chunk refers to <paramref name="input"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Encode(Value input)
    {
        TapeChunk chunk = input.Chunk;
        if (chunk == this) return input.Slot;
        if (chunk == _lastDep) return _lastDepCode | input.Slot;
        return DepCode(chunk) | input.Slot;
    }

    /// <summary>The chunk an input code points into (the slot is <c>code &amp; SlotMask</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TapeChunk InputChunk(int code) => _deps[code >> SlotBits];

    /// <summary>A new handle on the input that <paramref name="code"/> points to.</summary>
    public Value Input(int code) => new(InputChunk(code), code & SlotMask);

    /// <summary>The op that made the node in <paramref name="slot"/>, without the pass's mark.</summary>
    public OpCode OpAt(int slot) => (OpCode)(Op[slot] & ~Reached);

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
        _lastDep = chunk;
        _lastDepCode = index << SlotBits;
        return _lastDepCode;
    }
}
