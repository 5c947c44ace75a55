using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// One node of the tape, as an entry of its <see cref="TapeChunk"/>'s array: 24 bytes (number,
/// gradient, and the op with both inputs packed into one word), so that everything the
/// backward pass reads of a node arrives with one load, and a graph takes as little fresh
/// memory as the two numbers allow.
/// </summary>
/// <remarks>
/// <para>
/// Measured against a struct of six arrays, one struct array made recording a node and sweeping
/// it backward faster (one bounds check and one cache line per node instead of six). The node
/// was 32 bytes until the sixth session: the constant of <c>a + k</c>, <c>a * k</c> and
/// <c>a ** k</c> had eight bytes of its own. It now lives in the chunk's table of constants
/// (<see cref="TapeChunk.Constants"/>, each distinct number once), and the node holds its index
/// where a two-input op holds its second input. A million-step chain is three million nodes:
/// its first run in a process is largely the page faults on fresh memory, and 72 MB of nodes
/// instead of 96 MB is a quarter fewer faults on them (docs/performance.md).
/// </para>
/// <para>
/// <see cref="Links"/> holds, from the lowest bit: the op byte (<see cref="Op"/>), the first
/// input's code (<see cref="CodeBits"/> bits), and the second input's code or the constant's
/// index. The backward pass reads and writes the word whole, never its op byte alone: a byte
/// written and the word read back at once (a node marked, then swept: the chain's next node)
/// cannot be forwarded from the store buffer, and that stall tripled the chain's backward pass.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 24)]
internal struct TapeNode
{
    /// <summary>
    /// Bits of an input code (<see cref="TapeChunk.Encode(TapeChunk, int)"/>): the slot's
    /// <see cref="TapeChunk.SlotBits"/> and the dependency's index above them.
    /// </summary>
    public const int CodeBits = 28;

    /// <summary>The bits of an input code.</summary>
    public const int CodeMask = (1 << CodeBits) - 1;

    /// <summary>Where the first input's code starts in <see cref="Links"/>.</summary>
    private const int AShift = 8;

    /// <summary>Where the second input's code (or the constant's index) starts in <see cref="Links"/>.</summary>
    private const int BShift = AShift + CodeBits;

    /// <summary>The number the node holds (<see cref="Value.Data"/>).</summary>
    public double Data;

    /// <summary>The node's gradient (<see cref="Value.Grad"/>).</summary>
    public double Grad;

    /// <summary>The op byte, the first input and the second input or constant, packed (see the remarks).</summary>
    public ulong Links;

    /// <summary>
    /// The <see cref="OpCode"/>, with <see cref="TapeChunk.Reached"/> set while a pass has
    /// reached the node (a pass sets and clears that bit in <see cref="Links"/>).
    /// </summary>
    public readonly byte Op
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (byte)Links;
    }

    /// <summary>The first input of an op; unused by leaves.</summary>
    public readonly int A
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InputA(Links);
    }

    /// <summary>
    /// The second input of <c>a + b</c> and <c>a * b</c>; for <c>a + k</c>, <c>a * k</c> and
    /// <c>a ** k</c>, the index of k in the chunk's <see cref="TapeChunk.Constants"/>.
    /// </summary>
    public readonly int B
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InputB(Links);
    }

    /// <summary><see cref="A"/> of a node whose <see cref="Links"/> are <paramref name="links"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InputA(ulong links) => (int)(links >> AShift) & CodeMask;

    /// <summary><see cref="B"/> of a node whose <see cref="Links"/> are <paramref name="links"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InputB(ulong links) => (int)(links >> BShift);

    /// <summary>The <see cref="Links"/> of a node made by <paramref name="op"/> from input codes (or a constant's index) <paramref name="a"/> and <paramref name="b"/>, each below 2^<see cref="CodeBits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(OpCode op, int a, int b) =>
        (byte)op | (ulong)(uint)a << AShift | (ulong)(uint)b << BShift;
}
