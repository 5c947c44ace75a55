using System.Text.Json;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Playground.Lab;
using Backprop.Random;

namespace Backprop.Playground.Tests.Lab;

public sealed class VanishingLabTests
{
    [Fact]
    public void TheChapterPresetIsTwelveSigmoidLayersAndTheFirstGetsOrdersOfMagnitudeLessGradientThanTheLast()
    {
        VanishingReport report = VanishingLab.Measure(VanishingSetup.Chapter);
        Assert.Equal(12, report.Layers.Count);
        Assert.Equal("vanishing", report.Verdict);
        Assert.True(report.FirstToLast < 1e-3, $"first/last {report.FirstToLast}");
        Assert.Equal(report.Layers[0].GradMean / report.Layers[^1].GradMean, report.FirstToLast!.Value, 12);
        Assert.All(report.Layers.Take(11), l => Assert.Equal("saturated", l.SaturationKind));
        Assert.Null(report.Layers[^1].Saturation);
        Assert.Equal(-3, report.Guide);
    }

    [Fact]
    public void TheNumbersAreTheLibrarysGradientFlowOnTheSameNetwork()
    {
        // The same net built by hand, as backprop gradflow builds it: batch, labels, then Mlp weights.
        VanishingSetup setup = VanishingSetup.Chapter;
        var random = new NumpyRandom(setup.Seed);
        Tensor x = Tensor.Randn(random, setup.Batch, setup.Width);
        var labels = new long[setup.Batch];
        for (int i = 0; i < setup.Batch; i++) labels[i] = random.NextInterval(VanishingLab.Classes - 1);
        var model = new Mlp([.. Enumerable.Repeat(setup.Width, setup.Depth), VanishingLab.Classes], ActivationKind.Sigmoid, random);
        using GradientFlowRecorder recorder = GradientFlow.Attach(model);
        Tensor loss = Losses.CrossEntropy(model.Forward(x), Tensor.FromArray(labels));
        loss.Backward();
        GradientFlowStep expected = recorder.RecordGradients(0);

        VanishingReport report = VanishingLab.Measure(setup);
        Assert.Equal(loss.Item(), report.Loss);
        for (int i = 0; i < expected.Layers.Count; i++)
        {
            Assert.Equal(expected.Layers[i].Name, report.Layers[i].Name);
            Assert.Equal(expected.Layers[i].MeanAbsGrad, report.Layers[i].GradMean);
            Assert.Equal(expected.Layers[i].MaxAbsGrad, report.Layers[i].GradMax);
            Assert.Equal(expected.Layers[i].SaturatedShare, report.Layers[i].Saturation);
        }
        Assert.Equal(recorder.Diagnose().FirstToLastRatio, report.FirstToLast);
    }

    [Fact]
    public void TheUpdateRatioIsLog10OfLearningRateTimesGradNormOverWeightNorm()
    {
        VanishingReport report = VanishingLab.Measure(VanishingSetup.Chapter with { Depth = 3 });
        // Plain SGD: ‖ΔW‖ = lr‖g‖, so the last layer (the largest gradient) moves the most.
        Assert.All(report.Layers, l => Assert.InRange(l.UpdateRatioLog10!.Value, -12, 0));
        Assert.True(report.Layers[^1].UpdateRatioLog10 > report.Layers[0].UpdateRatioLog10);
    }

    [Fact]
    public void HeInitialisedReluIsHealthyAndReportsDeadUnits()
    {
        VanishingReport report = VanishingLab.Measure(VanishingSetup.Chapter with { Activation = "relu", Init = "he" });
        Assert.Equal("healthy", report.Verdict);
        Assert.All(report.Layers.Take(11), l => Assert.Equal("dead", l.SaturationKind));
        Assert.InRange(report.FirstToLast!.Value, 0.01, 100);
    }

    [Fact]
    public void SmallSigmoidWeightsVanishAndLinearLayersHaveNoSaturation()
    {
        Assert.True(VanishingLab.Measure(VanishingSetup.Chapter with { Init = "small", Depth = 6 }).FirstToLast < 1e-6);
        VanishingReport linear = VanishingLab.Measure(VanishingSetup.Chapter with { Activation = "linear", Depth = 4 });
        Assert.All(linear.Layers, l => Assert.Null(l.Saturation));
        Assert.Equal(4, linear.Layers.Count);
    }

    [Fact]
    public void TheSameSetupGivesTheSameNumbers()
    {
        VanishingSetup setup = VanishingSetup.Chapter with { Init = "tf", Activation = "tanh", Seed = 7 };
        Assert.Equal(JsonSerializer.Serialize(VanishingLab.Measure(setup)), JsonSerializer.Serialize(VanishingLab.Measure(setup)));
    }

    [Theory]
    [InlineData("{\"depth\": 21}", "depth must be in [1, 20], got 21")]
    [InlineData("{\"width\": 0}", "width must be in [1, 64], got 0")]
    [InlineData("{\"depth\": 2.5}", "depth must be an integer, got 2.5")]
    [InlineData("{\"activation\": \"gelu\"}", "activation must be one of sigmoid, tanh, relu, leakyrelu, linear, got \"gelu\"")]
    [InlineData("{\"init\": 3}", "init must be one of default, tf, normal, small, xavier, he, got 3")]
    [InlineData("{\"learningRate\": 50}", "learningRate must be in [1E-05, 10], got 50")]
    [InlineData("{\"deepth\": 3}", "unknown key 'deepth' (expected depth, width, activation, init, batch, seed, learningRate, preset)")]
    [InlineData("[1, 2]", "the body must be a JSON object, got array")]
    public void ABadFieldIsOneLineNamingIt(string body, string message)
    {
        var e = Assert.Throws<LabRequestException>(() => VanishingSetup.Parse(JsonDocument.Parse(body).RootElement));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ThePresetSetsTheChaptersConfigurationWhateverElseIsGiven()
    {
        Assert.Equal(VanishingSetup.Chapter, VanishingSetup.Parse(JsonDocument.Parse("{\"preset\": \"chapter\", \"depth\": 3}").RootElement));
        Assert.Equal(VanishingSetup.Chapter with { Depth = 3 }, VanishingSetup.Parse(JsonDocument.Parse("{\"depth\": 3}").RootElement));
    }
}
