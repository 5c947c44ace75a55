using System.CommandLine;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// The command tree of <c>backprop</c>, and the one rule for failures: a bad command line or a
/// failed command prints one line to standard error and exits non-zero.
/// </summary>
public static class CommandLine
{
    /// <summary>Exit code of a command that ran and failed (bad input file, unwritable folder…).</summary>
    public const int Failed = 1;

    /// <summary>Exit code of a command line that could not be parsed.</summary>
    public const int Usage = 2;

    /// <summary>Runs <c>backprop</c> with <paramref name="args"/>, writing to the given streams.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="output">Where results go (standard output).</param>
    /// <param name="error">Where the one-line failure message goes (standard error).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        IAnsiConsole console = CreateConsole(output);
        var root = new RootCommand("Backprop: reverse-mode automatic differentiation, from the chapter to real training.")
        {
            ChapterCommand.Create(console),
            BenchCommand.Create(console),
            TrainCommand.Create(console),
            EvalCommand.Create(console),
            ExportCommand.Create(console),
            GraphCommand.Create(console),
            GradFlowCommand.Create(console),
            PlaygroundCommand.Create(console),
        };

        ParseResult parsed = root.Parse(HelpAndVersion(args));
        if (parsed.Errors.Count > 0)
        {
            // `backprop frobnicate` yields "Required command was not provided" first; the error that
            // names the unknown word says more. Some errors span several lines (a list of allowed
            // values); the rule is one line.
            System.CommandLine.Parsing.ParseError first = parsed.UnmatchedTokens.Count > 0 && parsed.CommandResult.Command == root
                ? parsed.Errors.FirstOrDefault(e => e.Message.Contains(parsed.UnmatchedTokens[0], StringComparison.Ordinal)) ?? parsed.Errors[0]
                : parsed.Errors[0];
            string message = string.Join(" ", first.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"backprop: {ConsoleText.Printable(message, ErrorLine.MaxLength)} (see 'backprop --help')");
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"backprop: {ErrorLine.Of(e)} (see 'backprop --help')");
            return Usage;
        }
        catch (Exception e)
        {
            // Every failure, expected or not, is one line and exit code 1: never a stack trace.
            error.WriteLine($"backprop: {ErrorLine.Of(e)}");
            return Failed;
        }
    }

    /// <summary>
    /// What a new user types for help or the version, as System.CommandLine spells it: nothing
    /// or <c>help</c> shows the help, <c>help train</c> the help of <c>train</c>, <c>-v</c> and
    /// <c>version</c> the version.
    /// </summary>
    private static string[] HelpAndVersion(string[] args) => args switch
    {
        [] or ["help"] => ["--help"],
        ["help", .. var rest] => [.. rest, "--help"],
        ["-v" or "version"] => ["--version"],
        _ => args,
    };

    /// <summary>
    /// A Spectre console over <paramref name="output"/>: colours and live widgets on a terminal,
    /// plain text when the output is redirected (or is not the process's standard output).
    /// </summary>
    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Redirected output has no width; Spectre would assume 80 columns and wrap tables.
        if (!terminal) console.Profile.Width = 160;
        return console;
    }
}
