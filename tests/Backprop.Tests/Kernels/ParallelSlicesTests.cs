using System.Collections.Concurrent;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>How an optimizer's step is split over threads: every element exactly once, in disjoint aligned chunks, and short passes left whole.</summary>
public class ParallelSlicesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ParallelSlices.MinSliceLength * 2 - 1)]
    [InlineData(ParallelSlices.MinSliceLength * 2)]
    [InlineData(235_146)]
    [InlineData(1_000_003)]
    public void Slices_cover_every_element_exactly_once(int length)
    {
        var slices = new ConcurrentBag<(long Start, long Count)>();
        var counts = new int[length];
        ParallelSlices.Run(length, counts, static (seen, start, count) =>
        {
            for (long i = start; i < start + count; i++) Interlocked.Increment(ref seen[i]);
        });
        ParallelSlices.Run(length, slices, static (bag, start, count) => bag.Add((start, count)));

        Assert.All(counts, c => Assert.Equal(1, c));
        (long Start, long Count)[] ordered = [.. slices.OrderBy(s => s.Start)];
        Assert.Equal(ParallelSlices.Chunks(length), ordered.Length);
        Assert.Equal(0, ordered[0].Start);
        Assert.Equal(length, ordered[^1].Start + ordered[^1].Count);
        for (int i = 1; i < ordered.Length; i++)
        {
            Assert.Equal(ordered[i - 1].Start + ordered[i - 1].Count, ordered[i].Start);
            Assert.Equal(0, ordered[i].Start % 64); // no vector straddles two threads' cache lines
        }
    }

    [Fact]
    public void Short_passes_stay_whole_and_long_ones_split_on_every_core()
    {
        Assert.Equal(1, ParallelSlices.Threads(ParallelSlices.MinSliceLength - 1));
        Assert.Equal(1, ParallelSlices.Chunks(ParallelSlices.MinSliceLength * 2 - 1));
        Assert.Equal(Math.Min(Environment.ProcessorCount, 2), ParallelSlices.Threads(ParallelSlices.MinSliceLength * 2));
        Assert.Equal(Environment.ProcessorCount, ParallelSlices.Threads(long.MaxValue / 2));
        int threads = ParallelSlices.Threads(235_146);
        Assert.Equal(threads == 1 ? 1 : threads * ParallelSlices.ChunksPerThread, ParallelSlices.Chunks(235_146));
    }
}
