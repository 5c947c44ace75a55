using Backprop.Memory;

namespace Backprop.Tests.Memory;

/// <summary>The pool's size classes and its reuse of returned arrays.</summary>
public class BufferPoolTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(5, 5)]
    [InlineData(1000, 1024)]
    [InlineData(1024, 1024)]
    [InlineData(1025, 1280)]
    [InlineData(100_352, 114_688)]
    public void SizeClassesWasteAtMostAQuarter(int count, int expected)
    {
        Assert.Equal(expected, BufferPool.SizeClass(count));
        Assert.True(BufferPool.SizeClass(count) <= count * 1.25 + 1);
    }

    [Fact]
    public void EverySizeClassHoldsItsCount()
    {
        for (int n = 1; n < 100_000; n += 37) Assert.InRange(BufferPool.SizeClass(n), n, n + n / 4 + 1);
        Assert.Equal(Array.MaxLength, BufferPool.SizeClass(Array.MaxLength));
    }

    [Fact]
    public void SmallArraysComeBackToTheirThreadAndLargeOnesToThePool()
    {
        // Small: exact length, kept by this thread's stacks (SmallArraysTests has the rest).
        float[] small = BufferPool.Rent<float>(100, out bool smallPooled);
        Assert.True(smallPooled);
        Assert.Equal(100, small.Length);
        while (SmallArrays<float>.Kept(100) > 0) BufferPool.Rent<float>(100, out _);
        BufferPool.Return(small);
        Assert.Equal(1, SmallArrays<float>.Kept(100));
        Assert.Same(small, BufferPool.Rent<float>(100, out _));

        double[] large = BufferPool.Rent<double>(50_001, out bool pooled);
        Assert.True(pooled);
        Assert.True(large.Length >= 50_001);
        BufferPool.Return(large);
        // Tests share the pool, so another may take it first; rent until seen or the class is drained.
        bool seen = false;
        var taken = new List<double[]>();
        for (int i = 0; i < 64 && !seen; i++)
        {
            double[] again = BufferPool.Rent<double>(50_001, out _);
            seen = ReferenceEquals(again, large);
            taken.Add(again);
        }
        Assert.True(seen);
        foreach (double[] a in taken) BufferPool.Return(a);
    }
}
