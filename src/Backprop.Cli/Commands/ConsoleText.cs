namespace Backprop.Cli.Commands;

/// <summary>Makes text from files and command lines safe to print on a terminal.</summary>
public static class ConsoleText
{
    /// <summary>Longest quoted text an error message carries (a hostile file could hold megabytes).</summary>
    public const int MaxQuoted = 200;

    /// <summary>
    /// <paramref name="text"/> with every control character (C0, DEL, C1: escape sequences,
    /// carriage returns, bells) written as <c>\uXXXX</c>, cut to <paramref name="max"/>
    /// characters with an ellipsis and the full length, so a file's contents can neither steer
    /// the terminal nor flood it.
    /// </summary>
    /// <param name="text">The untrusted text.</param>
    /// <param name="max">The most characters kept.</param>
    public static string Printable(string? text, int max = MaxQuoted) => Backprop.IO.SafeText.Printable(text, max);
}
