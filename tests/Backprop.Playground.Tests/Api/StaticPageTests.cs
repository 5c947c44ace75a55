using System.Net;
using Backprop.Playground.Tests.Support;

namespace Backprop.Playground.Tests.Api;

public sealed class StaticPageTests
{
    [Fact]
    public async Task TheRootServesThePageFromTheAssemblyWithAPolicyThatForbidsRemoteScripts()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Backprop playground</title>", await response.Content.ReadAsStringAsync());
        string policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("http", policy);
    }

    [Fact]
    public async Task AFileThatIsNotThereIsA404()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.GetAsync("/nothing-here.js");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
