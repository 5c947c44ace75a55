using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Native memory for the tape's node blocks: 16 MB slabs, carved into page-aligned blocks, never
/// handed back (<see cref="TapeBlockPool"/> recycles the blocks). On Linux, a block's pages are
/// mapped in one call when it is carved or reused after its pages were given back
/// (<c>madvise(MADV_POPULATE_WRITE)</c>), and blocks the pool no longer keeps are given back to
/// the OS with <c>madvise(MADV_DONTNEED)</c> (their addresses stay valid and read zeros until reused).
/// </summary>
/// <remarks>
/// <para>Why native memory: the collector never sees the nodes, so a large graph neither grows
/// the pinned-object heap (whose growth set off gen-2 collections: three for the million-step
/// chain) nor counts toward its budgets; the memory holds no references, and a dead chunk's
/// block goes back to the pool (<see cref="TapeChunkLifetimes"/>). Elsewhere than Linux blocks beyond
/// the pool's 24 MB stay resident.</para>
/// <para>Why populate: a fresh page costs a fault when first written, and on the project's VM
/// mapping a block's 48 pages in one call costs about 30 % less than faulting them one by one
/// (72 MB: 28 ms against 40; the million-step chain's first run 10–20 ms faster,
/// docs/performance.md, tenth session). A chunk fills its block from the start, so little is
/// mapped that would not have been: the pages a chunk sealed early never reaches, at most one
/// block a graph. Linux before 5.14 refuses the advice; it is then not asked again.</para>
/// <para>The slabs are <em>not</em> advised for transparent huge pages: on the project's VMs the
/// chain's first run then took 75–157 ms against 100–115 without (seventh and tenth sessions):
/// a fresh process's huge pages come from memory the VM's host has not always backed yet.</para>
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
    private const int MadvisePopulateWrite = 23;

    private static readonly Lock s_lock = new();
    private static byte* s_next;
    private static byte* s_end;
    private static bool s_advise = OperatingSystem.IsLinux();
    private static bool s_populate = OperatingSystem.IsLinux();

    /// <summary>Bytes of the block that holds <paramref name="capacity"/> nodes (whole pages).</summary>
    public static int BlockBytes(int capacity) => (capacity * sizeof(TapeNode) + PageBytes - 1) & ~(PageBytes - 1);

    /// <summary>A fresh block for <paramref name="capacity"/> nodes, cut from the current slab (or a new one). Thread-safe.</summary>
    public static TapeNode* Carve(int capacity)
    {
        int bytes = BlockBytes(capacity);
        byte* block;
        lock (s_lock)
        {
            if (s_end - s_next < bytes)
            {
                var slab = (byte*)NativeMemory.AlignedAlloc(SlabBytes, PageBytes);
                s_next = slab;
                s_end = slab + SlabBytes;
            }
            block = s_next;
            s_next += bytes;
        }
        Populate((TapeNode*)block, capacity); // outside the lock: the block is this thread's alone now
        return (TapeNode*)block;
    }

    /// <summary>Maps the pages of a block that has none yet (fresh, or given back), all at once.</summary>
    public static void Populate(TapeNode* block, int capacity)
    {
        if (!s_populate) return;
        try
        {
            if (Madvise(block, (nuint)BlockBytes(capacity), MadvisePopulateWrite) != 0) s_populate = false; // before Linux 5.14: EINVAL
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_populate = false;
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
