namespace Backprop.Distributed;

/// <summary>
/// A stop that every rank takes at the same step: each rank's own request (Ctrl+C, SIGTERM)
/// is shared by <see cref="Agree"/>, called at the same point of every step on every rank, and
/// <see cref="Token"/> fires on all of them after the same call, so no rank is left waiting in
/// a collective for a rank that has already stopped.
/// </summary>
public sealed class AgreedCancellation : IDisposable
{
    private readonly ICommunicator _communicator;
    private readonly CancellationToken _local;
    private readonly CancellationTokenSource _agreed = new();

    /// <summary>Agrees over <paramref name="communicator"/> on <paramref name="local"/>.</summary>
    /// <param name="communicator">The ranks.</param>
    /// <param name="local">This rank's request to stop.</param>
    public AgreedCancellation(ICommunicator communicator, CancellationToken local)
    {
        _communicator = communicator ?? throw new ArgumentNullException(nameof(communicator));
        _local = local;
    }

    /// <summary>Fires, on every rank at the same <see cref="Agree"/>, once any rank has asked to stop.</summary>
    public CancellationToken Token => _agreed.Token;

    /// <summary>Whether the rank that asked first was this one (its own signal), once <see cref="Token"/> has fired.</summary>
    public bool AskedHere { get; private set; }

    /// <summary>Shares this rank's request with the others (one tiny all-reduce); returns whether the group stops.</summary>
    public bool Agree()
    {
        bool here = _local.IsCancellationRequested;
        bool stop = _communicator.AllReduce(here ? 1.0 : 0.0, ReduceOp.Max) > 0;
        if (stop && !_agreed.IsCancellationRequested)
        {
            AskedHere = here;
            _agreed.Cancel();
        }
        return stop;
    }

    /// <inheritdoc/>
    public void Dispose() => _agreed.Dispose();
}
