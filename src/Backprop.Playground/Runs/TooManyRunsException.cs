namespace Backprop.Playground.Runs;

/// <summary>The cap on live runs is reached; the API answers 429 with this message.</summary>
/// <param name="message">One line saying so.</param>
public sealed class TooManyRunsException(string message) : InvalidOperationException(message);
