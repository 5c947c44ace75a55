namespace Backprop.Cli.Commands;

/// <summary>A command could not do its work; the message is printed as the one line the CLI reports.</summary>
/// <param name="message">What went wrong, naming the file, folder or argument.</param>
/// <param name="inner">The underlying exception, if any.</param>
public sealed class CommandFailedException(string message, Exception? inner = null) : Exception(message, inner);
