using System.Runtime.InteropServices;

namespace Backprop.Tests.Engine;

/// <summary>
/// The native memory behind the tape's nodes (<see cref="TapeMemory"/>): whole, disjoint,
/// writable blocks; on Linux, blocks whose pages were given back read zeros and work again.
/// </summary>
public unsafe class TapeMemoryTests
{
    [Fact]
    public void BlocksAreWholePagesThatDoNotOverlapAndHoldEveryNode()
    {
        var blocks = new List<(nint Start, int Bytes, int Capacity)>();
        for (int capacity = Tape.MinCapacity; capacity <= TapeChunk.MaxCapacity; capacity *= 2)
        {
            TapeNode* nodes = TapeMemory.Carve(capacity);
            int bytes = TapeMemory.BlockBytes(capacity);
            Assert.Equal(0, (long)nodes % 4096);
            Assert.True(bytes >= capacity * sizeof(TapeNode) && bytes % 4096 == 0, $"{capacity} nodes in {bytes} bytes");
            for (int i = 0; i < capacity; i++) nodes[i] = new TapeNode { Data = i, Grad = -i, Links = (ulong)capacity };
            blocks.Add(((nint)nodes, bytes, capacity));
        }
        foreach ((nint start, int bytes, int capacity) in blocks)
        {
            var nodes = (TapeNode*)start;
            for (int i = 0; i < capacity; i++)
                Assert.True(nodes[i].Data == i && nodes[i].Grad == -i && nodes[i].Links == (ulong)capacity, $"block of {capacity}, node {i}");
            Assert.All(blocks.Where(b => b.Start != start), b => Assert.True(b.Start >= start + bytes || b.Start + b.Bytes <= start));
        }
    }

    [Fact]
    public void OnLinuxAReleasedBlockGivesItsPagesBackAndWorksAgain()
    {
        if (!OperatingSystem.IsLinux()) return; // madvise is Linux's; elsewhere the pages stay
        TapeNode* nodes = TapeMemory.Carve(TapeChunk.MaxCapacity);
        for (int i = 0; i < TapeChunk.MaxCapacity; i++) nodes[i].Data = 1.5;
        int pages = TapeMemory.BlockBytes(TapeChunk.MaxCapacity) / 4096;
        Assert.Equal(pages, ResidentPages(nodes, pages));

        TapeMemory.Release(nodes, TapeChunk.MaxCapacity);
        int left = ResidentPages(nodes, pages);
        Assert.Equal(0.0, nodes[0].Data); // MADV_DONTNEED: the pages went back; fresh ones read zeros
        Assert.Equal(0.0, nodes[TapeChunk.MaxCapacity - 1].Data);
        Assert.Equal(0, left); // counted before the reads above fault zero pages in
        nodes[7].Data = 2.5;
        Assert.Equal(2.5, nodes[7].Data);
    }

    [Fact]
    public void OnLinuxABlockIsMappedWholeBeforeItsFirstNodeIsWritten()
    {
        if (!OperatingSystem.IsLinux()) return; // MADV_POPULATE_WRITE is Linux's
        int pages = TapeMemory.BlockBytes(TapeChunk.MaxCapacity) / 4096;
        TapeNode* nodes = TapeMemory.Carve(TapeChunk.MaxCapacity);
        Assert.Equal(pages, ResidentPages(nodes, pages)); // nothing written yet: populated by Carve
        Assert.Equal(0.0, nodes[TapeChunk.MaxCapacity - 1].Data); // fresh pages read zeros

        // Given back, then taken again (as TapeBlockPool reuses a released block): mapped again at once.
        nodes[3].Data = 4.5;
        TapeMemory.Release(nodes, TapeChunk.MaxCapacity);
        Assert.Equal(0, ResidentPages(nodes, pages));
        TapeMemory.Populate(nodes, TapeChunk.MaxCapacity);
        Assert.Equal(pages, ResidentPages(nodes, pages));
        Assert.Equal(0.0, nodes[3].Data);
    }

    /// <summary>How many of the <paramref name="pages"/> pages from <paramref name="block"/> are resident (mincore).</summary>
    private static int ResidentPages(TapeNode* block, int pages)
    {
        byte* resident = stackalloc byte[pages];
        Assert.Equal(0, Mincore(block, (nuint)pages * 4096, resident));
        int count = 0;
        for (int i = 0; i < pages; i++) count += resident[i] & 1;
        return count;
    }

    [DllImport("libc", EntryPoint = "mincore")]
    private static extern int Mincore(void* address, nuint length, byte* vector);
}
