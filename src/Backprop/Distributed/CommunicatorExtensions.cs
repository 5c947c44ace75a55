namespace Backprop.Distributed;

/// <summary>Collectives on single numbers, built on <see cref="ICommunicator"/>'s span operations.</summary>
public static class CommunicatorExtensions
{
    /// <summary>Combines one number over the ranks (a loss averaged over them, a stop flag agreed by max).</summary>
    /// <param name="communicator">The group.</param>
    /// <param name="value">This rank's number.</param>
    /// <param name="op">Sum, mean or max.</param>
    /// <returns>The combined number, the same on every rank.</returns>
    public static double AllReduce(this ICommunicator communicator, double value, ReduceOp op)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Span<double> one = [value];
        communicator.AllReduce(one, op);
        return one[0];
    }
}
