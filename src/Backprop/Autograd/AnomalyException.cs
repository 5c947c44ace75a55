namespace Backprop;

/// <summary>
/// Thrown in anomaly mode (<see cref="Autograd.DetectAnomaly"/>) when an op produces NaN or
/// infinity in its output (forward) or in a gradient (backward). The message names the op
/// and, for backward, where in the program the op was created.
/// </summary>
public sealed class AnomalyException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="op">The op that produced the value.</param>
    /// <param name="message">What was found and where.</param>
    public AnomalyException(string op, string message) : base(message) => Op = op;

    /// <summary>The op that produced the NaN or infinity.</summary>
    public string Op { get; }
}
