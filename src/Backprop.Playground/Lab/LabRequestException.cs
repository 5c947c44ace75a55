namespace Backprop.Playground.Lab;

/// <summary>A lab request the server refuses: the message is the one line the page shows (HTTP 400).</summary>
/// <param name="message">What is wrong, naming the field, e.g. "depth must be in [1, 20], got 50".</param>
public sealed class LabRequestException(string message) : Exception(message);
