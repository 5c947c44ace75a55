using Backprop.Data;
using Backprop.Distributed;
using Backprop.Random;

namespace Backprop.Tests.Distributed;

/// <summary>The sampler's shards, as PyTorch's DistributedSampler gives them.</summary>
public sealed class DistributedSamplerTests
{
    [Fact]
    public void WithoutShufflingTheUnevenTailIsPaddedFromTheStartAsPyTorchDoes()
    {
        // torch.utils.data.DistributedSampler(range(10), num_replicas=3, rank=r, shuffle=False)
        int[][] shards = [.. Enumerable.Range(0, 3).Select(r => new DistributedSampler(10, r, 3, shuffle: false).Indices())];
        Assert.Equal([0, 3, 6, 9], shards[0]);
        Assert.Equal([1, 4, 7, 0], shards[1]);
        Assert.Equal([2, 5, 8, 1], shards[2]);
    }

    [Fact]
    public void DropLastLeavesTheTailOutAsPyTorchDoes()
    {
        // ... drop_last=True: ceil((10 - 3) / 3) = 3 examples each; 9 is not seen.
        int[][] shards = [.. Enumerable.Range(0, 3).Select(r => new DistributedSampler(10, r, 3, shuffle: false, dropLast: true).Indices())];
        Assert.Equal([0, 3, 6], shards[0]);
        Assert.Equal([1, 4, 7], shards[1]);
        Assert.Equal([2, 5, 8], shards[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(2, 0, 3, dropLast: true));
    }

    [Fact]
    public void ShardsAreDisjointCoverTheSetAndReshuffleEachEpochFromTheSharedSeed()
    {
        const int n = 1000, size = 4;
        var samplers = Enumerable.Range(0, size).Select(r => new DistributedSampler(n, r, size, seed: 7)).ToArray();
        int[] epochOne = [.. samplers.SelectMany(s => s.Indices())];
        Assert.Equal(n, epochOne.Distinct().Count());
        // Rank r takes every 4th example of numpy's RandomState(7 + epoch).permutation(1000).
        int[] permutation = [.. Enumerable.Range(0, n)];
        new NumpyRandom(7).Shuffle<int>(permutation);
        Assert.Equal(permutation.Where((_, i) => i % size == 2), samplers[2].Indices());
        foreach (DistributedSampler s in samplers) s.SetEpoch(1);
        int[] epochTwo = [.. samplers.SelectMany(s => s.Indices())];
        Assert.Equal(n, epochTwo.Distinct().Count());
        Assert.NotEqual(epochOne, epochTwo);
        Assert.Equal(samplers[1].Indices(), new DistributedSampler(n, 1, size, seed: 7).Also(s => s.SetEpoch(1)).Indices());
    }

    [Fact]
    public void ALoaderWithASamplerBatchesThisRanksShard()
    {
        float[] features = [.. Enumerable.Range(0, 10).Select(i => (float)i)];
        var data = new Dataset(Tensor.FromArray(features, 10, 1), Tensor.FromArray(new long[10], 10));
        var loader = new DataLoader(data, 3, new DistributedSampler(10, 1, 3, shuffle: false));
        Assert.Equal(2, loader.BatchCount); // 4 examples on each rank: a batch of 3, then 1
        float[][] batches = [.. loader.Select(b => b.Features.ToFloatArray())];
        Assert.Equal([1f, 4f, 7f], batches[0]);
        Assert.Equal([0f], batches[1]);
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(data, 3, new DistributedSampler(11, 0, 2)));
        Assert.StartsWith("DataLoader: the sampler was made for 11 examples, the data set has 10", e.Message);
    }
}

internal static class SamplerTestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
