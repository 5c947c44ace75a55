using Backprop.Data;
using Backprop.Random;

namespace Backprop.Tests.Data;

/// <summary><see cref="DataLoader"/>: batch counts and sizes, seeded shuffling, drop-last.</summary>
public class DataLoaderTests
{
    /// <summary>Ten examples of three features, row i holding (i, i + 0.25, i + 0.5), labelled i.</summary>
    private static Dataset Ten() => new(
        Tensor.FromArray(Enumerable.Range(0, 10).SelectMany(i => new[] { i, i + 0.25f, i + 0.5f }).ToArray(), 10, 3),
        Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (long)i).ToArray()));

    /// <summary>The example order of one epoch, checking that each row travels with its label.</summary>
    private static long[] Epoch(DataLoader loader)
    {
        var order = new List<long>();
        foreach ((Tensor features, Tensor labels) in loader)
        {
            float[] f = features.ToArray<float>();
            long[] l = labels.ToArray<long>();
            Assert.Equal([l.Length, 3], features.Shape);
            for (int i = 0; i < l.Length; i++) Assert.Equal([l[i], l[i] + 0.25f, l[i] + 0.5f], f[(3 * i)..(3 * i + 3)]);
            order.AddRange(l);
        }
        return order.ToArray();
    }

    [Theory]
    [InlineData(3, false, 4, new[] { 3, 3, 3, 1 })]
    [InlineData(3, true, 3, new[] { 3, 3, 3 })]
    [InlineData(5, false, 2, new[] { 5, 5 })]
    [InlineData(5, true, 2, new[] { 5, 5 })]
    [InlineData(10, false, 1, new[] { 10 })]
    [InlineData(16, false, 1, new[] { 10 })]
    [InlineData(16, true, 0, new int[0])]
    [InlineData(1, true, 10, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void BatchCountsAndSizesFollowDropLast(int batchSize, bool dropLast, int batches, int[] sizes)
    {
        foreach (bool shuffle in new[] { false, true })
        {
            var loader = new DataLoader(Ten(), batchSize, shuffle, seed: 2, dropLast);
            Assert.Equal(batches, loader.BatchCount);
            Assert.Equal(sizes, loader.Select(b => b.Count).ToArray());
            Assert.All(loader, b => Assert.Equal(b.Count, b.Features.Shape[0]));
        }
    }

    [Fact]
    public void WithoutShufflingEveryEpochIsInOrder()
    {
        var loader = new DataLoader(Ten(), 4);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Epoch(loader));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Epoch(loader));
    }

    [Fact]
    public void AShuffledEpochIsAPermutationAndEachEpochANewOne()
    {
        var loader = new DataLoader(Ten(), 4, shuffle: true, seed: 7);
        long[] first = Epoch(loader), second = Epoch(loader);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), first.Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), second.Order());
        Assert.NotEqual(first, second);
        Assert.NotEqual(first, first.Order());
    }

    [Fact]
    public void TheSameSeedGivesTheSameSequenceOfEpochsAndAnotherSeedAnother()
    {
        long[][] Run(uint seed)
        {
            var loader = new DataLoader(Ten(), 3, shuffle: true, seed);
            return Enumerable.Range(0, 4).Select(_ => Epoch(loader)).ToArray();
        }
        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }

    [Fact]
    public void EpochOrdersAreNumpyPermutationsOfOneGenerator()
    {
        var loader = new DataLoader(Ten(), 10, shuffle: true, seed: 42);
        var random = new NumpyRandom(42);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            int[] expected = Enumerable.Range(0, 10).ToArray();
            random.Shuffle<int>(expected);
            Assert.Equal(expected.Select(i => (long)i), Epoch(loader));
        }
    }

    [Fact]
    public void DropLastWithShufflingLeavesOutARandomRemainder()
    {
        var loader = new DataLoader(Ten(), 4, shuffle: true, seed: 1, dropLast: true);
        long[] order = Epoch(loader);
        Assert.Equal(8, order.Length);
        Assert.Equal(8, order.Distinct().Count());
    }

    [Fact]
    public void BatchesAreCopiesTheCallerMayChange()
    {
        Dataset data = Ten();
        var loader = new DataLoader(data, 10);
        Batch batch = loader.First();
        using (Autograd.NoGrad()) batch.Features.AddInPlace(batch.Features, 1.0);
        Assert.Equal(0f, data.Features.ToArray<float>()[0]);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Ten(), 0));
        Assert.Throws<ArgumentNullException>(() => new DataLoader(null!, 1));
    }
}
