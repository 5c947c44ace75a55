using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Faults in the pages of <see cref="TapeMemory"/>'s slabs on a background thread, a few
/// megabytes ahead of the blocks the recording thread carves from them. The page faults of fresh
/// memory are the largest part of a large graph's first recording on the project's VM; this lets
/// them happen on another core.
/// </summary>
/// <remarks>
/// <para>This moves work, it does not remove it: the process spends as much CPU time on the
/// faults as before (a little more), and the wall time only falls when a core is idle
/// (docs/performance.md, eighth session). The pages are populated with
/// <c>madvise(MADV_POPULATE_WRITE)</c> (Linux 5.14 and later), which maps them writable without
/// writing to them, so it may run while the recording thread writes nodes into the same slab;
/// where that fails, the toucher stops for good and the recording thread faults its pages
/// itself, as before.</para>
/// <para>At most <see cref="Window"/> beyond the last block carved is populated, so a process
/// holds at most that much resident memory it has not used yet. If the recording thread
/// overtakes the toucher it faults those pages itself and never waits.</para>
/// </remarks>
internal static unsafe partial class TapeSlabToucher
{
    /// <summary>How far ahead of the carved blocks pages are populated.</summary>
    public const int Window = 4 << 20;

    private const int MadvisePopulateWrite = 23;

    private static readonly bool s_enabled =
        OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("BACKPROP_TAPE_TOUCHER") != "0";
    private static bool s_works = true;
    private static readonly ConcurrentQueue<(nint Start, nint End)> s_ranges = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lock s_start = new();
    private static Thread? s_thread;

    /// <summary>Whether ranges are populated ahead (Linux, a kernel that can, not switched off).</summary>
    public static bool Enabled => s_enabled && s_works;

    /// <summary>Asks for the pages from <paramref name="start"/> to <paramref name="end"/> (not yet carved) to be faulted in on the background thread.</summary>
    public static void Populate(byte* start, byte* end)
    {
        if (!Enabled || start >= end) return;
        if (s_thread is null)
        {
            lock (s_start)
            {
                if (s_thread is null)
                {
                    s_thread = new Thread(Run) { IsBackground = true, Name = "Backprop tape toucher" };
                    s_thread.Start();
                }
            }
        }
        s_ranges.Enqueue(((nint)start, (nint)end));
        s_wake.Release();
    }

    private static void Run()
    {
        while (true)
        {
            s_wake.Wait();
            while (s_ranges.TryDequeue(out (nint Start, nint End) range))
            {
                if (!PopulateWrite((byte*)range.Start, (byte*)range.End)) return;
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
