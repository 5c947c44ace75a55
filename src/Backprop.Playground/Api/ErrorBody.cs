namespace Backprop.Playground.Api;

/// <summary>The body of every error answer: <c>{"error": "one line naming the field"}</c>.</summary>
/// <param name="Error">What is wrong.</param>
public sealed record ErrorBody(string Error);
