using System.Text.Json;
using Backprop.Cli.Chapter;
using Backprop.Tests.Support;

namespace Backprop.Tests.Chapter;

/// <summary>The chapter's numbers, bit for bit against chapter.json.</summary>
public class ChapterComputationTests
{
    private static readonly ChapterResults Results = ChapterComputation.Run();

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    [ReferenceFact]
    public void TheSingleNeuronMatchesTheChapter()
    {
        JsonElement expected = Reference.Chapter.GetProperty("single_neuron");
        SingleNeuron n = Results.Neuron;
        Assert.Equal(Reference.Double(expected.GetProperty("z")), n.Z);
        Assert.Equal(Reference.Double(expected.GetProperty("out")), n.Out);
        Assert.Equal(Reference.Double(expected.GetProperty("loss")), n.Loss);
        Assert.Equal(Reference.Double(expected.GetProperty("w_grad")), n.WGrad);
        Assert.Equal(Reference.Double(expected.GetProperty("b_grad")), n.BGrad);
        Assert.Equal(Reference.Double(expected.GetProperty("x_grad")), n.XGrad);
    }

    [ReferenceFact]
    public void TheGradientFlowTrialsMatchTheChapterBitForBit()
    {
        JsonElement expected = Reference.Chapter.GetProperty("gradient_flow");
        GradientFlow f = Results.Flow;
        Assert.Equal(BitConverter.DoubleToInt64Bits(Reference.Double(expected.GetProperty("mean_layer2"))), BitConverter.DoubleToInt64Bits(f.MeanLayer2));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Reference.Double(expected.GetProperty("mean_layer1"))), BitConverter.DoubleToInt64Bits(f.MeanLayer1));
        Assert.Equal(Bits(Reference.Doubles(expected.GetProperty("trial0_dL_dw2"))), Bits(f.Trial0Layer2));
        Assert.Equal(Bits(Reference.Doubles(expected.GetProperty("trial0_dL_dw1"))), Bits(f.Trial0Layer1));
        Assert.Equal(100, f.Layer1.Length);
        Assert.Equal(100, f.Layer2.Length);
    }

    [Fact]
    public void TheValueEngineAgreesWithTheHandDerivedGradients()
    {
        Assert.True(Results.Flow.ValueEngineAgrees);
    }

    [ReferenceFact]
    public void TheVanishingGradientNormsMatchTheChapterBitForBit()
    {
        double[] expected = Reference.Doubles(Reference.Chapter.GetProperty("vanishing").GetProperty("grad_norms"));
        Assert.Equal(Bits(expected), Bits(Results.Vanishing.GradNorms));
    }

    [Fact]
    public void TheVanishingGradientFollowsTheClosedFormOfAChainOfSigmoids()
    {
        // Independently of numpy: each layer multiplies every element by σ'(p) ≤ 1/4, so
        // the mean |gradient| falls at least fourfold per layer and never rises.
        double[] norms = Results.Vanishing.GradNorms;
        Assert.Equal(13, norms.Length);
        Assert.Equal(1.0, norms[0]);
        for (int i = 1; i < norms.Length; i++) Assert.True(norms[i] <= norms[i - 1] / 4, $"layer {i}");
    }

    [ReferenceFact]
    public void ThePrintedLinesAreTheChaptersCharacterForCharacter()
    {
        string[] expected = Reference.Chapter.GetProperty("printed_lines").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string[] actual =
        [
            ChapterText.EngineReady,
            .. ChapterText.SingleNeuron(Results.Neuron),
            .. ChapterText.GradientFlow(Results.Flow),
            .. ChapterText.Vanishing(Results.Vanishing),
        ];
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void NumpysPairwiseMeanDiffersFromANaiveLoopWhereTheChapterSaysItDoes()
    {
        // Pairwise summation's blocks of 8: a value that is lost in a running sum survives.
        double[] values = [1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16];
        double naive = values.Sum();
        Assert.NotEqual(naive, NumpyMath.PairwiseSum(values));
        Assert.Equal(4.0, NumpyMath.PairwiseSum([1, 1, 1, 1]));
        Assert.True(double.IsNaN(NumpyMath.Mean([])));
    }
}
