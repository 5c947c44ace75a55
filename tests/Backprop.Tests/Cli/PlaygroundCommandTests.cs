using System.Net;
using System.Net.Sockets;
using Backprop.Cli.Commands;
using Backprop.Playground;
using Spectre.Console;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop playground</c>: serves the page on the port asked for, and refuses a taken port or a bad host in one line.</summary>
public sealed class PlaygroundCommandTests
{
    [Fact]
    public async Task ItServesThePageAndPrintsTheAddressUntilCancelled()
    {
        int port = FreePort();
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        using var stop = new CancellationTokenSource();
        Task<int> serving = PlaygroundCommand.RunAsync(console, new PlaygroundOptions { Port = port }, open: false, stop.Token);

        // The first answer compiles the server's request path (a Debug build, while the other
        // test hosts and Chromium share the two cores): it once took more than 10 s in CI.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        string page = await Eventually(() => client.GetStringAsync($"http://127.0.0.1:{port}/"));
        Assert.Contains("<title>Backprop playground</title>", page);
        Assert.Contains($"Backprop playground: http://127.0.0.1:{port}/", output.ToString());

        // A page with its frame stream open must not hold up Ctrl+C (the host would wait 30 s for it).
        HttpResponseMessage created = await client.PostAsync($"http://127.0.0.1:{port}/api/runs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        string id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using HttpResponseMessage stream = await client.GetAsync($"http://127.0.0.1:{port}/api/runs/{id}/frames", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        stop.Cancel();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed.TotalSeconds:F1} s with a frame stream open");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"http://127.0.0.1:{port}/"));
    }

    [Fact]
    public void ATakenPortIsOneLineAndExitCode1()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        (int code, _, string error) = Support.Cli.Run("playground", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(CommandLine.Failed, code);
        Assert.Equal($"backprop: --port {port}: the port is taken by another program; choose another with --port", error.TrimEnd());
    }

    [Theory]
    [InlineData("--host nonsense", "--host: 'nonsense' is not an IP address")]
    [InlineData("--port 0", "--port must be from 1")]
    [InlineData("--port 70000", "--port must be from 1 to 65535")]
    public void BadOptionsAreOneUsageLine(string options, string expected)
    {
        (int code, _, string error) = Support.Cli.Run(["playground", .. options.Split(' ')]);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The server starts in the background: retry until it answers (10 s at most).</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> attempt)
    {
        for (int i = 0; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (HttpRequestException) when (i < 100)
            {
                await Task.Delay(100);
            }
        }
    }
}
