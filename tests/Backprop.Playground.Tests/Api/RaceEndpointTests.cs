using System.Net;
using System.Text.Json.Nodes;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class RaceEndpointTests
{
    private static readonly object Race = new { settings = new { seed = 3, hidden = new[] { 4 }, learningRate = 0.03 }, optimizers = new[] { "sgd", "momentum", "adam" } };

    [Fact]
    public async Task EveryRacerStartsFromTheSameDataAndWeightsAndOnlyTheOptimizerDiffers()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        (HttpStatusCode status, JsonNode? race) = await host.Client.PostAsync("/api/races", Race);
        Assert.Equal(HttpStatusCode.Created, status);
        JsonArray racers = race!["racers"]!.AsArray();
        Assert.Equal(["sgd", "momentum", "adam"], racers.Select(r => r!["optimizer"]!.GetValue<string>()));
        JsonNode[] runs = [.. await Task.WhenAll(racers.Select(async r => (await host.Client.GetJsonAsync($"/api/runs/{r!["runId"]}")).Body!))];
        foreach (JsonNode run in runs.Skip(1))
        {
            Assert.Equal(runs[0]["points"]!.GetValue<string>(), run["points"]!.GetValue<string>());
            Assert.Equal(runs[0]["layers"]![0]!["weights"]!.GetValue<string>(), run["layers"]![0]!["weights"]!.GetValue<string>());
            Assert.Equal(runs[0]["trainLoss"]!.GetValue<double>(), run["trainLoss"]!.GetValue<double>());
        }
        Assert.Equal(["sgd", "momentum", "adam"], runs.Select(r => r["settings"]!["optimizer"]!.GetValue<string>()));
        Assert.All(racers, r => Assert.Equal([0.0, 0.0], r!["path"]![0]!.AsArray().Select(v => v!.GetValue<double>())));
    }

    [Fact]
    public async Task StepsRunInSyncAndTheSameRaceTwiceGivesTheSameNumbers()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        async Task<JsonNode> RunRace()
        {
            string id = (await host.Client.PostAsync("/api/races", Race)).Body!["id"]!.GetValue<string>();
            (HttpStatusCode status, JsonNode? frame) = await ApiClient.PostAsync(host.Client, $"/api/races/{id}/step?n=4");
            Assert.Equal(HttpStatusCode.OK, status);
            return frame!;
        }
        JsonNode a = await RunRace(), b = await RunRace();
        Assert.Equal(4, a["epoch"]!.GetValue<int>());
        foreach (JsonNode? racer in a["racers"]!.AsArray())
        {
            Assert.Equal([0, 1, 2, 3, 4], racer!["epochs"]!.AsArray().Select(v => v!.GetValue<int>()));
            Assert.Equal(5, racer["path"]!.AsArray().Count);
        }
        string Numbers(JsonNode frame) => new JsonArray([.. frame["racers"]!.AsArray().Select(r => (JsonNode)new JsonArray(r!["losses"]!.DeepClone(), r["path"]!.DeepClone()))]).ToJsonString();
        Assert.Equal(Numbers(a), Numbers(b));
        Assert.Equal(a["projectionError"]!.GetValue<double>(), b["projectionError"]!.GetValue<double>());
        double[] losses = [.. a["racers"]!.AsArray().Select(r => r!["trainLoss"]!.GetValue<double>())];
        Assert.NotEqual(losses[0], losses[2]); // adam is not sgd
    }

    [Fact]
    public async Task TheRaceLandscapeCoversEveryPath()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.PostAsync("/api/races", Race)).Body!["id"]!.GetValue<string>();
        JsonNode frame = (await ApiClient.PostAsync(host.Client, $"/api/races/{id}/step?n=3")).Body!;
        (HttpStatusCode status, JsonNode? land) = await host.Client.PostAsync($"/api/races/{id}/landscape", new { resolution = 7 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(49, ApiClient.Floats(land!["losses"]).Length);
        double[] alphas = [.. land["alphas"]!.AsArray().Select(v => v!.GetValue<double>())];
        double[] betas = [.. land["betas"]!.AsArray().Select(v => v!.GetValue<double>())];
        foreach (JsonNode? racer in frame["racers"]!.AsArray())
        {
            foreach (JsonNode? p in racer!["path"]!.AsArray())
            {
                Assert.InRange(p![0]!.GetValue<double>(), alphas[0], alphas[^1]);
                Assert.InRange(p[1]!.GetValue<double>(), betas[0], betas[^1]);
            }
        }
    }

    [Theory]
    [InlineData("{\"optimizers\": [\"sgd\"]}", "optimizers must list 2 to 4 optimizers, got 1")]
    [InlineData("{\"optimizers\": [\"sgd\", \"sgd\"]}", "optimizers: 'sgd' is listed twice")]
    [InlineData("{\"optimizers\": [\"sgd\", \"lbfgs\"]}", "optimizers: each must be one of sgd, momentum, adam, rmsprop, got \"lbfgs\"")]
    [InlineData("{\"optimizers\": [\"sgd\", \"adam\"], \"settings\": {\"learningRate\": 50}}", "learningRate must be in [1e-05, 10], got 50")]
    public async Task ABadRaceIsA400WithOneLine(string json, string message)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.PostAsync("/api/races", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownRaceIsA404AndAStepOutOfRangeA400()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await ApiClient.PostAsync(host.Client, "/api/races/race-x/step?n=1");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no race 'race-x'", body!["error"]!.GetValue<string>());
        string id = (await host.Client.PostAsync("/api/races", Race)).Body!["id"]!.GetValue<string>();
        (status, body) = await ApiClient.PostAsync(host.Client, $"/api/races/{id}/step?n=500");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("n must be in [1, 200], got 500", body!["error"]!.GetValue<string>());
    }
}
