namespace Backprop.Cli.Bench;

/// <summary>Counters of this process that .NET does not expose, read from Linux's /proc.</summary>
public static class ProcessCounters
{
    /// <summary>
    /// Minor page faults so far (pages the kernel had to map in: fresh memory being touched);
    /// 0 where /proc is not available.
    /// </summary>
    public static long MinorFaults()
    {
        const string path = "/proc/self/stat";
        if (!File.Exists(path)) return 0;
        string stat = File.ReadAllText(path);
        // Fields after the command name (which may hold spaces, so skip past its closing paren):
        // state ppid pgrp session tty tpgid flags minflt ...
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }
}
