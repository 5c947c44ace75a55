using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Native memory for the tape's node arrays: 16 MB slabs, carved into page-aligned blocks, never
/// handed back (<see cref="TapeBlockPool"/> recycles the blocks). On Linux each slab is advised
/// for transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>), which the kernel honours in its
/// default <c>madvise</c> mode: a graph that grows faults its nodes in 2 MB at a time instead of
/// 4 KB, and blocks the pool no longer keeps are given back to the OS with
/// <c>MADV_DONTNEED</c> (their addresses stay valid and read zeros until reused).
/// </summary>
/// <remarks>
/// Why native memory: the nodes of a million-step chain are 72 MB, and on the project's VM the
/// first touch of each fresh 4 KB page cost 3–7 µs (17,600 faults: about half the chain's first
/// run). The garbage collector's own heap is not advised for huge pages, and arrays cannot live
/// outside it. The memory holds no references, so the collector need not see it; a chunk's
/// finalizer returns its block (<see cref="TapeChunk"/>). Where <c>madvise</c> cannot be called
/// (another OS, or no libc), the slabs are plain aligned allocations.
/// </remarks>
internal static unsafe partial class TapeMemory
{
    /// <summary>Bytes of a slab.</summary>
    public const int SlabBytes = 16 << 20;

    /// <summary>Alignment of a slab: a transparent huge page.</summary>
    private const int HugePageBytes = 2 << 20;

    /// <summary>Blocks are whole pages, so that one can be given back on its own.</summary>
    private const int PageBytes = 4096;

    private const int MadviseDontNeed = 4;
    private const int MadviseHugePage = 14;

    private static readonly Lock s_lock = new();
    private static byte* s_next;
    private static byte* s_end;
    private static bool s_advise = OperatingSystem.IsLinux();

    /// <summary>Bytes of the block that holds <paramref name="capacity"/> nodes (whole pages).</summary>
    public static int BlockBytes(int capacity) => (capacity * sizeof(TapeNode) + PageBytes - 1) & ~(PageBytes - 1);

    /// <summary>A fresh block for <paramref name="capacity"/> nodes, cut from the current slab (or a new one). Thread-safe.</summary>
    public static TapeNode* Carve(int capacity)
    {
        int bytes = BlockBytes(capacity);
        lock (s_lock)
        {
            if (s_end - s_next < bytes)
            {
                var slab = (byte*)NativeMemory.AlignedAlloc(SlabBytes, HugePageBytes);
                Advise(slab, SlabBytes, MadviseHugePage);
                s_next = slab;
                s_end = slab + SlabBytes;
            }
            byte* block = s_next;
            s_next += bytes;
            return (TapeNode*)block;
        }
    }

    /// <summary>Gives the pages of a block the pool does not keep back to the OS (Linux); the block stays usable.</summary>
    public static void Release(TapeNode* block, int capacity) => Advise(block, (nuint)BlockBytes(capacity), MadviseDontNeed);

    private static void Advise(void* address, nuint length, int advice)
    {
        if (!s_advise) return;
        try
        {
            _ = Madvise(address, length, advice); // advice only: on failure the memory works as before
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_advise = false;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
