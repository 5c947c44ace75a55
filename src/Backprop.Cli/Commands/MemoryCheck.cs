using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// Refuses, before any work starts, a command whose settings would need more memory than the
/// machine has available: each setting may be valid while together they need tens of GB, and a
/// run that dies of memory an hour in (or makes the machine swap) helps no one.
/// </summary>
public static class MemoryCheck
{
    /// <summary>The option that turns the check off.</summary>
    public const string OptionName = "--no-memory-check";

    /// <summary>Builds the <c>--no-memory-check</c> option.</summary>
    public static Option<bool> CreateOption() => new(OptionName)
    {
        Description = "Start even when the estimated memory exceeds what the machine has available",
    };

    /// <summary>
    /// The memory the system says is available to new work (<c>MemAvailable</c> in
    /// <c>/proc/meminfo</c>, in bytes), or null where that cannot be read.
    /// </summary>
    public static long? Available()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException or IndexOutOfRangeException) { }
        return null;
    }

    /// <summary>Throws when <paramref name="bytes"/> exceed the available memory, unless <paramref name="skip"/>.</summary>
    /// <param name="bytes">The estimate (double, since settings can overflow a long).</param>
    /// <param name="what">What needs it ("training an MLP of 2-100000000-2").</param>
    /// <param name="skip">Whether <c>--no-memory-check</c> was given.</param>
    /// <param name="available">The available bytes; null to read them from the system.</param>
    /// <exception cref="CommandFailedException">The estimate exceeds the available memory.</exception>
    public static void Require(double bytes, string what, bool skip, long? available = null)
    {
        if (skip) return;
        long? free = available ?? Available();
        if (free is not long have || bytes <= have) return;
        throw new CommandFailedException(
            $"{what} needs about {Format(bytes)} of memory but {Format(have)} is available; use smaller settings, or pass {OptionName} to try anyway");
    }

    /// <summary>"1.5 GB", "300 MB".</summary>
    /// <param name="bytes">A size.</param>
    public static string Format(double bytes) => bytes >= 1e9
        ? (bytes / 1e9).ToString(bytes >= 1e12 ? "N0" : "F1", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("F0", CultureInfo.InvariantCulture) + " MB";
}
