namespace Backprop.Cli.Commands;

/// <summary>Checks, before any work starts, that a command's output folder can be written.</summary>
public static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="dir"/> if needed and proves it writable by creating and deleting
    /// a probe file, so that a bad <c>--out</c> fails at once with one clear line rather than
    /// after the work is done.
    /// </summary>
    /// <param name="dir">The folder.</param>
    /// <param name="what">What the folder is, for the message.</param>
    /// <exception cref="CommandFailedException">The folder cannot be created or written.</exception>
    public static void Prepare(string dir, string what = "output folder")
    {
        try
        {
            Directory.CreateDirectory(dir);
            string probe = Path.Combine(dir, $".backprop-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandFailedException($"cannot write to {what} '{dir}': {e.Message}", e);
        }
    }
}
