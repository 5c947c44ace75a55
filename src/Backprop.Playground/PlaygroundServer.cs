using Backprop.Playground.Api;
using System.Text.Encodings.Web;
using System.Text.Json;
using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backprop.Playground;

/// <summary>
/// The playground's web server: the page (served from the assembly, so it works offline and from
/// any install), the run API and the frame stream. The training itself runs in C# on this
/// library's engine; the browser only draws.
/// </summary>
public static class PlaygroundServer
{
    /// <summary>Builds the server, ready to <c>RunAsync</c> (or to start in a test).</summary>
    /// <param name="options">Where to listen.</param>
    /// <param name="configure">A last say over the builder (tests swap in the test server).</param>
    public static WebApplication Build(PlaygroundOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(PlaygroundServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{HostForUrl(options.Host)}:{options.Port}");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<RunRegistry>();
        // base64 is full of '+', which the default encoder writes as \u002B (6 bytes for 1): the
        // relaxed encoder keeps frames about 8 % smaller. Only JSON and event streams use it, never HTML.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        app.UseMiddleware<SecurityHeaders>();
        var files = new ManifestEmbeddedFileProvider(typeof(PlaygroundServer).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapGet("/api/health", () => TypedResults.Ok(new { status = "ok" }));
        app.MapRunEndpoints();
        app.MapLabEndpoints();
        if (options.WarmUp) StartWarmUp(app);
        return app;
    }

    /// <summary>Starts <see cref="JitWarmUp"/> on the pool once the server listens; it stops when the server does.</summary>
    private static void StartWarmUp(WebApplication app)
    {
        JsonSerializerOptions json = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        CancellationToken stopping = app.Lifetime.ApplicationStopping;
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => JitWarmUp.Run(json, stopping), stopping));
    }

    private static string HostForUrl(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
}
