using Backprop.Cli.Commands;

namespace Backprop.Cli;

/// <summary>The <c>backprop</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 on success; 1 when the command failed; 2 when the command line was wrong.</returns>
    public static int Main(string[] args) => CommandLine.Run(args, Console.Out, Console.Error);
}
