namespace Backprop;

/// <summary>
/// What a debugger shows when a <see cref="Value"/> is expanded: its number, gradient, op, label
/// and inputs, instead of the tape chunk and slot that the handle holds.
/// </summary>
/// <param name="value">The value shown.</param>
internal sealed class ValueDebugView(Value value)
{
    /// <summary>The number.</summary>
    public double Data => value.Data;

    /// <summary>The gradient.</summary>
    public double Grad => value.Grad;

    /// <summary>The op that made it ("" for a leaf).</summary>
    public string Op => value.Op;

    /// <summary>Its name, if it has one.</summary>
    public string? Label => value.Label;

    /// <summary>The values it was computed from.</summary>
    public Value[] Inputs => [.. value.Inputs];
}
