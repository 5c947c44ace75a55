using System.Globalization;

namespace Backprop.Tests.Engine;

/// <summary>
/// The native memory behind the tape's nodes (<see cref="TapeMemory"/>): whole, disjoint,
/// writable blocks; on Linux slabs advised for transparent huge pages, and blocks whose pages
/// were given back read zeros and work again.
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
    public void OnLinuxTheSlabsAreAdvisedForHugePagesAndReleasedBlocksComeBackZeroed()
    {
        if (!OperatingSystem.IsLinux()) return; // madvise is Linux's; elsewhere the memory is plain
        TapeNode* nodes = TapeMemory.Carve(TapeChunk.MaxCapacity);
        for (int i = 0; i < TapeChunk.MaxCapacity; i++) nodes[i].Data = 1.5;
        Assert.Contains("hg", VmFlags((nint)nodes).Split(' '));

        TapeMemory.Release(nodes, TapeChunk.MaxCapacity);
        Assert.Equal(0.0, nodes[0].Data); // MADV_DONTNEED: the pages went back; fresh ones read zeros
        Assert.Equal(0.0, nodes[TapeChunk.MaxCapacity - 1].Data);
        nodes[7].Data = 2.5;
        Assert.Equal(2.5, nodes[7].Data);
    }

    /// <summary>The VmFlags of the mapping that holds <paramref name="address"/>, from /proc/self/smaps.</summary>
    private static string VmFlags(nint address)
    {
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && ulong.TryParse(line[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start))
            {
                ulong end = ulong.Parse(line[(dash + 1)..line.IndexOf(' ')], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                inside = (ulong)address >= start && (ulong)address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line[8..].Trim();
            }
        }
        throw new InvalidOperationException($"no mapping holds 0x{address:x}");
    }
}
