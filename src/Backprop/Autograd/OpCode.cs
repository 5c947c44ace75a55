namespace Backprop;

/// <summary>
/// What made a <see cref="Value"/> node, as stored on its <see cref="TapeChunk"/>: one byte a
/// node. The top bit of that byte is not part of the code: the backward sweep uses it to mark
/// the nodes a pass has reached (<see cref="TapeChunk.Reached"/>).
/// </summary>
internal enum OpCode : byte
{
    /// <summary>A leaf: made by the user, not by an op. Its gradient accumulates across passes.</summary>
    Leaf = 0,

    /// <summary><c>a + b</c>.</summary>
    Add,

    /// <summary><c>a * b</c>.</summary>
    Mul,

    /// <summary><c>a + k</c> for a constant k.</summary>
    AddConstant,

    /// <summary><c>a * k</c> for a constant k.</summary>
    MulConstant,

    /// <summary><c>a ** k</c> for a constant k.</summary>
    Pow,

    /// <summary><c>e ** a</c>.</summary>
    Exp,

    /// <summary><c>ln a</c>.</summary>
    Log,

    /// <summary><c>tanh a</c>.</summary>
    Tanh,

    /// <summary><c>1 / (1 + e ** -a)</c>.</summary>
    Sigmoid,

    /// <summary><c>max(0, a)</c>.</summary>
    Relu,
}
