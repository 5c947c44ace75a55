namespace Backprop.Cli.Commands;

/// <summary>
/// The command line asked for something that cannot be done (options that do not go together,
/// an unknown data set); printed as one line, exit code <see cref="CommandLine.Usage"/>.
/// </summary>
/// <param name="message">What is wrong, naming the option.</param>
public sealed class UsageException(string message) : Exception(message);
