using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Native memory for the tape's node blocks: 16 MB slabs, carved into page-aligned blocks, never
/// handed back (<see cref="TapeBlockPool"/> recycles the blocks). On Linux, blocks the pool no
/// longer keeps are given back to the OS with <c>madvise(MADV_DONTNEED)</c> (their addresses
/// stay valid and read zeros until reused).
/// </summary>
/// <remarks>
/// <para>Why native memory: the collector never sees the nodes, so a large graph neither grows
/// the pinned-object heap (whose growth set off gen-2 collections: three for the million-step
/// chain) nor counts toward its budgets; the memory holds no references, and a dead chunk's
/// block goes back to the pool (<see cref="TapeChunkLifetimes"/>). Elsewhere than Linux blocks beyond
/// the pool's 24 MB stay resident for reuse.</para>
/// <para>The slabs are <em>not</em> advised for transparent huge pages: on the project's VM the
/// chain's first run faulted 8,000 pages instead of 26,000 with them but took 182–270 ms
/// against 182–197 ms without (docs/performance.md): a fresh process's huge pages come from
/// memory the VM's host has not backed yet, recycled 4 KB pages mostly from memory it has.</para>
/// <para>Nor are they faulted in ahead by a background thread (<c>MADV_POPULATE_WRITE</c> a few
/// megabytes beyond the carved blocks): the recording thread then faulted a fifth as many pages
/// and spent a third less CPU time, but the chain's wall time did not fall, not even with the
/// process at real-time priority (docs/performance.md, eighth session).</para>
/// </remarks>
internal static unsafe partial class TapeMemory
{
    /// <summary>Bytes of a slab.</summary>
    public const int SlabBytes = 16 << 20;

    /// <summary>Blocks are whole pages, so that one can be given back on its own.</summary>
    private const int PageBytes = 4096;

    private const int MadviseDontNeed = 4;

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
                var slab = (byte*)NativeMemory.AlignedAlloc(SlabBytes, PageBytes);
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
