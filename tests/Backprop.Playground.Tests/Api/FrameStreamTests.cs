using System.Net;
using System.Text.Json.Nodes;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class FrameStreamTests
{
    /// <summary>Reads SSE events (event name, data) from the stream until <paramref name="count"/> have arrived.</summary>
    private static async Task<List<(string Event, string Data)>> ReadEventsAsync(Stream stream, int count, CancellationToken cancel)
    {
        var events = new List<(string, string)>();
        using var reader = new StreamReader(stream);
        string? name = null;
        while (events.Count < count)
        {
            string? line = await reader.ReadLineAsync(cancel);
            if (line is null) break;
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add((name ?? "", line[6..]));
        }
        return events;
    }

    [Fact]
    public async Task TheStreamDeliversFramesWhilePlayingEachNewer()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage response = await host.Client.GetAsync($"/api/runs/{id}/frames?view=gradients", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await host.Client.RunCommandAsync(id, "play");
        List<(string Event, string Data)> events = await ReadEventsAsync(await response.Content.ReadAsStreamAsync(cancel.Token), 4, cancel.Token);
        await host.Client.RunCommandAsync(id, "pause");
        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal("frame", e.Event));
        JsonNode[] frames = [.. events.Select(e => JsonNode.Parse(e.Data)!)];
        long[] versions = [.. frames.Select(f => f["version"]!.GetValue<long>())];
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Length, versions.Distinct().Count());
        Assert.True(frames[^1]["epoch"]!.GetValue<int>() >= 1);
        Assert.All(frames, f => Assert.Null(f["settings"]));
        Assert.All(frames, f => Assert.Null(f["points"]));
        Assert.NotNull(frames[^1]["layers"]![0]!["weightGrads"]);
        Assert.Null(frames[^1]["layers"]![0]!["weightUpdates"]);
    }

    [Fact]
    public async Task AStreamNeverSendsMoreThanOneFrameAnIntervalOnAverage()
    {
        // Frames are paced on a grid (a late frame does not push the next one back), which must
        // not turn into bursts: over any stretch at most one frame per interval, plus the first.
        var interval = TimeSpan.FromMilliseconds(20);
        await using TestServerHost host = await TestServerHost.StartAsync(new PlaygroundOptions { FrameInterval = interval });
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage response = await host.Client.GetAsync($"/api/runs/{id}/frames", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await host.Client.RunCommandAsync(id, "play");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        TimeSpan first = TimeSpan.Zero, last = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int frames = 0;
        while (frames < 40 && await reader.ReadLineAsync(cancel.Token) is string line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (++frames == 1) first = clock.Elapsed;
            last = clock.Elapsed;
        }
        await host.Client.RunCommandAsync(id, "pause");
        Assert.Equal(40, frames);
        // The 39 frames after the first need 38 intervals at least (the first one's slot may be
        // up to an interval before it went out); one more of slack for when each was read.
        TimeSpan took = last - first;
        Assert.True(took >= interval * 37, $"40 frames in {took.TotalMilliseconds:F0} ms: faster than one per {interval.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task AFrameOfASixByEightNetworkWithSevenFeaturesFitsIn16KB()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync(new
        {
            features = new[] { "x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2" },
            hidden = new[] { 8, 8, 8, 8, 8, 8 },
            points = 500,
        }))["id"]!.GetValue<string>();
        await host.Client.RunCommandAsync(id, "step?n=2");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage response = await host.Client.GetAsync($"/api/runs/{id}/frames?view=gradients", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        List<(string Event, string Data)> events = await ReadEventsAsync(await response.Content.ReadAsStreamAsync(cancel.Token), 1, cancel.Token);
        string data = events.Single().Data;
        Assert.True(data.Length <= 16 * 1024, $"frame is {data.Length} bytes");
        JsonNode frame = JsonNode.Parse(data)!;
        Assert.Equal(7, frame["layers"]!.AsArray().Count);
        Assert.Equal((48 + 1) * 100, ApiClient.Bytes(frame["heatmaps"]!["neurons"]).Length);
        Assert.Equal(7 * 8, ApiClient.Floats(frame["layers"]![0]!["weightGrads"]).Length);
    }

    [Fact]
    public async Task AnUnknownViewIsA400()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        (HttpStatusCode status, JsonNode? body) = await host.Client.GetJsonAsync($"/api/runs/{id}/frames?view=colours");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("view must be one of weights, gradients, updates, got 'colours'", body!["error"]!.GetValue<string>());
    }
}
