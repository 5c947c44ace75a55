using System.Collections.Concurrent;
using System.Security.Cryptography;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Lab;

/// <summary>
/// The live optimizer races, by id. At most <see cref="MaxRaces"/>: a new race beyond that drops
/// the oldest (its runs stay in the run registry until they are idle, as any run).
/// </summary>
/// <param name="runs">Where the racers' runs are made.</param>
public sealed class RaceRegistry(RunRegistry runs)
{
    /// <summary>The most races kept.</summary>
    public const int MaxRaces = 4;

    private readonly ConcurrentDictionary<string, (long Made, OptimizerRace Race)> _races = new();
    private long _made;

    /// <summary>Starts a race.</summary>
    /// <param name="setup">Settings and optimizers.</param>
    /// <exception cref="TooManyRunsException">The run registry has no room for the racers.</exception>
    public OptimizerRace Create(RaceSetup setup)
    {
        string id = "race-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var race = new OptimizerRace(id, setup, runs);
        _races[id] = (Interlocked.Increment(ref _made), race);
        while (_races.Count > MaxRaces)
        {
            string oldest = _races.MinBy(r => r.Value.Made).Key;
            _races.TryRemove(oldest, out _);
        }
        return race;
    }

    /// <summary>The race with <paramref name="id"/>.</summary>
    /// <param name="id">The id.</param>
    /// <exception cref="UnknownRaceException">No such race (the endpoint answers 404).</exception>
    public OptimizerRace Find(string id) =>
        _races.TryGetValue(id, out var entry) ? entry.Race : throw new UnknownRaceException(id);
}
