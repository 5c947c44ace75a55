using Backprop.Data;
using Backprop.Random;

namespace Backprop.Distributed;

/// <summary>
/// Which examples one rank sees in an epoch, as PyTorch's <c>DistributedSampler</c>: every epoch
/// the whole set is shuffled from <c>seed + epoch</c> (the same order on every rank), and rank r
/// takes every <c>size</c>-th example from position r, so the ranks' shards are disjoint and
/// together cover the set. Give it to a <see cref="DataLoader"/> and call
/// <see cref="SetEpoch"/> before each epoch (the training task does).
/// </summary>
/// <remarks>
/// When the set does not divide evenly, each rank still gets <see cref="Count"/> examples:
/// without <see cref="DropLast"/> the order is padded with its own first examples (so a few
/// are seen twice in the epoch), with it the tail is left out (so a few are not seen), exactly
/// as PyTorch does. The shuffle is numpy's <c>RandomState(seed + epoch).permutation(n)</c>.
/// </remarks>
public sealed class DistributedSampler
{
    /// <summary>A sampler over <paramref name="count"/> examples for rank <paramref name="rank"/> of <paramref name="size"/>.</summary>
    /// <param name="count">The examples in the data set (at least 1).</param>
    /// <param name="rank">This rank, 0 .. <paramref name="size"/> - 1.</param>
    /// <param name="size">The number of ranks (at least 1).</param>
    /// <param name="shuffle">Whether each epoch has a new order (otherwise the set's own order).</param>
    /// <param name="seed">The seed shared by every rank.</param>
    /// <param name="dropLast">Leave out the uneven tail instead of padding.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or rank out of range; with <paramref name="dropLast"/>, fewer examples than ranks.</exception>
    public DistributedSampler(int count, int rank, int size, bool shuffle = true, uint seed = 0, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (rank < 0 || rank >= size)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"DistributedSampler: rank must be in [0, {size - 1}], got {rank}");
        if (dropLast && count < size)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"DistributedSampler: {count} examples cannot give each of {size} ranks one when the tail is dropped");
        DatasetCount = count;
        Rank = rank;
        Size = size;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        Count = dropLast && count % size != 0 ? (count - size + size - 1) / size : (count + size - 1) / size;
    }

    /// <summary>A sampler for <paramref name="communicator"/>'s rank.</summary>
    /// <param name="count">The examples in the data set.</param>
    /// <param name="communicator">The group (its rank and size).</param>
    /// <param name="shuffle">Whether each epoch has a new order.</param>
    /// <param name="seed">The seed shared by every rank.</param>
    /// <param name="dropLast">Leave out the uneven tail instead of padding.</param>
    public DistributedSampler(int count, ICommunicator communicator, bool shuffle = true, uint seed = 0, bool dropLast = false)
        : this(count, (communicator ?? throw new ArgumentNullException(nameof(communicator))).Rank, communicator.Size, shuffle, seed, dropLast) { }

    /// <summary>The examples in the whole data set.</summary>
    public int DatasetCount { get; }

    /// <summary>This rank.</summary>
    public int Rank { get; }

    /// <summary>The number of ranks.</summary>
    public int Size { get; }

    /// <summary>Whether each epoch has a new order.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed shared by every rank.</summary>
    public uint Seed { get; }

    /// <summary>Whether the uneven tail is left out (otherwise the order is padded).</summary>
    public bool DropLast { get; }

    /// <summary>Examples this rank sees per epoch (the same on every rank).</summary>
    public int Count { get; }

    /// <summary>The epoch whose order <see cref="Indices"/> gives (0 until <see cref="SetEpoch"/>).</summary>
    public int Epoch { get; private set; }

    /// <summary>Chooses the epoch, and so the shuffle (call it with the same number on every rank).</summary>
    /// <param name="epoch">The epoch (not negative).</param>
    public void SetEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Epoch = epoch;
    }

    /// <summary>This rank's examples for the current epoch, in the order to visit them.</summary>
    public int[] Indices()
    {
        int[] order = Shuffle ? Dataset.Permutation(new NumpyRandom(unchecked(Seed + (uint)Epoch)), DatasetCount) : [.. Enumerable.Range(0, DatasetCount)];
        var mine = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            int position = Rank + i * Size; // beyond the set, the padding repeats the order from its start
            mine[i] = order[position % order.Length];
        }
        return mine;
    }
}
