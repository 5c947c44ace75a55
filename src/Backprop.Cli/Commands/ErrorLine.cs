using System.Text.RegularExpressions;

namespace Backprop.Cli.Commands;

/// <summary>Turns any exception into the one line the CLI prints, without .NET's internals.</summary>
public static partial class ErrorLine
{
    /// <summary>Longest message printed; longer ones are cut (a hostile file can make very long ones).</summary>
    public const int MaxLength = 600;

    /// <summary>
    /// The message of <paramref name="e"/> as one printable line: only its first line, without
    /// the <c>(Parameter 'x')</c> and <c>Actual value was …</c> that .NET appends, with control
    /// characters escaped and the length capped. Exceptions that mean a bug or an exhausted
    /// machine get a prefix that says so.
    /// </summary>
    /// <param name="e">The exception.</param>
    public static string Of(Exception e)
    {
        string message = e.Message;
        int newline = message.IndexOfAny(['\r', '\n']);
        if (newline >= 0) message = message[..newline];
        message = ParameterSuffix().Replace(message, "");
        message = ActualValue().Replace(message, "");
        message = message.Trim();
        string prefix = e switch
        {
            OutOfMemoryException or InsufficientExecutionStackException => "out of memory: ",
            IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException
                or CommandFailedException or UsageException or FormatException or NotSupportedException or IndexOutOfRangeException
                or Backprop.Distributed.CommunicatorException => "",
            _ => $"internal error ({e.GetType().Name}): ",
        };
        if (message.Length == 0) message = e.GetType().Name;
        return ConsoleText.Printable(prefix + message, MaxLength);
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s*Actual value was [^.]*\.?")]
    private static partial Regex ActualValue();
}
