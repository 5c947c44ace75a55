namespace Backprop.Playground.Lab;

/// <summary>A race id that names no live race (HTTP 404).</summary>
/// <param name="id">The id the client sent.</param>
public sealed class UnknownRaceException(string id) : KeyNotFoundException($"no race '{LabFields.Shown(id)}'");
