using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Backprop.Playground.Api;

/// <summary>
/// The run API under <c>/api/runs</c>: create, read, change settings, step, play, pause, reset,
/// regenerate, the frame stream (Server-Sent Events), weight and bias edits, points and the
/// exports. Every body is checked; errors are one-line <see cref="ErrorBody"/> answers.
/// </summary>
public static class RunEndpoints
{
    /// <summary>Maps the run endpoints.</summary>
    /// <param name="app">The application's routes.</param>
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RouteGroupBuilder runs = app.MapGroup("/api/runs").AddEndpointFilter(ProblemResults.Filter);

        runs.MapPost("/", async (HttpRequest request, RunRegistry registry) =>
        {
            RunSettings settings = new RunSettings().Apply(await RequestBody.ReadJsonAsync(request));
            if (settings.Dataset == "custom") throw new SettingsException("dataset custom needs points: create the run, then POST them to /api/runs/{id}/points");
            PlaygroundRun run = registry.Create(settings);
            return TypedResults.Created($"/api/runs/{run.Id}", run.Snapshot());
        });
        runs.MapGet("/{id}", (string id, RunRegistry registry) => TypedResults.Ok(Run(registry, id).Snapshot()));
        runs.MapPost("/{id}/settings", async (string id, HttpRequest request, RunRegistry registry) =>
        {
            PlaygroundRun run = Run(registry, id);
            return TypedResults.Ok(run.UpdateSettings(await RequestBody.ReadJsonAsync(request)));
        });
        runs.MapPost("/{id}/step", (string id, string? n, RunRegistry registry) =>
        {
            PlaygroundRun run = Run(registry, id);
            int epochs = n is null ? 1 : int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw new SettingsException($"n must be an integer in [1, 1000], got '{RunSettings.Shown(n)}'");
            return TypedResults.Ok(run.Step(epochs));
        });
        runs.MapPost("/{id}/play", (string id, RunRegistry registry, PlaygroundOptions options) => TypedResults.Ok(Run(registry, id).Play(options.FrameInterval)));
        runs.MapPost("/{id}/pause", (string id, RunRegistry registry) => TypedResults.Ok(Run(registry, id).Pause()));
        runs.MapPost("/{id}/reset", (string id, RunRegistry registry) => TypedResults.Ok(Run(registry, id).Reset()));
        runs.MapPost("/{id}/regenerate", (string id, RunRegistry registry) => TypedResults.Ok(Run(registry, id).Regenerate()));
        runs.MapGet("/{id}/frames", (string id, string? view, RunRegistry registry, PlaygroundOptions options, IHostApplicationLifetime lifetime, HttpContext context) =>
        {
            PlaygroundRun run = Run(registry, id);
            FrameView parsed = view switch
            {
                null or "weights" => FrameView.Weights,
                "gradients" => FrameView.Gradients,
                "updates" => FrameView.Updates,
                _ => throw new SettingsException($"view must be one of weights, gradients, updates, got '{RunSettings.Shown(view)}'"),
            };
            // A stream ends when its reader goes or the server stops: an open page must not hold
            // up Ctrl+C for the host's whole shutdown timeout.
            return TypedResults.ServerSentEvents(Frames(run, parsed, options.FrameInterval, context.RequestAborted, lifetime.ApplicationStopping), "frame");
        });
        runs.MapPost("/{id}/weight", async (string id, HttpRequest request, RunRegistry registry) =>
        {
            PlaygroundRun run = Run(registry, id);
            JsonElement body = RequireObject(await RequestBody.ReadJsonAsync(request), "layer, to, from, value");
            return TypedResults.Ok(run.SetWeight(Int(body, "layer"), Int(body, "to"), Int(body, "from"), Double(body, "value")));
        });
        runs.MapPost("/{id}/bias", async (string id, HttpRequest request, RunRegistry registry) =>
        {
            PlaygroundRun run = Run(registry, id);
            JsonElement body = RequireObject(await RequestBody.ReadJsonAsync(request), "layer, neuron, value");
            return TypedResults.Ok(run.SetBias(Int(body, "layer"), Int(body, "neuron"), Double(body, "value")));
        });
        runs.MapPost("/{id}/points", async (string id, HttpRequest request, RunRegistry registry) =>
        {
            PlaygroundRun run = Run(registry, id);
            JsonElement body = RequireObject(await RequestBody.ReadJsonAsync(request), "points");
            return TypedResults.Ok(run.SetPoints(PointsCsv.FromJson(body)));
        });
        runs.MapGet("/{id}/points.csv", (string id, RunRegistry registry) =>
        {
            (DataPoint[] points, _) = Run(registry, id).Points();
            return TypedResults.Text(PointsCsv.Write(points), "text/csv", Encoding.UTF8);
        });
        runs.MapPost("/{id}/points.csv", async (string id, HttpRequest request, RunRegistry registry) =>
        {
            PlaygroundRun run = Run(registry, id);
            return TypedResults.Ok(run.SetPoints(PointsCsv.Read(await RequestBody.ReadTextAsync(request))));
        });
        runs.MapExports();
        return app;
    }

    /// <summary>The run, or an <see cref="UnknownRunException"/> (→ 404).</summary>
    internal static PlaygroundRun Run(RunRegistry registry, string id) => registry.Find(id) ?? throw new UnknownRunException(id);

    /// <summary>
    /// The frame stream: the newest frame after each change, at most one per
    /// <paramref name="interval"/>; a frame that goes stale while the reader waits is never sent
    /// (each wake-up reads the current version).
    /// </summary>
    private static async IAsyncEnumerable<Frame> Frames(PlaygroundRun run, FrameView view, TimeSpan interval, [EnumeratorCancellation] CancellationToken aborted,
        CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        CancellationToken cancel = both.Token;
        using IDisposable reader = run.AddReader();
        long seen = -1;
        var clock = Stopwatch.StartNew();
        // Frames are allowed on a grid one interval apart, each slot measured from the previous
        // slot rather than from when that frame went out: the play loop ticks once an interval,
        // and a frame sent a little late (its lock taken by an epoch) must not push the next
        // one past the next tick, which skipped every fifth tick (25 frames a second, not 30).
        // Over any stretch of time the stream still sends at most one frame per interval.
        TimeSpan slot = -interval;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await run.WaitForChangeAsync(seen, cancel);
                TimeSpan wait = slot + interval - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancel);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            Frame frame = run.Frame(view);
            seen = frame.Version;
            TimeSpan now = clock.Elapsed;
            slot = now - (slot + interval) > interval ? now : slot + interval;
            run.Touch();
            yield return frame;
        }
    }

    private static JsonElement RequireObject(JsonElement body, string fields) =>
        body.ValueKind == JsonValueKind.Object ? body : throw new SettingsException($"body must be a JSON object with {fields}");

    private static int Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
            : throw new SettingsException($"{name} must be an integer");

    private static double Double(JsonElement body, string name) =>
        body.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw new SettingsException($"{name} must be a number");
}
