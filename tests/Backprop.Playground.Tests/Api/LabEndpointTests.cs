using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class LabEndpointTests
{
    [Fact]
    public async Task TheStepperPresetAnswersTheChaptersNumbersAsCamelCaseJson()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.PostAsJsonAsync("/api/stepper", new { preset = "chapter" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement summary = json.RootElement.GetProperty("summary");
        Assert.Equal(1.3, summary.GetProperty("z").GetDouble(), 12);
        Assert.Equal(13.69, summary.GetProperty("loss").GetDouble(), 12);
        Assert.Equal(-14.8, summary.GetProperty("dLdw")[0].GetDouble(), 12);
        Assert.Equal(-7.4, summary.GetProperty("dLdb").GetDouble(), 12);
        Assert.Equal(9, json.RootElement.GetProperty("nodes").GetArrayLength());
        JsonElement step = json.RootElement.GetProperty("steps")[0];
        Assert.Equal(0, step.GetProperty("node").GetInt32());
        Assert.Equal(1.0, step.GetProperty("upstream").GetDouble());
        Assert.True(step.GetProperty("locals")[0].TryGetProperty("localDerivative", out _));
    }

    [Fact]
    public async Task TheStepperShowsANeuronOfALiveRunAndRefusesAnUnknownRun()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        HttpResponseMessage response = await host.Client.PostAsJsonAsync("/api/stepper", new { runId = id, layer = 0, neuron = 2, point = 5 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("dLdw").GetArrayLength()); // x1, x2 feed layer 0
        Assert.StartsWith("The rest of the network is one node", json.RootElement.GetProperty("note").GetString());
        response = await host.Client.PostAsJsonAsync("/api/stepper", new { runId = "nope", layer = 0, neuron = 0, point = 0 });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheVanishingLabAnswersOneEntryPerLayer()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.PostAsJsonAsync("/api/lab/vanishing", new { depth = 5, width = 8, activation = "tanh", init = "xavier" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(5, json.RootElement.GetProperty("layers").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("layers")[0].GetProperty("gradMean").GetDouble() > 0);
        Assert.Equal(-3, json.RootElement.GetProperty("guide").GetDouble());
    }

    [Theory]
    [InlineData("/api/lab/vanishing", "{\"depth\": 50}", "depth must be in [1, 20], got 50")]
    [InlineData("/api/stepper", "{}", "give either preset (\"chapter\") or runId with layer, neuron and point")]
    [InlineData("/api/stepper", "{\"preset\": \"other\"}", "preset must be one of chapter, got \"other\"")]
    [InlineData("/api/stepper", "{\"preset\": ", "body is not valid JSON")]
    public async Task ABadRequestIsA400WithOneLine(string path, string body, string message)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string error = json.RootElement.GetProperty("error").GetString()!;
        Assert.StartsWith(message, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefusedBeforeItIsRead()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string body = "{\"preset\": \"" + new string('x', 20_000) + "\"}";
        HttpResponseMessage response = await host.Client.PostAsync("/api/lab/vanishing", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("body too large", await response.Content.ReadAsStringAsync());
    }
}
