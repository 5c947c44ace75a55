namespace Backprop.Distributed;

/// <summary>How <see cref="ICommunicator.AllReduce(Span{float}, ReduceOp)"/> combines the ranks' values.</summary>
public enum ReduceOp
{
    /// <summary>The sum over the ranks.</summary>
    Sum,

    /// <summary>The sum over the ranks divided by their number (what data-parallel gradients need).</summary>
    Mean,

    /// <summary>The largest value over the ranks (agreeing on a flag: any rank that wants to stop).</summary>
    Max,
}
