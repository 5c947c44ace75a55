using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Faults in the pages of <see cref="TapeMemory"/>'s slabs on a background thread, ahead of the
/// thread that records nodes into them: the rest of a slab just started, then the next slab,
/// prepared before it is needed. The page faults of fresh memory are the largest part of a large
/// graph's first recording on the project's VM; this lets them happen on another core.
/// </summary>
/// <remarks>
/// <para>This moves work, it does not remove it: the process spends as much CPU time on the
/// faults as before (a little more), and the wall time only falls when a core is idle
/// (docs/performance.md, eighth session). The pages are populated with
/// <c>madvise(MADV_POPULATE_WRITE)</c> (Linux 5.14 and later), which maps them writable without
/// writing to them, so it may run while the recording thread writes nodes into the same slab;
/// where that fails, nothing is prepared and the recording thread faults its pages itself, as
/// before.</para>
/// <para>At most one prepared slab waits (16 MB, resident): a process that has started a slab
/// holds one more. A slab is prepared once the current one is half carved, so a process whose
/// graphs fit in the blocks it already has never asks for one. If the recording thread needs a
/// slab before the prepared one is ready, it allocates its own and does not wait.</para>
/// </remarks>
internal static unsafe partial class TapeSlabToucher
{
    private const int MadvisePopulateWrite = 23;

    private static readonly bool s_enabled =
        OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("BACKPROP_TAPE_TOUCHER") != "0";
    private static nint s_ready;           // a prepared slab, or 0
    private static nint s_populateStart;   // the rest of a slab just started, to populate, or 0
    private static nint s_populateEnd;
    private static int s_prepareRequested; // 1 while a slab is to be prepared
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lock s_lock = new();
    private static Thread? s_thread;
    private static bool s_works = true;

    /// <summary>The prepared slab of <see cref="TapeMemory.SlabBytes"/>, or null if none is ready.</summary>
    public static byte* TryTake() => (byte*)Interlocked.Exchange(ref s_ready, 0);

    /// <summary>Asks for the pages from <paramref name="start"/> to <paramref name="end"/> (a slab just started, not yet written there) to be faulted in.</summary>
    public static void Populate(byte* start, byte* end)
    {
        if (!s_enabled || !s_works) return;
        lock (s_lock)
        {
            s_populateStart = (nint)start;
            s_populateEnd = (nint)end;
        }
        Wake();
    }

    /// <summary>Asks for a slab to be prepared, unless one is ready or under way.</summary>
    public static void Prepare()
    {
        if (!s_enabled || !s_works || Volatile.Read(ref s_ready) != 0 || Interlocked.Exchange(ref s_prepareRequested, 1) == 1) return;
        Wake();
    }

    private static void Wake()
    {
        if (s_thread is null)
        {
            lock (s_lock)
            {
                if (s_thread is null)
                {
                    s_thread = new Thread(Run) { IsBackground = true, Name = "Backprop tape toucher" };
                    s_thread.Start();
                }
            }
        }
        s_wake.Release();
    }

    private static void Run()
    {
        while (true)
        {
            s_wake.Wait();
            nint start, end;
            lock (s_lock)
            {
                (start, end) = (s_populateStart, s_populateEnd);
                s_populateStart = s_populateEnd = 0;
            }
            if (start != 0 && !PopulateWrite((byte*)start, (byte*)end)) return;
            if (Volatile.Read(ref s_prepareRequested) == 1 && Volatile.Read(ref s_ready) == 0)
            {
                var slab = (byte*)NativeMemory.AlignedAlloc(TapeMemory.SlabBytes, TapeMemory.PageBytes);
                if (!PopulateWrite(slab, slab + TapeMemory.SlabBytes))
                {
                    NativeMemory.AlignedFree(slab);
                    return;
                }
                Volatile.Write(ref s_ready, (nint)slab);
                Volatile.Write(ref s_prepareRequested, 0);
            }
        }
    }

    /// <summary>Faults in the whole pages between <paramref name="start"/> and <paramref name="end"/>; false (and off for good) if the kernel cannot.</summary>
    internal static bool PopulateWrite(byte* start, byte* end)
    {
        var first = (byte*)(((nint)start + TapeMemory.PageBytes - 1) & ~(nint)(TapeMemory.PageBytes - 1));
        if (first >= end) return true;
        try
        {
            if (Madvise(first, (nuint)(end - first), MadvisePopulateWrite) == 0) return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
        s_works = false; // an older kernel (EINVAL): the recording thread faults its pages, as before
        return false;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
