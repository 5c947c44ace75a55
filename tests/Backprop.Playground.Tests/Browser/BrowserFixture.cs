using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Backprop.Playground.Tests.Browser;

/// <summary>
/// The real playground (Kestrel on 127.0.0.1, a free port) and one headless Debian chromium driven
/// by Debian's chromedriver, shared by every browser test: starting them once keeps the suite fast.
/// Nothing is downloaded: the driver and the browser are named by path, so Selenium Manager stays idle.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverDirectory = "/usr/bin";
    public const string DriverName = "chromedriver";

    private WebApplication? _app;
    private string? _profile;

    public ChromeDriver Driver { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Where the screenshots go (the test output folder).</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(Path.Combine(DriverDirectory, DriverName)))
        {
            throw new InvalidOperationException(
                $"browser tests need {ChromiumPath} and {DriverDirectory}/{DriverName}: apt-get install chromium chromium-driver (.ci/run does)");
        }

        // Every test shares this server: each page load makes a run and each lab race three more,
        // and runs go only when idle for 10 minutes, so the suite would meet the 16-run cap (429).
        // Warmed up as `backprop playground` is, so the page's first-frame time is what a user sees.
        _app = PlaygroundServer.Build(new PlaygroundOptions { Host = "127.0.0.1", Port = 0, MaxRuns = 100, WarmUp = true });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.TrimEnd('/');

        _profile = Directory.CreateTempSubdirectory("playground-chromium-").FullName;
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(DriverDirectory, DriverName);
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=1500,1400", $"--user-data-dir={_profile}");
        // Console messages (errors included) come back through the driver's log endpoint.
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        try { Driver?.Quit(); } catch (WebDriverException) { /* the browser is gone already */ }
        Driver?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_profile is not null)
        {
            try { Directory.Delete(_profile, recursive: true); } catch (IOException) { /* chromium may still hold a lock file */ }
        }
    }

    /// <summary>Opens the page (with a URL hash of settings) and waits until its first run is drawn.</summary>
    public void Open(string hash = "")
    {
        // A fresh document each time: navigating to the same URL with another hash would not reload.
        Driver.Navigate().GoToUrl("about:blank");
        Driver.Navigate().GoToUrl($"{BaseUrl}/{hash}");
        WaitFor(() => Script("return document.body.classList.contains('ready') && !!window.__frame") is true,
            TimeSpan.FromSeconds(20), "the page drew its first frame");
    }

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    public void Click(string cssSelector) => Driver.FindElement(By.CssSelector(cssSelector)).Click();

    /// <summary>Polls until the condition holds; fails with what was awaited and the page's errors.</summary>
    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return;
            Thread.Sleep(50);
        }
        object? page = Script("return JSON.stringify({ message: document.getElementById('messageText')?.textContent, " +
            "frame: window.__frame && { id: __frame.id, version: __frame.version, epoch: __frame.epoch, status: __frame.status, testLoss: __frame.testLoss }, stats: window.__frameStats, requests: window.__requests })");
        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for: {what}; page: {page}; page errors: {string.Join(" | ", PageErrors())}");
    }

    /// <summary>Everything that went wrong in the page: window.__errors and console errors (SEVERE).</summary>
    public IReadOnlyList<string> PageErrors()
    {
        var errors = new List<string>();
        if (Script("return window.__errors || []") is IEnumerable<object> hooked) errors.AddRange(hooked.Select(e => $"page: {e}"));
        errors.AddRange(Driver.Manage().Logs.GetLog(LogType.Browser)
            .Where(e => e.Level >= LogLevel.Severe)
            .Select(e => $"console: {e.Message}"));
        return errors;
    }

    /// <summary>Fails if the page reported any error since the last call (the browser log is drained by each read).</summary>
    public void AssertNoPageErrors()
    {
        IReadOnlyList<string> errors = PageErrors();
        Script("window.__errors && (window.__errors.length = 0)");
        Assert.True(errors.Count == 0, "page errors:\n" + string.Join("\n", errors));
    }

    public string Screenshot(string name)
    {
        string path = Path.Combine(ScreenshotDirectory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
