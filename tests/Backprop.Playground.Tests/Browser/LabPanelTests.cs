using System.Globalization;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Backprop.Playground.Tests.Browser;

/// <summary>
/// The lab's panels in a real browser against the real server: the chain-rule stepper walks the
/// chapter's neuron to its four numbers, the vanishing lab shows the chapter's twelve sigmoid
/// layers, the landscape slices the page's run, and a race runs three optimizers. Every test
/// fails on any page error.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LabPanelTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Circle = "#dataset=circle&features=x1,x2,x1sq,x2sq&hidden=4,2&learningRate=0.03&seed=1";

    private string Text(string testId) => (string)browser.Script($"return document.querySelector('[data-testid=\"{testId}\"]')?.textContent ?? ''")!;

    /// <summary>A screenshot of the lab's panel alone (docs/images takes these).</summary>
    private string Shot(string name)
    {
        browser.Script("document.getElementById('lab').scrollIntoView()");
        string path = Path.Combine(browser.ScreenshotDirectory, name + ".png");
        ((ITakesScreenshot)browser.Driver.FindElement(By.CssSelector(".panel.lab"))).GetScreenshot().SaveAsFile(path);
        return path;
    }

    private void Tab(string panel)
    {
        browser.Script("document.getElementById('lab').scrollIntoView()");
        browser.Click($"[data-testid=lab-tab-{panel}]");
    }

    [Fact]
    public void TheStepperWalksTheChaptersNeuronToItsFourNumbers()
    {
        browser.Open(Circle);
        Tab("stepper");
        browser.Click("[data-testid=stepper-chapter]");
        browser.WaitFor(() => Text("summary-z") == "1.300", TimeSpan.FromSeconds(10), "the chapter's graph");
        Assert.Equal("?", Text("summary-dw")); // not yet: the backward pass has not run
        for (int i = 0; i < 5; i++) browser.Click("[data-testid=stepper-step]");
        Assert.Equal("step 5 / 9", Text("stepper-position"));
        Assert.Contains("×", Text("stepper-explain"));
        browser.Click("[data-testid=stepper-all]");
        Assert.Equal("1.300", Text("summary-z"));
        Assert.Equal("13.690", Text("summary-loss"));
        Assert.Equal("-14.8", Text("summary-dw"));
        Assert.Equal("-7.4", Text("summary-db"));
        Assert.Equal("-14.8", Text("grad-w"));
        Assert.Contains("✓", Text("stepper-fd"));
        output.WriteLine(Shot("lab-stepper"));
        browser.AssertNoPageErrors();
    }

    [Fact]
    public void AClickedNeuronOfTheRunShowsItsGraphWithTheRestOfTheNetworkAsOneNode()
    {
        browser.Open(Circle);
        browser.Click("#step");
        browser.Click(".neuron[data-layer=\"0\"][data-neuron=\"1\"]");
        Tab("stepper");
        browser.Click("[data-testid=stepper-neuron]");
        browser.WaitFor(() => Text("summary-z").Length > 0, TimeSpan.FromSeconds(10), "the neuron's graph");
        Assert.StartsWith("The rest of the network is one node", (string)browser.Script("return document.querySelector('.lab-panel-stepper p.hint:not(:empty)')?.textContent ?? ''")!);
        Assert.Equal(4L, browser.Script("return [...document.querySelectorAll('[data-testid^=grad-w]')].filter(e => /^grad-w\\d+$/.test(e.dataset.testid)).length")); // four features feed layer 0
        browser.Click("[data-testid=stepper-all]");
        Assert.DoesNotContain("✗", Text("stepper-fd"));
        browser.AssertNoPageErrors();
    }

    [Fact]
    public void TheVanishingLabShowsTheChaptersTwelveSigmoidLayersVanishing()
    {
        browser.Open(Circle);
        Tab("vanishing");
        browser.Click("[data-testid=vanishing-chapter]");
        browser.WaitFor(() => Text("vanishing-ratio").Length > 0, TimeSpan.FromSeconds(20), "the vanishing lab's numbers");
        double ratio = double.Parse(Text("vanishing-ratio"), CultureInfo.InvariantCulture);
        Assert.True(ratio < 1e-3, $"first/last {ratio}");
        Assert.Equal(12L, browser.Script("return document.querySelectorAll('[data-testid=vanishing-grad]').length"));
        output.WriteLine(Shot("lab-vanishing"));
        browser.AssertNoPageErrors();
    }

    [Fact]
    public void TheLandscapeSlicesTheRunAndARaceRunsThreeOptimizers()
    {
        browser.Open(Circle);
        for (int i = 0; i < 5; i++) browser.Click("#step");
        browser.WaitFor(() => Convert.ToInt64(browser.Script("return window.__frame.epoch"), CultureInfo.InvariantCulture) >= 5, TimeSpan.FromSeconds(20), "five epochs");
        Tab("landscape");
        browser.Click("[data-testid=landscape-compute]");
        browser.WaitFor(() => Text("landscape-center").Length > 0, TimeSpan.FromSeconds(30), "the landscape");
        double error = double.Parse(Text("landscape-error"), CultureInfo.InvariantCulture);
        Assert.InRange(error, 0, 1);
        output.WriteLine(Shot("lab-landscape"));

        Tab("race");
        browser.Click("[data-testid=race-start]");
        browser.WaitFor(() => Text("race-loss-adam").Length > 0, TimeSpan.FromSeconds(20), "the race to start");
        browser.Click("[data-testid=race-step]");
        browser.WaitFor(() => Text("race-status").StartsWith("Epoch 10", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "ten epochs of the race");
        browser.Click("[data-testid=race-landscape]");
        Thread.Sleep(1500);
        Assert.True((bool)browser.Script("return !!document.querySelector('[data-testid=race-chart] canvas, [data-testid=race-chart] .u-wrap')")!, "the loss curves are drawn");
        output.WriteLine(Shot("lab-race"));
        browser.AssertNoPageErrors();
    }
}
