using System.Runtime.InteropServices;

namespace Backprop.Tests.Engine;

/// <summary>
/// The thread that faults in the tape's slabs ahead of the recording thread
/// (<see cref="TapeSlabToucher"/>): it must never change what is written, and what it
/// populates must be resident and usable.
/// </summary>
public unsafe class TapeSlabToucherTests
{
    [Fact]
    public void PopulatingPagesWhileAnotherThreadWritesThemKeepsEveryWrite()
    {
        if (!OperatingSystem.IsLinux()) return; // MADV_POPULATE_WRITE is Linux's
        const int bytes = 8 << 20;
        var memory = (long*)NativeMemory.AlignedAlloc(bytes, 4096);
        try
        {
            int count = bytes / sizeof(long);
            bool populated = false;
            var populate = new Thread(() => populated = TapeSlabToucher.PopulateWrite((byte*)memory, (byte*)memory + bytes));
            populate.Start();
            for (int i = 0; i < count; i++) memory[i] = i * 7 + 1;
            populate.Join();
            for (int i = 0; i < count; i++)
                if (memory[i] != i * 7 + 1) Assert.Fail($"word {i} is {memory[i]}, written {i * 7 + 1}");
            if (populated) Assert.Equal(bytes / 4096, TapeMemoryTests.ResidentPages((byte*)memory, bytes / 4096));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public void APopulatedRangeIsResidentAndReadsZeros()
    {
        if (!OperatingSystem.IsLinux()) return;
        const int pages = 256;
        var memory = (byte*)NativeMemory.AlignedAlloc(pages * 4096, 4096);
        try
        {
            if (!TapeSlabToucher.PopulateWrite(memory, memory + pages * 4096)) return; // a kernel before 5.14
            Assert.Equal(pages, TapeMemoryTests.ResidentPages(memory, pages));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public void AGraphLargerThanASlabHasTheNumbersOfPlainArithmetic()
    {
        // 400,000 steps: 1.2 million nodes, 29 MB of blocks, most of them in pages the toucher
        // populated while nodes were written nearby. Every node's number and the gradient must
        // be those of the same arithmetic in plain doubles, bit for bit.
        const int steps = 400_000;
        var input = new Value(1.0);
        Value x = input;
        var sampled = new Value[steps / 1000];
        for (int i = 0; i < steps; i++)
        {
            x = (x * 1.0001 + 0.5).Relu();
            if (i % 1000 == 999) sampled[i / 1000] = x;
        }
        x.Backward();

        double expected = 1;
        for (int i = 0; i < steps; i++)
        {
            expected = Math.Max(0.0, expected * 1.0001 + 0.5);
            if (i % 1000 == 999) Assert.Equal(expected, sampled[i / 1000].Data);
        }
        double grad = 1;
        for (int i = 0; i < steps; i++) grad = 1.0001 * grad;
        Assert.Equal(grad, input.Grad);
        Assert.Equal(1.0, x.Grad);
    }
}
