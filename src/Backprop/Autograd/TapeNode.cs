using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// One node of the tape, as an entry of its <see cref="TapeChunk"/>'s array: 32 bytes, so two
/// nodes share a cache line, and everything the backward pass reads of a node (op, gradient,
/// number, inputs) arrives with one load.
/// </summary>
/// <remarks>
/// Measured against a struct of six arrays, this layout made recording a node and sweeping it
/// backward faster (one bounds check and one cache line per node instead of six), and it is
/// smaller: an op takes either a second input or a constant, never both, so the two share
/// their eight bytes.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct TapeNode
{
    /// <summary>The number the node holds (<see cref="Value.Data"/>).</summary>
    [FieldOffset(0)] public double Data;

    /// <summary>The node's gradient (<see cref="Value.Grad"/>).</summary>
    [FieldOffset(8)] public double Grad;

    /// <summary>The constant operand of <c>a + k</c>, <c>a * k</c> and <c>a ** k</c>.</summary>
    [FieldOffset(16)] public double Constant;

    /// <summary>The second input of <c>a + b</c> and <c>a * b</c>, encoded as <see cref="TapeChunk.Encode(TapeChunk, int)"/> does.</summary>
    [FieldOffset(16)] public int B;

    /// <summary>The first input of an op; unused by leaves.</summary>
    [FieldOffset(24)] public int A;

    /// <summary>The <see cref="OpCode"/>, with <see cref="TapeChunk.Reached"/> set while a pass has reached the node.</summary>
    [FieldOffset(28)] public byte Op;
}
