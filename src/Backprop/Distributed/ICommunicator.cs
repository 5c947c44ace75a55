namespace Backprop.Distributed;

/// <summary>
/// A group of processes (ranks) that train one model together: every rank calls the same
/// collective operations in the same order, and each call returns once the group has done it.
/// <see cref="MpiCommunicator"/> is the real one (processes started by <c>mpirun</c>, on one
/// machine or many); <see cref="InProcessCommunicator"/> stands threads in for ranks.
/// </summary>
/// <remarks>
/// Results are the same on every rank and do not depend on timing: a reduction adds the ranks'
/// values in a fixed order. A call that gets no answer from the other ranks within
/// <see cref="Timeout"/> throws a <see cref="CommunicatorException"/> instead of waiting for ever
/// (a rank died or stalled). Calls on one communicator must not overlap: one at a time.
/// </remarks>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's number in the group, 0 .. <see cref="Size"/> - 1 (rank 0 prints and saves).</summary>
    int Rank { get; }

    /// <summary>The number of ranks.</summary>
    int Size { get; }

    /// <summary>How long a collective waits for the other ranks before it gives up (default 60 s).</summary>
    TimeSpan Timeout { get; set; }

    /// <summary>Combines <paramref name="data"/> over the ranks, in place: afterwards every rank holds the same result.</summary>
    /// <param name="data">This rank's values in, the combined values out; the same length on every rank.</param>
    /// <param name="op">Sum, mean or max.</param>
    /// <exception cref="CommunicatorException">The other ranks did not answer in time, or the group failed.</exception>
    void AllReduce(Span<float> data, ReduceOp op);

    /// <inheritdoc cref="AllReduce(Span{float}, ReduceOp)"/>
    void AllReduce(Span<double> data, ReduceOp op);

    /// <summary>Copies <paramref name="root"/>'s <paramref name="data"/> into every other rank's.</summary>
    /// <param name="data">The root's values to send; on the other ranks, where they arrive (the same length on every rank).</param>
    /// <param name="root">The rank that sends.</param>
    /// <exception cref="CommunicatorException">The other ranks did not answer in time, or the group failed.</exception>
    void Broadcast(Span<float> data, int root);

    /// <inheritdoc cref="Broadcast(Span{float}, int)"/>
    void Broadcast(Span<double> data, int root);

    /// <inheritdoc cref="Broadcast(Span{float}, int)"/>
    void Broadcast(Span<long> data, int root);

    /// <summary>Gathers every rank's <paramref name="send"/> into <paramref name="receive"/>, rank 0's first, on every rank.</summary>
    /// <param name="send">This rank's values (the same length on every rank).</param>
    /// <param name="receive">Room for <see cref="Size"/> × <paramref name="send"/>.Length values.</param>
    /// <exception cref="ArgumentException"><paramref name="receive"/> has the wrong length.</exception>
    /// <exception cref="CommunicatorException">The other ranks did not answer in time, or the group failed.</exception>
    void AllGather(ReadOnlySpan<double> send, Span<double> receive);

    /// <summary>Returns once every rank has called it.</summary>
    /// <exception cref="CommunicatorException">The other ranks did not answer in time, or the group failed.</exception>
    void Barrier();

    /// <summary>
    /// Ends the whole group now, from any rank, with <paramref name="exitCode"/> (MPI_Abort):
    /// for a failure that the other ranks cannot learn of otherwise. Does not return for MPI;
    /// the in-process group fails every rank's next (or current) call.
    /// </summary>
    /// <param name="reason">One line saying why (the caller prints it; kept for the in-process group's exceptions).</param>
    /// <param name="exitCode">The exit code of the processes.</param>
    void Abort(string reason, int exitCode);
}
