using System.Net;
using System.Text.Json.Nodes;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("{\"learningRate\": 50}", "learningRate must be in [1e-05, 10], got 50")]
    [InlineData("{\"hidden\": [4, 17]}", "hidden[1] must be in [1, 16], got 17")]
    [InlineData("{\"hidden\": [1,1,1,1,1,1,1,1,1]}", "hidden must have at most 8 layers, got 9")]
    [InlineData("{\"points\": 100000}", "points must be in [50, 2000], got 100000")]
    [InlineData("{\"features\": []}", "features must name at least one input feature, got none")]
    [InlineData("{\"activation\": \"swish\"}", "activation must be one of relu, tanh, sigmoid, linear, leakyrelu, got 'swish'")]
    [InlineData("{\"colour\": 1}", "unknown setting 'colour'")]
    [InlineData("{\"classes\": 3, \"dataset\": \"spiral\"}", "classes 3 needs loss crossentropy (square loss tells two classes apart)")]
    [InlineData("{\"clipNorm\": 0.001}", "clipNorm must be 0 (off) or in [0.01, 1000], got 0.001")]
    [InlineData("{\"seed\": -1}", "seed must be in [0, 4294967295], got -1")]
    [InlineData("[1]", "settings must be a JSON object, got an array")]
    [InlineData("{", "body is not valid JSON")]
    public async Task BadSettingsAreA400WithOneLineNamingTheField(string body, string error)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.PostAsync("/api/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();
        Assert.StartsWith(error, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public async Task AnUnknownRunIsA404ForEveryEndpoint()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        foreach (string path in new[] { "step?n=1", "play", "pause", "reset", "regenerate", "settings" })
        {
            (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync($"/api/runs/nope/{path}", new { });
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("no run 'nope'", body!["error"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetJsonAsync("/api/runs/nope")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/runs/nope/frames")).StatusCode);
    }

    [Fact]
    public async Task StepCountsOutsideOneToAThousandAreRefused()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        foreach ((string n, string error) in new[] { ("0", "n must be in [1, 1000], got 0"), ("1001", "n must be in [1, 1000], got 1001"), ("x", "n must be an integer in [1, 1000], got 'x'") })
        {
            (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync($"/api/runs/{id}/step?n={n}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(error, body!["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task TheSeventeenthRunIsA429AndIdleRunsAreDropped()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(new PlaygroundOptions { MaxRuns = 3, IdleTimeout = TimeSpan.FromSeconds(30) });
        var ids = new List<string>();
        for (int i = 0; i < 3; i++) ids.Add((await host.Client.CreateRunAsync(new { points = 50 }))["id"]!.GetValue<string>());
        (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync("/api/runs", new { });
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.StartsWith("too many runs: 3 are live (at most 3)", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task IdleRunsAreDroppedAfterTheTimeout()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(new PlaygroundOptions { MaxRuns = 1, IdleTimeout = TimeSpan.FromMilliseconds(200) });
        string id = (await host.Client.CreateRunAsync(new { points = 50 }))["id"]!.GetValue<string>();
        await Task.Delay(700);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetJsonAsync($"/api/runs/{id}")).Status);
        await host.Client.CreateRunAsync(new { points = 50 }); // the slot is free again
    }

    [Fact]
    public async Task EditsOutOfRangeAreRefused()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync($"/api/runs/{id}/weight", new { layer = 0, to = 4, from = 0, value = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("to must be in [0, 3], got 4", body!["error"]!.GetValue<string>());
        (status, body) = await host.Client.PostAsync($"/api/runs/{id}/bias", new { layer = 3, neuron = 0, value = 1 });
        Assert.Equal("layer must be in [0, 2], got 3", body!["error"]!.GetValue<string>());
        (status, body) = await host.Client.PostAsync($"/api/runs/{id}/weight", new { layer = 0, to = 0, from = 0 });
        Assert.Equal("value must be a number", body!["error"]!.GetValue<string>());
    }
}
