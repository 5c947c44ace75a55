namespace Backprop.Distributed;

/// <summary>
/// When one bucket's all-reduce happened in a synchronised backward pass, in milliseconds from
/// the moment the backward pass reached the model's output.
/// </summary>
/// <param name="Bucket">The bucket's number (0 holds the last-registered parameters, whose gradients come first).</param>
/// <param name="Bytes">The bucket's size.</param>
/// <param name="ReadyMs">When its last gradient was accumulated.</param>
/// <param name="StartMs">When its all-reduce started (after the buckets before it).</param>
/// <param name="FinishMs">When its all-reduce finished.</param>
public sealed record BucketTiming(int Bucket, long Bytes, double ReadyMs, double StartMs, double FinishMs);

/// <summary>One synchronised step's timeline: the backward pass and its buckets' all-reduces.</summary>
/// <param name="BackwardMs">When the backward pass ended (its last gradient was accumulated).</param>
/// <param name="SyncedMs">When every bucket had been all-reduced and copied back (Backward returns then).</param>
/// <param name="Buckets">Each bucket, in launch order.</param>
public sealed record StepTiming(double BackwardMs, double SyncedMs, IReadOnlyList<BucketTiming> Buckets)
{
    /// <summary>All-reduce time summed over the buckets.</summary>
    public double CommunicationMs => Buckets.Sum(b => b.FinishMs - b.StartMs);

    /// <summary>The part of <see cref="CommunicationMs"/> that ran while the backward pass was still computing.</summary>
    public double HiddenMs => Buckets.Sum(b => Math.Max(0, Math.Min(b.FinishMs, BackwardMs) - b.StartMs));

    /// <summary>How long Backward waited for communication after its own work was done.</summary>
    public double ExposedMs => Math.Max(0, SyncedMs - BackwardMs);
}
