using System.Numerics;

namespace Backprop.Distributed;

/// <summary>
/// N threads of one process standing in for N ranks: the same collectives as
/// <see cref="MpiCommunicator"/>, for tests and for trying data-parallel training without MPI.
/// <see cref="Run{T}"/> starts the threads and hands each its communicator.
/// </summary>
/// <remarks>
/// Each collective is two meetings of the ranks: everyone puts in a copy of its values, then
/// everyone reads what it needs (a reduction adds the ranks' values in rank order, so every rank
/// gets the same bits), then all wait until the slots may be reused. A rank that fails or calls
/// <see cref="Abort"/> fails the others' current and next calls at once; a rank that does not
/// come within <see cref="Timeout"/> fails them too.
/// </remarks>
public sealed class InProcessCommunicator : ICommunicator
{
    private readonly Group _group;

    private InProcessCommunicator(Group group, int rank)
    {
        _group = group;
        Rank = rank;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size => _group.Size;

    /// <inheritdoc/>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="size"/> threads, one per rank, and returns
    /// what each returned, rank 0's first.
    /// </summary>
    /// <param name="size">The number of ranks (at least 1).</param>
    /// <param name="body">What each rank does with its communicator.</param>
    /// <returns>Each rank's result.</returns>
    /// <exception cref="Exception">The first rank's failure that was not a consequence of another's (rethrown as it was).</exception>
    public static IReadOnlyList<T> Run<T>(int size, Func<ICommunicator, T> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentNullException.ThrowIfNull(body);
        var group = new Group(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = new Thread[size];
        for (int r = 0; r < size; r++)
        {
            int rank = r;
            threads[r] = new Thread(() =>
            {
                try
                {
                    results[rank] = body(new InProcessCommunicator(group, rank));
                }
                catch (Exception e)
                {
                    errors[rank] = e;
                    group.Fail($"rank {rank} failed: {e.Message}");
                }
            }, 16 << 20) { IsBackground = true, Name = $"rank {r}" };
            threads[r].Start();
        }
        foreach (Thread thread in threads) thread.Join();
        Exception? first = errors.FirstOrDefault(e => e is not null and not CommunicatorException) ?? errors.FirstOrDefault(e => e is not null);
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return results;
    }

    /// <inheritdoc/>
    public void AllReduce(Span<float> data, ReduceOp op) => Reduce(data, op);

    /// <inheritdoc/>
    public void AllReduce(Span<double> data, ReduceOp op) => Reduce(data, op);

    /// <inheritdoc/>
    public void Broadcast(Span<float> data, int root) => Bcast(data, root);

    /// <inheritdoc/>
    public void Broadcast(Span<double> data, int root) => Bcast(data, root);

    /// <inheritdoc/>
    public void Broadcast(Span<long> data, int root) => Bcast(data, root);

    /// <inheritdoc/>
    public void AllGather(ReadOnlySpan<double> send, Span<double> receive)
    {
        CollectiveChecks.CheckGather(send.Length, receive.Length, Size);
        _group.Slots[Rank] = send.ToArray();
        Meet("all-gather");
        for (int r = 0; r < Size; r++) Slot<double>(r, send.Length, "all-gather").CopyTo(receive.Slice(r * send.Length, send.Length));
        Meet("all-gather");
    }

    /// <inheritdoc/>
    public void Barrier() => Meet("barrier");

    /// <inheritdoc/>
    public void Abort(string reason, int exitCode)
    {
        _group.Fail($"rank {Rank} aborted the group (exit code {exitCode}): {reason}");
        throw new CommunicatorException(reason);
    }

    /// <summary>Nothing to release: the threads end with <see cref="Run{T}"/>.</summary>
    public void Dispose() { }

    private void Reduce<T>(Span<T> data, ReduceOp op) where T : unmanaged, IFloatingPointIeee754<T>
    {
        _group.Slots[Rank] = data.ToArray();
        string what = $"all-reduce of {data.Length} {typeof(T).Name} values";
        Meet(what);
        Slot<T>(0, data.Length, what).CopyTo(data);
        for (int r = 1; r < Size; r++)
        {
            T[] other = Slot<T>(r, data.Length, what);
            for (int i = 0; i < data.Length; i++) data[i] = op == ReduceOp.Max ? T.Max(data[i], other[i]) : data[i] + other[i];
        }
        if (op == ReduceOp.Mean)
        {
            T size = T.CreateChecked(Size);
            for (int i = 0; i < data.Length; i++) data[i] /= size;
        }
        Meet(what);
    }

    private void Bcast<T>(Span<T> data, int root) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        string what = $"broadcast of {data.Length} {typeof(T).Name} values from rank {root}";
        if (Rank == root) _group.Slots[Rank] = data.ToArray();
        Meet(what);
        if (Rank != root) Slot<T>(root, data.Length, what).CopyTo(data);
        Meet(what);
    }

    private T[] Slot<T>(int rank, int length, string what)
    {
        if (_group.Slots[rank] is T[] values && values.Length == length) return values;
        string reason = $"rank {Rank}: {what}: rank {rank} called a different collective or gave a different length";
        _group.Fail(reason);
        throw new CommunicatorException(reason);
    }

    private void Meet(string what)
    {
        bool met;
        try
        {
            met = _group.Meeting.SignalAndWait(Timeout, _group.Failure.Token);
        }
        catch (OperationCanceledException)
        {
            throw new CommunicatorException($"rank {Rank}: {what}: {_group.Reason}");
        }
        if (!met)
        {
            string reason = $"rank {Rank}: {what} got no answer from the other ranks within {Timeout.TotalSeconds:0.#} s (a rank failed or stalled)";
            _group.Fail(reason);
            throw new CommunicatorException(reason);
        }
    }

    /// <summary>What the ranks of one group share.</summary>
    private sealed class Group(int size)
    {
        public int Size { get; } = size;
        public Barrier Meeting { get; } = new(size);
        public object?[] Slots { get; } = new object?[size];
        public CancellationTokenSource Failure { get; } = new();
        public string Reason { get; private set; } = "the group failed";

        public void Fail(string reason)
        {
            lock (this)
            {
                if (Failure.IsCancellationRequested) return;
                Reason = reason;
                Failure.Cancel();
            }
        }
    }
}
