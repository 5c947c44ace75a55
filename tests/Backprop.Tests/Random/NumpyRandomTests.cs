using Backprop.Random;
using Backprop.Tests.Support;

namespace Backprop.Tests.Random;

/// <summary><see cref="NumpyRandom"/> against numpy's numbers (NUMPY_RNG.md and chapter.json).</summary>
public class NumpyRandomTests
{
    [Fact]
    public void TheFirstOutputsAfterSeed42AreNumpys()
    {
        var random = new NumpyRandom(42);
        Assert.Equal([1608637542u, 3421126067u, 4083286876u, 787846414u],
            [random.NextUInt32(), random.NextUInt32(), random.NextUInt32(), random.NextUInt32()]);
    }

    [Fact]
    public void DoublesUseTheFiftyThreeBitConstruction()
    {
        var random = new NumpyRandom(42);
        Assert.Equal(0.3745401188473625, random.NextDouble());
        Assert.Equal(0.9507143064099162, random.NextDouble());
    }

    [Fact]
    public void GaussiansComeInPairsSecondValueFirst()
    {
        var random = new NumpyRandom(42);
        Assert.Equal(0.4967141530112327, random.NextGaussian());
        Assert.Equal(-0.13826430117118466, random.NextGaussian());
    }

    [ReferenceFact]
    public void TheFirst32NormalsAfterSeed42MatchNumpyBitForBit()
    {
        double[] expected = Reference.Doubles(Reference.Chapter.GetProperty("randn_seed42_first32"));
        double[] actual = new NumpyRandom(42).Randn(32);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }

    [ReferenceFact]
    public void Draws76And77WhereGlibcLogMattersMatchNumpy()
    {
        double[] expected = Reference.Doubles(Reference.Chapter.GetProperty("randn_seed42_draws_76_77"));
        double[] draws = new NumpyRandom(42).Randn(78);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected[0]), BitConverter.DoubleToInt64Bits(draws[76]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected[1]), BitConverter.DoubleToInt64Bits(draws[77]));
    }

    [Fact]
    public void TheStreamIsTheSameHoweverItIsSplitIntoCalls()
    {
        double[] whole = new NumpyRandom(7).Randn(41);
        var random = new NumpyRandom(7);
        double[] pieces = [.. random.Randn(5), .. random.Randn(5), .. random.Randn(7), .. random.Randn(1), .. random.Randn(23)];
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void SeedResetsTheStateAndClearsTheCachedGaussian()
    {
        var random = new NumpyRandom(42);
        random.NextGaussian(); // leaves the pair's second value cached
        random.Seed(42);
        Assert.Equal(0.4967141530112327, random.NextGaussian());
    }

    [Fact]
    public void SeedsAtTheEndsOfTheRangeWork()
    {
        Assert.InRange(new NumpyRandom(0).NextDouble(), 0.0, 1.0);
        Assert.InRange(new NumpyRandom(uint.MaxValue).NextDouble(), 0.0, 1.0);
        // numpy: np.random.seed(0); np.random.rand() == 0.5488135039273248
        Assert.Equal(0.5488135039273248, new NumpyRandom(0).NextDouble());
    }

    [Fact]
    public void IntervalDrawsStayInRangeAndShuffleIsAPermutation()
    {
        var random = new NumpyRandom(3);
        for (int i = 0; i < 1000; i++) Assert.InRange(random.NextInterval(6), 0u, 6u);
        int[] items = Enumerable.Range(0, 50).ToArray();
        random.Shuffle<int>(items);
        Assert.Equal(Enumerable.Range(0, 50), items.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), items);
    }

    [Fact]
    public void NegativeCountsAreRejected()
    {
        var random = new NumpyRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.Randn(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.Rand(-1));
        Assert.Empty(random.Randn(0));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 311)]
    [InlineData(1, 312)]
    [InlineData(3, 1000)]
    [InlineData(623, 5000)]
    public void BulkDrawsAreTheSequentialDrawsBitForBit(int skipped, int count)
    {
        // Start mid-block (skipped outputs) and cross several 624-word twists.
        var one = new NumpyRandom(42);
        var bulk = new NumpyRandom(42);
        for (int i = 0; i < skipped; i++) { one.NextUInt32(); bulk.NextUInt32(); }
        double[] expected = [.. Enumerable.Range(0, count).Select(_ => one.NextDouble())];
        var actual = new double[count];
        bulk.NextDoubles(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(one.NextUInt32(), bulk.NextUInt32()); // and both end in the same state
        uint[] words = new uint[count], wordsExpected = [.. Enumerable.Range(0, count).Select(_ => one.NextUInt32())];
        bulk.NextUInt32s(words);
        Assert.Equal(wordsExpected, words);
    }
}
