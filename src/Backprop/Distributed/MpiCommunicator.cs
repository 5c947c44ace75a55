using System.Diagnostics;

namespace Backprop.Distributed;

/// <summary>
/// The ranks of an MPI job (<c>mpirun -np N …</c>, on one machine or across a
/// <c>--hostfile</c>), through the system's Open MPI 4.x, called directly (P/Invoke, no shim).
/// Every collective is started non-blocking (MPI_Iallreduce, MPI_Ibcast, …) and then tested
/// until it completes or <see cref="Timeout"/> passes, so a dead peer is an error, not a hang.
/// </summary>
/// <remarks>
/// MPI is initialised with MPI_THREAD_MULTIPLE asked for and at least MPI_THREAD_SERIALIZED
/// required: <see cref="DistributedDataParallel"/> all-reduces from a background thread while
/// the backward pass runs, and this class lets one call in at a time. One communicator per
/// process: MPI cannot be initialised twice, so <see cref="Dispose"/> (MPI_Finalize) is final.
/// </remarks>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private static int _created;
    private readonly Lock _lock = new();
    private bool _disposed;

    private MpiCommunicator(int rank, int size, int threadLevel)
    {
        Rank = rank;
        Size = size;
        ThreadLevel = threadLevel;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>The thread support MPI provided: 2 (serialized) or 3 (multiple).</summary>
    public int ThreadLevel { get; }

    /// <inheritdoc/>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether this process was started by Open MPI's <c>mpirun</c> (it sets OMPI_COMM_WORLD_SIZE).</summary>
    public static bool StartedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>Initialises MPI and joins the job's ranks (MPI_COMM_WORLD).</summary>
    /// <returns>This process's communicator.</returns>
    /// <exception cref="CommunicatorException">
    /// Not started by mpirun, Open MPI not installed, MPI without thread support, or called twice;
    /// the message is one line that says which and what to do.
    /// </exception>
    public static MpiCommunicator Initialize()
    {
        if (!StartedByMpirun)
            throw new CommunicatorException("MPI: this process was not started by mpirun (OMPI_COMM_WORLD_SIZE is not set); start the ranks with: mpirun -np N <command>");
        if (!MpiNative.TryLoad(out string? problem)) throw new CommunicatorException(problem!);
        if (Interlocked.Exchange(ref _created, 1) != 0)
            throw new CommunicatorException("MPI: already initialised in this process (one MpiCommunicator per process)");
        int provided;
        Check(MpiNative.InitThread(null, null, MpiNative.ThreadMultiple, &provided), "MPI_Init_thread");
        if (provided < MpiNative.ThreadSerialized)
        {
            _ = MpiNative.Finalize();
            throw new CommunicatorException($"MPI: thread level {provided} provided, at least MPI_THREAD_SERIALIZED (2) is needed (an Open MPI built without thread support?)");
        }
        int rank, size;
        Check(MpiNative.CommRank(MpiNative.CommWorld, &rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(MpiNative.CommWorld, &size), "MPI_Comm_size");
        return new MpiCommunicator(rank, size, provided);
    }

    /// <inheritdoc/>
    public void AllReduce(Span<float> data, ReduceOp op)
    {
        fixed (float* p = data) Reduce(p, data.Length, MpiNative.Float, op, "float32");
        if (op == ReduceOp.Mean) CollectiveChecks.Divide(data, Size);
    }

    /// <inheritdoc/>
    public void AllReduce(Span<double> data, ReduceOp op)
    {
        fixed (double* p = data) Reduce(p, data.Length, MpiNative.Double, op, "float64");
        if (op == ReduceOp.Mean) CollectiveChecks.Divide(data, Size);
    }

    /// <inheritdoc/>
    public void Broadcast(Span<float> data, int root)
    {
        fixed (float* p = data) Bcast(p, data.Length, MpiNative.Float, root, "float32");
    }

    /// <inheritdoc/>
    public void Broadcast(Span<double> data, int root)
    {
        fixed (double* p = data) Bcast(p, data.Length, MpiNative.Double, root, "float64");
    }

    /// <inheritdoc/>
    public void Broadcast(Span<long> data, int root)
    {
        fixed (long* p = data) Bcast(p, data.Length, MpiNative.Int64, root, "int64");
    }

    /// <inheritdoc/>
    public void AllGather(ReadOnlySpan<double> send, Span<double> receive)
    {
        CollectiveChecks.CheckGather(send.Length, receive.Length, Size);
        fixed (double* s = send)
        fixed (double* r = receive)
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                nint request;
                Check(MpiNative.Iallgather(s, send.Length, MpiNative.Double, r, send.Length, MpiNative.Double, MpiNative.CommWorld, &request), "MPI_Iallgather");
                Wait(request, $"all-gather of {send.Length} float64 values");
            }
        }
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            nint request;
            Check(MpiNative.Ibarrier(MpiNative.CommWorld, &request), "MPI_Ibarrier");
            Wait(request, "barrier");
        }
    }

    /// <inheritdoc/>
    public void Abort(string reason, int exitCode)
    {
        _ = MpiNative.Abort(MpiNative.CommWorld, exitCode);
        throw new CommunicatorException(reason); // not reached: MPI_Abort ends the job
    }

    /// <summary>Finalises MPI (once every rank has called it); the process cannot use MPI again.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            int finalized;
            if (MpiNative.Finalized(&finalized) == 0 && finalized == 0) _ = MpiNative.Finalize();
        }
    }

    private void Reduce(void* data, int count, nint type, ReduceOp op, string what)
    {
        nint mpiOp = op == ReduceOp.Max ? MpiNative.OpMax : MpiNative.OpSum;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            nint request;
            Check(MpiNative.Iallreduce(MpiNative.InPlace, data, count, type, mpiOp, MpiNative.CommWorld, &request), "MPI_Iallreduce");
            Wait(request, $"all-reduce of {count} {what} values");
        }
    }

    private void Bcast(void* data, int count, nint type, int root, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            nint request;
            Check(MpiNative.Ibcast(data, count, type, root, MpiNative.CommWorld, &request), "MPI_Ibcast");
            Wait(request, $"broadcast of {count} {what} values from rank {root}");
        }
    }

    /// <summary>Tests a started operation until it completes: spinning (and yielding) for the first 100 ms, then sleeping a millisecond between tests.</summary>
    private void Wait(nint request, string what)
    {
        long begin = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (true)
        {
            int done;
            Check(MpiNative.Test(&request, &done, null), "MPI_Test");
            if (done != 0) return;
            TimeSpan waited = Stopwatch.GetElapsedTime(begin);
            if (waited > Timeout)
                throw new CommunicatorException($"MPI rank {Rank}: {what} got no answer from the other ranks within {Timeout.TotalSeconds:0.#} s (a rank failed or stalled)");
            // A non-blocking collective advances only inside MPI calls (Open MPI has no progress
            // thread), so test often: a sleep between the rounds of a ring would cost a time slice
            // each. After 100 ms the peers are busy elsewhere (an evaluation, a checkpoint): doze.
            if (waited.TotalMilliseconds < 100) spin.SpinOnce(sleep1Threshold: -1);
            else Thread.Sleep(1);
        }
    }

    private static void Check(int code, string call)
    {
        if (code != 0) throw new CommunicatorException($"MPI: {call} failed with error code {code}");
    }
}
