using System.Text.Json;

namespace Backprop.Playground.Runs;

/// <summary>
/// Trains two throwaway runs in the background when the server starts, so that the first run a
/// user makes finds the engine's and the frames' code already compiled.
/// </summary>
/// <remarks>
/// A cold server compiles every op, the trainer, the heatmaps and the JSON writers the first
/// time a page uses them: measured, creating the first run took 1.2 s and its first trained
/// frame 0.7 s more, which the page showed as a two-second wait after "play". The warm-up walks
/// the same paths (a run with the page's default settings and one with all seven features and
/// six layers of eight, each trained for a few epochs and drawn in every view) long enough for
/// the tiered JIT to promote the hot methods, and stops at the first sign of shutdown. Its runs
/// never enter the <see cref="RunRegistry"/>, so they count against no limit and no one can
/// reach them.
/// </remarks>
internal static class JitWarmUp
{
    /// <summary>Epochs each warm-up run trains: enough calls (hundreds of steps) for tier-1 code.</summary>
    private const int Epochs = 12;

    /// <summary>The settings whose code paths the warm-up walks.</summary>
    internal static IReadOnlyList<RunSettings> Settings { get; } =
    [
        new RunSettings(),
        new RunSettings { Dataset = "spiral", Features = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"], Hidden = [8, 8, 8, 8, 8, 8] },
    ];

    /// <summary>Runs the warm-up; returns the epochs trained (fewer when cancelled).</summary>
    /// <param name="json">The serializer options the API writes frames with.</param>
    /// <param name="stop">Stops the warm-up between epochs (the server is shutting down).</param>
    public static int Run(JsonSerializerOptions json, CancellationToken stop)
    {
        int trained = 0;
        foreach (RunSettings settings in Settings)
        {
            using var run = new PlaygroundRun("warm-up", settings);
            for (int epoch = 0; epoch < Epochs && !stop.IsCancellationRequested; epoch++)
            {
                run.Step(1);
                trained++;
                foreach (FrameView view in Enum.GetValues<FrameView>()) JsonSerializer.SerializeToUtf8Bytes(run.Frame(view), json);
            }
            JsonSerializer.SerializeToUtf8Bytes(run.Snapshot(), json);
        }
        return trained;
    }
}
