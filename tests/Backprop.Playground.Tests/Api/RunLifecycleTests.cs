using System.Net;
using System.Text.Json.Nodes;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class RunLifecycleTests
{
    [Fact]
    public async Task ANewRunHasTheDefaultNetworkAndTfsSplitOfTheCircle()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        JsonNode run = await host.Client.CreateRunAsync();
        Assert.Matches("^r[0-9a-f]{16}$", run["id"]!.GetValue<string>());
        Assert.Equal(0, run["epoch"]!.GetValue<int>());
        Assert.Equal("paused", run["status"]!.GetValue<string>());
        JsonArray layers = run["layers"]!.AsArray();
        Assert.Equal([2, 4, 2], layers.Select(l => l!["inputs"]!.GetValue<int>()));
        Assert.Equal([4, 2, 1], layers.Select(l => l!["outputs"]!.GetValue<int>()));
        float[] weights = ApiClient.Floats(layers[0]!["weights"]);
        Assert.Equal(8, weights.Length);
        Assert.All(weights, w => Assert.InRange(w, -0.5f, 0.5f)); // TF's init: uniform ±0.5
        Assert.All(ApiClient.Floats(layers[0]!["biases"]), b => Assert.Equal(0.1f, b));
        Assert.Equal(250, run["trainCount"]!.GetValue<int>());
        float[] points = ApiClient.Floats(run["points"]);
        Assert.Equal(500 * 3, points.Length);
        Assert.Equal(250, Enumerable.Range(0, 500).Count(i => points[3 * i + 2] == 1)); // TF's circle: half inside
        Assert.Equal((4 + 2 + 1) * 100, ApiClient.Bytes(run["heatmaps"]!["neurons"]).Length);
        Assert.Equal(2500, ApiClient.Bytes(run["heatmaps"]!["output"]).Length);
        Assert.Null(run["heatmaps"]!["outputClass"]);
        Assert.Equal(200, ApiClient.Bytes(run["inputHeatmaps"]).Length);
        Assert.Equal(0.03, run["settings"]!["learningRate"]!.GetValue<double>());
        Assert.InRange(run["trainLoss"]!.GetValue<double>(), 0.2, 2);
    }

    [Fact]
    public async Task TwoRunsWithTheSameSeedGiveTheSameSnapshotAfterSteps()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        var settings = new { seed = 7, hidden = new[] { 5, 3 }, dataset = "spiral", noise = 10 };
        string a = (await host.Client.CreateRunAsync(settings))["id"]!.GetValue<string>();
        string b = (await host.Client.CreateRunAsync(settings))["id"]!.GetValue<string>();
        JsonNode sa = await host.Client.RunCommandAsync(a, "step?n=5");
        JsonNode sb = await host.Client.RunCommandAsync(b, "step?n=5");
        Assert.Equal(5, sa["epoch"]!.GetValue<int>());
        Assert.Equal(5 * 25, sa["steps"]!.GetValue<int>());
        Assert.Equal(ApiClient.WithoutId(sa), ApiClient.WithoutId(sb));
        JsonNode other = await host.Client.CreateRunAsync(new { seed = 8, hidden = new[] { 5, 3 }, dataset = "spiral", noise = 10 });
        Assert.NotEqual(ApiClient.Floats(sa["points"]), ApiClient.Floats(other["points"]));
    }

    [Fact]
    public async Task TheLossFallsOnTheCircleWithTheDefaults()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        JsonNode run = await host.Client.CreateRunAsync();
        string id = run["id"]!.GetValue<string>();
        double before = run["testLoss"]!.GetValue<double>();
        JsonNode after = await host.Client.RunCommandAsync(id, "step?n=150");
        Assert.Equal(150, after["epoch"]!.GetValue<int>());
        double loss = after["testLoss"]!.GetValue<double>();
        Assert.True(loss < before / 4, $"test loss {before} -> {loss}");
        Assert.True(after["testAccuracy"]!.GetValue<double>() > 0.95, after["testAccuracy"]!.ToJsonString());
    }

    [Fact]
    public async Task TheLearningRateChangesLiveWithoutAReset()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        JsonNode stepped = await host.Client.RunCommandAsync(id, "step?n=3");
        JsonNode changed = await host.Client.RunCommandAsync(id, "settings", new { learningRate = 0.3 });
        Assert.Equal(3, changed["epoch"]!.GetValue<int>());
        Assert.Equal(0.3, changed["settings"]!["learningRate"]!.GetValue<double>());
        Assert.Equal(ApiClient.Floats(stepped["layers"]![0]!["weights"]), ApiClient.Floats(changed["layers"]![0]!["weights"]));

        // The next step's update is plain SGD with the new rate: W' = W - 0.3 * dL/dW (of that step).
        JsonNode next = await host.Client.RunCommandAsync(id, "step?n=1");
        Assert.Equal(4, next["epoch"]!.GetValue<int>());
        float[] update = ApiClient.Floats(next["layers"]![1]!["weightUpdates"]);
        float[] grad = ApiClient.Floats(next["layers"]![1]!["weightGrads"]);
        for (int i = 0; i < update.Length; i++) Assert.Equal(-0.3 * grad[i], update[i], 1e-6);

        JsonNode reset = await host.Client.RunCommandAsync(id, "settings", new { hidden = new[] { 3 } });
        Assert.Equal(0, reset["epoch"]!.GetValue<int>());
        Assert.Equal(2, reset["layers"]!.AsArray().Count);
    }

    [Fact]
    public async Task RegenerateDrawsNewPointsAndResets()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        JsonNode run = await host.Client.CreateRunAsync();
        string id = run["id"]!.GetValue<string>();
        await host.Client.RunCommandAsync(id, "step?n=2");
        JsonNode fresh = await host.Client.RunCommandAsync(id, "regenerate");
        Assert.Equal(0, fresh["epoch"]!.GetValue<int>());
        Assert.NotEqual(ApiClient.Floats(run["points"]), ApiClient.Floats(fresh["points"]));
        JsonNode reset = await host.Client.RunCommandAsync(id, "reset");
        Assert.Equal(ApiClient.Floats(fresh["points"]), ApiClient.Floats(reset["points"]));
        Assert.Equal(ApiClient.Floats(run["layers"]![0]!["weights"]), ApiClient.Floats(reset["layers"]![0]!["weights"]));
    }

    [Fact]
    public async Task PlayTrainsInTheBackgroundAndPauseStopsIt()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        Assert.Equal("running", (await host.Client.RunCommandAsync(id, "play"))["status"]!.GetValue<string>());
        JsonNode? now = null;
        for (int i = 0; i < 200 && (now?["epoch"]!.GetValue<int>() ?? 0) < 3; i++)
        {
            await Task.Delay(20);
            now = (await host.Client.GetJsonAsync($"/api/runs/{id}")).Body;
        }
        Assert.True(now!["epoch"]!.GetValue<int>() >= 3);
        JsonNode paused = await host.Client.RunCommandAsync(id, "pause");
        Assert.Equal("paused", paused["status"]!.GetValue<string>());
        int epoch = paused["epoch"]!.GetValue<int>();
        await Task.Delay(150);
        Assert.Equal(epoch, (await host.Client.GetJsonAsync($"/api/runs/{id}")).Body!["epoch"]!.GetValue<int>());
    }
}
