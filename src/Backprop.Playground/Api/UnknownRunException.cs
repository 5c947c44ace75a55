namespace Backprop.Playground.Api;

/// <summary>A request names a run that does not exist (never made, or dropped when idle); answered 404.</summary>
/// <param name="id">The id the client sent.</param>
public sealed class UnknownRunException(string id) : KeyNotFoundException($"no run '{id}'")
{
    /// <summary>The id the client sent.</summary>
    public string Id { get; } = id;
}
