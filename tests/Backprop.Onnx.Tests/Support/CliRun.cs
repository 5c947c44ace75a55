using Backprop.Cli.Commands;

namespace Backprop.OnnxTests.Support;

/// <summary>Runs the <c>backprop</c> command line in-process, through the executable's own entry point.</summary>
public static class CliRun
{
    /// <summary>Runs <c>backprop</c> with <paramref name="args"/>; returns the exit code and what it wrote to each stream.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
