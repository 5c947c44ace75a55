using System.Collections;
using Backprop.Distributed;
using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// Cuts a <see cref="Data.Dataset"/> into batches, one pass (epoch) per enumeration:
/// <c>foreach (var (x, y) in loader)</c> gives features [B, D] and labels [B].
/// </summary>
/// <remarks>
/// <para>
/// Without shuffling every epoch gives the examples in order. With shuffling each enumeration
/// draws a new permutation from one generator made from the seed at construction, so the seed
/// fixes the whole sequence of epochs: epoch k's order is the k-th
/// <c>permutation(Count)</c> of numpy's <c>RandomState(seed)</c>. The permutation is drawn when
/// the enumeration starts (<see cref="GetEnumerator"/>).
/// </para>
/// <para>
/// Each batch is a fresh copy of its rows, so a training step may change it freely. A loader
/// is not thread-safe: enumerate it from one thread at a time.
/// </para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly NumpyRandom? _random;

    /// <summary>A loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="batchSize">The number of examples per batch, at least 1.</param>
    /// <param name="shuffle">Whether each epoch visits the examples in a new random order.</param>
    /// <param name="seed">The seed of the <see cref="NumpyRandom"/> that draws the orders (ignored without shuffling).</param>
    /// <param name="dropLast">
    /// Whether to leave out the last batch of an epoch when it is smaller than
    /// <paramref name="batchSize"/>; then an epoch of fewer than <paramref name="batchSize"/>
    /// examples has no batches at all.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, uint seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        _random = shuffle ? new NumpyRandom(seed) : null;
    }

    /// <summary>
    /// A loader over this rank's shard of <paramref name="dataset"/> in data-parallel training:
    /// each epoch visits <paramref name="sampler"/>'s <see cref="DistributedSampler.Indices"/>
    /// (set its epoch before enumerating; the training task does).
    /// </summary>
    /// <param name="dataset">The examples (the whole set, the same on every rank).</param>
    /// <param name="batchSize">The number of examples per batch on this rank, at least 1.</param>
    /// <param name="sampler">Which examples this rank sees.</param>
    /// <param name="dropLast">Whether to leave out an incomplete last batch.</param>
    /// <exception cref="ArgumentException">The sampler was made for a data set of another size.</exception>
    public DataLoader(Dataset dataset, int batchSize, DistributedSampler sampler, bool dropLast = false)
        : this(dataset, batchSize, shuffle: false, seed: 0, dropLast)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (sampler.DatasetCount != dataset.Count)
            throw new ArgumentException($"DataLoader: the sampler was made for {sampler.DatasetCount} examples, the data set has {dataset.Count}", nameof(sampler));
        Sampler = sampler;
    }

    /// <summary>The sampler that chooses this rank's examples, or null (the loader visits the whole set).</summary>
    public DistributedSampler? Sampler { get; }

    /// <summary>The examples the batches come from.</summary>
    public Dataset Dataset { get; }

    /// <summary>The number of examples per batch (the last batch of an epoch may have fewer unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the examples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether an incomplete last batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches in each epoch.</summary>
    public int BatchCount => DropLast ? Examples / BatchSize : (int)(((long)Examples + BatchSize - 1) / BatchSize);

    /// <summary>The examples an epoch visits: the whole set, or the sampler's share.</summary>
    private int Examples => Sampler?.Count ?? Dataset.Count;

    /// <summary>
    /// Starts an epoch: with shuffling, draws its order now; then yields <see cref="BatchCount"/>
    /// batches.
    /// </summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int[]? order = Sampler is not null ? Sampler.Indices() : _random is null ? null : Dataset.Permutation(_random, Dataset.Count);
        return Batches(order);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerator<Batch> Batches(int[]? order)
    {
        int width = Dataset.FeatureCount;
        int batches = BatchCount;
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize;
            int size = Math.Min(BatchSize, Examples - start);
            // From the buffer pool: inside a Tensor.Scope() (a training step that fetches its
            // batch in its scope), the batch's memory is reused by the next one.
            Tensor features = Tensor.UninitializedMatrix(DType.Float32, size, width);
            Tensor labels = Tensor.UninitializedVector(DType.Int64, size);
            if (order is null)
            {
                Dataset.Features.Span<float>().Slice(start * width, size * width).CopyTo(features.Span<float>());
                Dataset.Labels.Span<long>().Slice(start, size).CopyTo(labels.Span<long>());
            }
            else
            {
                Dataset.GatherRows(order.AsSpan(start, size), features.Span<float>(), labels.Span<long>());
            }
            yield return new Batch(features, labels);
        }
    }
}
