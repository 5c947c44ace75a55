using System.Net;
using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.NN;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class ExportTests
{
    [Fact]
    public async Task TheModelDownloadIsALibraryModelFileWithTheRunsWeightsAndFeatures()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync(new { dataset = "moons", features = new[] { "x1", "x2", "x1sq" }, hidden = new[] { 5 } }))["id"]!.GetValue<string>();
        JsonNode run = await host.Client.RunCommandAsync(id, "step?n=3");
        HttpResponseMessage response = await host.Client.GetAsync($"/api/runs/{id}/model.safetensors");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        (Mlp model, IReadOnlyDictionary<string, string> metadata) = ModelFile.Read(new MemoryStream(bytes), bytes.Length, "download");
        Assert.Equal([3, 5, 1], model.Sizes);
        Assert.Equal(ActivationKind.Tanh, model.Activation);
        Assert.Equal(["x1", "x2", "x1sq"], ModelFile.FeaturesOf(metadata));
        Assert.Equal("tanh", metadata["output"]);
        Assert.Equal("playground:moons", metadata["data"]);
        Assert.Equal("0.5", metadata["test_fraction"]);
        Linear[] layers = [.. model.Layers.OfType<Linear>()];
        for (int i = 0; i < layers.Length; i++)
        {
            Assert.Equal(ApiClient.Floats(run["layers"]![i]!["weights"]), layers[i].Weight.ToFloatArray());
            Assert.Equal(ApiClient.Floats(run["layers"]![i]!["biases"]), layers[i].Bias!.ToFloatArray());
        }
    }

    [Fact]
    public async Task ConfigJsonIsTheSettingsAndCreatesTheSameRun()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        JsonNode run = await host.Client.CreateRunAsync(new { dataset = "gauss", classes = 3, loss = "crossentropy", seed = 9, optimizer = "adam" });
        string config = await host.Client.GetStringAsync($"/api/runs/{run["id"]}/config.json");
        Assert.Equal(run["settings"]!.ToJsonString(), JsonNode.Parse(config)!.ToJsonString());
        HttpResponseMessage again = await host.Client.PostAsync("/api/runs", new StringContent(config, System.Text.Encoding.UTF8, "application/json"));
        JsonNode copy = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.Equal(ApiClient.WithoutId(run).Replace("\"version\":1", ""), ApiClient.WithoutId(copy).Replace("\"version\":1", ""));
        Assert.Equal(3, run["layers"]!.AsArray()[^1]!["outputs"]!.GetValue<int>());
        Assert.Equal(2500, ApiClient.Bytes(run["heatmaps"]!["outputClass"]).Length);
    }

    [Fact]
    public async Task CodeCsIsAProgramThatUsesTheLibrary()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync(new { regularization = "l2", regularizationRate = 0.001 }))["id"]!.GetValue<string>();
        await host.Client.RunCommandAsync(id, "step?n=7");
        string code = await host.Client.GetStringAsync($"/api/runs/{id}/code.cs");
        Assert.Contains("const int Epochs = 7;", code);
        Assert.Contains("new Mlp([features.Length, 4, 2, 1], ActivationKind.Tanh, random);", code);
        Assert.Contains("new Trainer(task, Epochs)", code);
        Assert.Contains("* 0.001; // L2 on the weights", code);
    }
}
