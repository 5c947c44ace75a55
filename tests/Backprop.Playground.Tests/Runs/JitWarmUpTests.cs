using System.Text.Json;
using Backprop.Playground.Runs;
using Backprop.Playground.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backprop.Playground.Tests.Runs;

/// <summary>The background warm-up that `backprop playground` runs at start (so the first frame comes fast).</summary>
public sealed class JitWarmUpTests
{
    [Fact]
    public void TrainsEverySettingForItsEpochsAndStopsWhenCancelled()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Assert.Equal(2 * 12, JitWarmUp.Run(json, CancellationToken.None));
        Assert.Equal(0, JitWarmUp.Run(json, new CancellationToken(canceled: true)));
        // The performance network is one of them: 7 features, 6 layers of 8.
        Assert.Contains(JitWarmUp.Settings, s => s.Features.Count == 7 && s.Hidden.SequenceEqual([8, 8, 8, 8, 8, 8]));
    }

    [Fact]
    public async Task AWarmedServerShowsNoRunOfItsOwnAndServesAsUsual()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(new PlaygroundOptions { WarmUp = true, MaxRuns = 1 });
        RunRegistry registry = host.Services.GetRequiredService<RunRegistry>();
        // The warm-up's runs never enter the registry: a server limited to one run still takes one.
        HttpResponseMessage created = await host.Client.PostAsync("/api/runs", JsonContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, registry.Count);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
