using System.Net;
using System.Text.Json.Nodes;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class EditAndPointsTests
{
    private static byte Quantise(double v) => (byte)Math.Round((Math.Clamp(v, -1, 1) + 1) / 2 * 255, MidpointRounding.AwayFromZero);

    [Fact]
    public async Task AWeightEditChangesTheOutputAsTheFormulaSays()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        // No hidden layer: output = tanh(w0·x1 + w1·x2 + b), so every cell of the decision map is known in closed form.
        string id = (await host.Client.CreateRunAsync(new { hidden = Array.Empty<int>() }))["id"]!.GetValue<string>();
        await host.Client.RunCommandAsync(id, "weight", new { layer = 0, to = 0, from = 0, value = 0.1 });
        await host.Client.RunCommandAsync(id, "weight", new { layer = 0, to = 0, from = 1, value = -0.05 });
        JsonNode run = await host.Client.RunCommandAsync(id, "bias", new { layer = 0, neuron = 0, value = 0.2 });
        Assert.Equal([0.1f, -0.05f], ApiClient.Floats(run["layers"]![0]!["weights"]));
        Assert.Equal([0.2f], ApiClient.Floats(run["layers"]![0]!["biases"]));

        byte[] output = ApiClient.Bytes(run["heatmaps"]!["output"]);
        double Out(double x1, double x2) => Math.Tanh(0.1 * x1 - 0.05 * x2 + 0.2);
        Assert.Equal(Quantise(Out(-6, 6)), output[0]);         // top left
        Assert.Equal(Quantise(Out(6, 6)), output[49]);         // top right
        Assert.Equal(Quantise(Out(-6, -6)), output[49 * 50]);  // bottom left
        Assert.Equal(Quantise(Out(6, -6)), output[2499]);      // bottom right

        // The losses are evaluated again for the edited weights: mean ½(out − target)² over the training points.
        float[] points = ApiClient.Floats(run["points"]);
        int train = run["trainCount"]!.GetValue<int>();
        double loss = Enumerable.Range(0, train).Average(i =>
        {
            double t = points[3 * i + 2] == 1 ? 1 : -1;
            double o = Math.Tanh(0.1f * points[3 * i] + -0.05f * points[3 * i + 1] + 0.2f);
            return 0.5 * (o - t) * (o - t);
        });
        Assert.Equal(loss, run["trainLoss"]!.GetValue<double>(), loss * 1e-3);
    }

    [Fact]
    public async Task PointsCsvRoundTripsExactly()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        JsonNode source = await host.Client.CreateRunAsync(new { dataset = "xor", noise = 20, points = 60 });
        string csv = await host.Client.GetStringAsync($"/api/runs/{source["id"]}/points.csv");
        string[] lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("x1,x2,label", lines[0]);
        Assert.Equal(61, lines.Length);

        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        HttpResponseMessage posted = await host.Client.PostAsync($"/api/runs/{id}/points.csv", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        JsonNode custom = JsonNode.Parse(await posted.Content.ReadAsStringAsync())!;
        Assert.Equal("custom", custom["settings"]!["dataset"]!.GetValue<string>());
        Assert.Equal(ApiClient.Floats(source["points"]), ApiClient.Floats(custom["points"]));
        Assert.Equal(30, custom["trainCount"]!.GetValue<int>());
        Assert.Equal(csv, await host.Client.GetStringAsync($"/api/runs/{id}/points.csv"));

        // A custom run trains and resets on its own points; regenerating them is refused.
        JsonNode reset = await host.Client.RunCommandAsync(id, "reset");
        Assert.Equal(ApiClient.Floats(source["points"]), ApiClient.Floats(reset["points"]));
        (HttpStatusCode status, JsonNode? error) = await host.Client.PostAsync($"/api/runs/{id}/regenerate");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("dataset custom cannot be regenerated", error!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DrawnPointsTakeTfsMinusOneAsClassZeroAndBadOnesAreRefused()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        JsonNode run = await host.Client.RunCommandAsync(id, "points", new { points = new[] { new[] { 1.0, 2, 1 }, new[] { -1.0, -2, -1 }, new[] { 3.0, 3, 1 }, new[] { -3.0, -3, 0 } } });
        Assert.Equal([1f, 2, 1, -1, -2, 0, 3, 3, 1, -3, -3, 0], ApiClient.Floats(run["points"]));
        Assert.Equal(2, run["trainCount"]!.GetValue<int>());
        JsonNode stepped = await host.Client.RunCommandAsync(id, "step?n=2");
        Assert.Equal(2, stepped["epoch"]!.GetValue<int>());

        (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync($"/api/runs/{id}/points", new { points = new[] { new[] { 1.0, 2, 7 }, new[] { 0.0, 0, 0 } } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("points[0]: label must be a class 0 .. 1 (or -1 for class 0 of two), got 7", body!["error"]!.GetValue<string>());
        (status, body) = await host.Client.PostAsync($"/api/runs/{id}/points", new { points = Enumerable.Repeat(new[] { 0.0, 0, 0 }, 2001) });
        Assert.Equal("points must hold at most 2000 points, got 2001", body!["error"]!.GetValue<string>());
        HttpResponseMessage csv = await host.Client.PostAsync($"/api/runs/{id}/points.csv", new StringContent("x1,x2,label\n1,2\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal("points.csv line 2: expected x1,x2,label (three numbers), got '1,2'", JsonNode.Parse(await csv.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheNaNGuardStopsTheRunAndNamesTheLayerAndTheOp()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        // A regression at learning rate 10: the output grows until squaring it in the loss overflows.
        string id = (await host.Client.CreateRunAsync(new { dataset = "plane", hidden = new[] { 8 }, learningRate = 10 }))["id"]!.GetValue<string>();
        JsonNode run = await host.Client.RunCommandAsync(id, "step?n=20");
        Assert.Equal("diverged", run["status"]!.GetValue<string>());
        string message = run["message"]!.GetValue<string>();
        Assert.Matches(@"^infinity in the loss \((mseloss|mul) forward\) of layer 2's output \(up to [0-9.]+e\+(19|[2-9]\d)\) at epoch 1, step 14; try a lower learning rate or gradient clipping$", message);
        Assert.Equal(0, run["epoch"]!.GetValue<int>());
        // Play leaves a diverged run alone; a reset brings it back.
        Assert.Equal("diverged", (await host.Client.RunCommandAsync(id, "play"))["status"]!.GetValue<string>());
        JsonNode reset = await host.Client.RunCommandAsync(id, "reset");
        Assert.Equal("paused", reset["status"]!.GetValue<string>());
        Assert.Null(reset["message"]);
    }

    [Fact]
    public async Task ANaNInsideAHiddenLayerIsNamedByThatLayerAndItsOp()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        // Three linear layers at learning rate 10 (the browser test's settings): the weights blow
        // up within a few steps, and the first NaN appears inside the network, not in the loss.
        string id = (await host.Client.CreateRunAsync(new { dataset = "plane", activation = "linear", hidden = new[] { 8, 8, 8 }, learningRate = 10, seed = 1 }))["id"]!.GetValue<string>();
        JsonNode run = await host.Client.RunCommandAsync(id, "step?n=5");
        Assert.Equal("diverged", run["status"]!.GetValue<string>());
        string message = run["message"]!.GetValue<string>();
        Assert.Matches(@"^(NaN|infinity) in layer [1-3] \([a-z]+ (forward|backward)\) at epoch 1, step \d+; try a lower learning rate or gradient clipping$", message);
    }
}
