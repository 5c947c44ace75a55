namespace Backprop.Cli.Commands;

/// <summary>Checks a file named on the command line before opening it, so a wrong kind of path fails at once in one line.</summary>
public static class InputFile
{
    /// <summary>
    /// Throws unless <paramref name="path"/> is an existing, non-empty regular file. Opening a
    /// FIFO blocks until someone writes to it and a device can be endless, so anything whose
    /// size is not known (they report 0) is refused before it is opened.
    /// </summary>
    /// <param name="option">The option that named it (<c>--model</c>).</param>
    /// <param name="path">The path.</param>
    /// <exception cref="CommandFailedException">Missing, a directory, empty, or not a regular file.</exception>
    public static void Require(string option, string path)
    {
        string shown = ConsoleText.Printable(path);
        if (Directory.Exists(path)) throw new CommandFailedException($"{option}: '{shown}' is a directory, not a file");
        var info = new FileInfo(path);
        if (!info.Exists) throw new CommandFailedException($"{option}: file '{shown}' does not exist");
        if (info.Length == 0) throw new CommandFailedException($"{option}: '{shown}' is empty or not a regular file (a pipe or a device)");
    }
}
