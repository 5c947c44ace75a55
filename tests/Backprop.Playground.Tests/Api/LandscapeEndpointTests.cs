using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Backprop.Playground.Lab;
using Backprop.Playground.Runs;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class LandscapeEndpointTests
{
    [Fact]
    public async Task TheCentreOfTheGridIsTheRunsCurrentTrainingLossAndTheRunIsUnchanged()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync(new { seed = 4 }))["id"]!.GetValue<string>();
        JsonNode trained = await host.Client.RunCommandAsync(id, "step?n=5");
        (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync($"/api/runs/{id}/landscape", new { resolution = 9, directions = "trajectory" });
        Assert.Equal(HttpStatusCode.OK, status);
        float[] grid = ApiClient.Floats(body!["losses"]);
        Assert.Equal(81, grid.Length);
        double centre = body["centerLoss"]!.GetValue<double>();
        Assert.Equal((float)centre, grid[(4 * 9) + 4]);
        // The snapshot rounds to 4 significant digits; the landscape's centre is the unrounded number.
        Assert.Equal(trained["trainLoss"]!.GetValue<double>(), double.Parse(centre.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        Assert.Equal(6, body["path"]!.AsArray().Count); // the initial weights and 5 epochs
        Assert.True(body["projectionError"]!.GetValue<double>() < 1, "the trajectory plane holds part of the path");
        JsonNode after = (await host.Client.GetJsonAsync($"/api/runs/{id}")).Body!;
        Assert.Equal(ApiClient.WithoutId(trained), ApiClient.WithoutId(after)); // weights, losses, heatmaps: all as before
    }

    [Fact]
    public void InProcessTheCentreEqualsTheRunsLossExactlyAndTheEndsOfTheTrajectoryLieInItsPlane()
    {
        using var run = new PlaygroundRun("t", new RunSettings { Seed = 7, Hidden = [3] });
        run.Step(4);
        double before = run.Inspect(r => r.TrainLoss());
        LandscapeReport report = run.Inspect(r => LossLandscape.Compute(r.Layers, r.TrainLoss, r.Trajectory, new LandscapeSetup(5, 0, "trajectory", 1)));
        Assert.Equal(before, report.CenterLoss);
        Assert.Equal(before, run.Inspect(r => r.TrainLoss()));
        Assert.Equal(before, report.PathLosses[^1]);
        double[] last = report.Path[^1];
        Assert.True(Math.Abs(last[0]) < 1e-9 && Math.Abs(last[1]) < 1e-9, "the last point is the centre");
        // first, middle and last span the plane: each projects back to itself
        double[][] points = run.Inspect(r => r.Trajectory.Points.Select(p => p.Point).ToArray());
        LandscapePlane plane = run.Inspect(r => LandscapePlane.Trajectory(points[^1], points[0], points[points.Length / 2], points[^1], new Backprop.Random.NumpyRandom(1)));
        Assert.True(plane.Project(points[0]).Residual < 1e-9);
        Assert.True(plane.Project(points[points.Length / 2]).Residual < 1e-9);
    }

    [Theory]
    [InlineData("{\"resolution\": 43}", HttpStatusCode.BadRequest, "resolution must be in [5, 41], got 43")]
    [InlineData("{\"directions\": \"trajectory\"}", HttpStatusCode.BadRequest, "directions: the trajectory plane needs a run that has trained")]
    [InlineData("{\"colour\": 1}", HttpStatusCode.BadRequest, "unknown key 'colour'")]
    public async Task BadLandscapeRequestsAreOneLine(string json, HttpStatusCode expected, string message)
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string id = (await host.Client.CreateRunAsync())["id"]!.GetValue<string>();
        HttpResponseMessage response = await host.Client.PostAsync($"/api/runs/{id}/landscape", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(expected, response.StatusCode);
        Assert.StartsWith(message, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownRunIsA404()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await host.Client.PostAsync("/api/runs/nope/landscape", new { });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no run 'nope'", body!["error"]!.GetValue<string>());
    }
}
