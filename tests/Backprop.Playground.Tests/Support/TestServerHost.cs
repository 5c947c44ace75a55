using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Backprop.Playground.Tests.Support;

/// <summary>The playground on ASP.NET Core's in-memory test server, with a client that talks to it.</summary>
public sealed class TestServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServerHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    /// <summary>A client whose requests go straight to the in-memory server.</summary>
    public HttpClient Client { get; }

    /// <summary>The server's services (the run registry, the options).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts the playground on the test server.</summary>
    /// <param name="options">Server options (the port is ignored by the test server).</param>
    public static async Task<TestServerHost> StartAsync(PlaygroundOptions? options = null)
    {
        WebApplication app = PlaygroundServer.Build(options ?? new PlaygroundOptions(), builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return new TestServerHost(app);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
