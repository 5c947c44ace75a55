using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Backprop.Playground.Runs;

/// <summary>
/// The live runs by id: ids are random (64 bits, so one page cannot guess another's run), the
/// number of runs is capped, and a timer drops runs nobody has touched (no request, no frame
/// reader) for <see cref="PlaygroundOptions.IdleTimeout"/>.
/// </summary>
public sealed class RunRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, PlaygroundRun> _runs = new(StringComparer.Ordinal);
    private readonly PlaygroundOptions _options;
    private readonly Timer _sweeper;
    private readonly Lock _creating = new();

    /// <summary>Creates the registry and starts its idle sweep.</summary>
    /// <param name="options">The cap and the idle timeout.</param>
    public RunRegistry(PlaygroundOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));
        _sweeper = new Timer(_ => DropIdle(), null, period, period);
    }

    /// <summary>How many runs are live.</summary>
    public int Count => _runs.Count;

    /// <summary>Creates a run.</summary>
    /// <param name="settings">Checked settings.</param>
    /// <exception cref="TooManyRunsException">The cap is reached (after dropping idle runs).</exception>
    public PlaygroundRun Create(RunSettings settings)
    {
        lock (_creating)
        {
            DropIdle();
            if (_runs.Count >= _options.MaxRuns)
                throw new TooManyRunsException($"too many runs: {_runs.Count} are live (at most {_options.MaxRuns}); close a tab or wait for idle runs to be dropped");
            var run = new PlaygroundRun(NewId(), settings);
            _runs[run.Id] = run;
            return run;
        }
    }

    /// <summary>The run with id <paramref name="id"/>, marked as used now; null when there is none.</summary>
    /// <param name="id">The id.</param>
    public PlaygroundRun? Find(string id)
    {
        if (!_runs.TryGetValue(id, out PlaygroundRun? run)) return null;
        run.Touch();
        return run;
    }

    /// <summary>Drops (and stops) every run idle for longer than the timeout.</summary>
    public void DropIdle()
    {
        long now = Environment.TickCount64;
        foreach ((string id, PlaygroundRun run) in _runs)
        {
            if (run.Readers == 0 && now - run.LastTouched > _options.IdleTimeout.TotalMilliseconds && _runs.TryRemove(id, out _))
                run.Dispose();
        }
    }

    /// <summary>Stops the sweep and every run.</summary>
    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (PlaygroundRun run in _runs.Values) run.Dispose();
        _runs.Clear();
    }

    private static string NewId() => "r" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
