using System.Globalization;

namespace Backprop.Playground.Tests.Browser;

/// <summary>
/// CPU seconds used so far by this test process (the server runs in it) and by each kind of
/// chromium process (renderer, gpu-process, …), read from /proc: the frame-rate test reports
/// where a frame's time goes on a machine with two cores, where the browser and the server
/// share them.
/// </summary>
internal static class ProcessCpu
{
    /// <summary>CPU seconds by process kind: "server" (this process) and "chromium:TYPE".</summary>
    public static Dictionary<string, double> Read()
    {
        var seconds = new Dictionary<string, double>();
        string self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            string pid = Path.GetFileName(dir);
            if (!pid.All(char.IsAsciiDigit)) continue;
            try
            {
                string? kind = pid == self ? "server" : Kind(File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '));
                if (kind is null) continue;
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name in parentheses: utime and stime are the 12th and 13th.
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
                seconds[kind] = seconds.GetValueOrDefault(kind) + cpu;
            }
            catch (IOException)
            {
                // The process ended between listing and reading: it used nothing more.
            }
        }
        return seconds;
    }

    private static string? Kind(string commandLine)
    {
        if (!commandLine.Contains("chromium", StringComparison.Ordinal)) return null;
        int type = commandLine.IndexOf("--type=", StringComparison.Ordinal);
        return "chromium:" + (type < 0 ? "browser" : commandLine[(type + 7)..].Split(' ')[0]);
    }

    /// <summary>Milliseconds of CPU per frame for each kind, between two readings.</summary>
    public static string PerFrame(Dictionary<string, double> before, Dictionary<string, double> after, double frames) =>
        string.Join(", ", after.Where(kv => kv.Value - before.GetValueOrDefault(kv.Key) > 0.005)
            .OrderByDescending(kv => kv.Value - before.GetValueOrDefault(kv.Key))
            .Select(kv => $"{kv.Key} {(kv.Value - before.GetValueOrDefault(kv.Key)) * 1000 / Math.Max(1, frames):F1}"));
}
