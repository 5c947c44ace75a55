using System.Text.Json;
using Backprop.NN;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Tests.Runs;

/// <summary>
/// <see cref="NeuronHeatmaps.Compute"/> reads the cached grid rows and only the 10×10 grid's
/// activations: its bytes must equal the first version's, which computed the rows afresh and
/// copied every activation (kept below as the reference).
/// </summary>
public sealed class NeuronHeatmapsTests
{
    private static RunSettings Settings(string json) => new RunSettings().Apply(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("""{"dataset": "spiral", "hidden": [8, 8, 8, 8, 8, 8], "features": ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"], "seed": 3}""")]
    [InlineData("""{"dataset": "circle", "hidden": [4, 2], "activation": "relu", "init": "he", "seed": 5}""")]
    [InlineData("""{"dataset": "spiral", "classes": 3, "loss": "crossentropy", "hidden": [5, 3], "features": ["sinx2", "x1x2", "x1"], "activation": "sigmoid", "seed": 9}""")]
    [InlineData("""{"dataset": "plane", "hidden": [6], "activation": "leakyrelu", "seed": 11}""")]
    public void ComputeMatchesTheFirstVersionByteForByte(string json)
    {
        RunSettings settings = Settings(json);
        Mlp model = Networks.Build(settings);
        var random = new System.Random(7);
        using (Autograd.NoGrad())
        {
            foreach (Linear l in Networks.Layers(model)) // random weights, larger than the initialiser's, so many cells saturate
            {
                l.Weight.CopyFrom(Tensor.FromArray([.. Enumerable.Range(0, l.Weight.Count).Select(_ => (float)(random.NextDouble() * 4 - 2))], [.. l.Weight.Shape]));
                l.Bias!.CopyFrom(Tensor.FromArray([.. Enumerable.Range(0, l.Bias.Count).Select(_ => (float)(random.NextDouble() * 2 - 1))], [.. l.Bias.Shape]));
            }
        }
        HeatmapState expected = FirstVersion(model, settings);
        Assert.Equal(expected, NeuronHeatmaps.Compute(model, settings));
        Assert.Equal(expected, NeuronHeatmaps.Compute(model, settings)); // the cached rows, read a second time, are unchanged
        Assert.Equal((settings.Hidden.Sum() + 1) * 100, Convert.FromBase64String(expected.Neurons).Length);
    }

    [Fact]
    public void GridRowsAreTheFeaturesOfBothGridsAndComputedOncePerFeatureList()
    {
        string[] features = ["x2", "sinx1", "x1sq"];
        float[] rows = NeuronHeatmaps.GridRows(features);
        Assert.Equal(InputFeatures.Rows(features, [.. NeuronHeatmaps.Grid(10), .. NeuronHeatmaps.Grid(50)]), rows);
        Assert.Equal((float)Math.Sin(-6), rows[1]); // cell 0 is (x1, x2) = (-6, 6): sin x1
        Assert.Equal(36f, rows[2]);
        Assert.Same(rows, NeuronHeatmaps.GridRows(["x2", "sinx1", "x1sq"]));
        Assert.NotSame(rows, NeuronHeatmaps.GridRows(["x2", "x1sq", "sinx1"]));
    }

    /// <summary>The heatmaps as the first version computed them (before frames were made cheaper).</summary>
    private static HeatmapState FirstVersion(Sequential model, RunSettings settings)
    {
        (double X1, double X2)[] cells = [.. NeuronHeatmaps.Grid(10), .. NeuronHeatmaps.Grid(50)];
        const int small = 100, large = 2500;
        var hidden = new List<float[]>();
        var widths = new List<int>();
        float[] output;
        int outputs;
        IReadOnlyList<Module> layers = model.Layers;
        int lastLinear = layers.Count - 1;
        while (layers[lastLinear] is not Linear) lastLinear--;
        using (Autograd.NoGrad())
        {
            using var scope = Tensor.Scope();
            Tensor x = Tensor.FromArray(InputFeatures.Rows(settings.Features, cells), cells.Length, settings.Features.Count);
            for (int i = 0; i < layers.Count; i++)
            {
                x = layers[i].Forward(x);
                if (i < lastLinear && layers[i] is Activation)
                {
                    hidden.Add(x.ToFloatArray());
                    widths.Add(x.Shape[1]);
                }
            }
            outputs = x.Shape[1];
            output = (settings.IsCrossEntropy ? x.Softmax(1) : x).ToFloatArray();
        }
        double Decision(int row) => settings.IsCrossEntropy ? 2 * output[row * outputs + 1] - 1 : output[row * outputs];
        var neurons = new byte[(widths.Sum() + 1) * small];
        int at = 0;
        for (int l = 0; l < hidden.Count; l++)
        {
            for (int j = 0; j < widths[l]; j++, at++)
            {
                for (int c = 0; c < small; c++) neurons[at * small + c] = WireFormat.Quantise(hidden[l][c * widths[l] + j]);
            }
        }
        for (int c = 0; c < small; c++) neurons[at * small + c] = WireFormat.Quantise(Decision(c));
        var decision = new byte[large];
        byte[]? classes = settings.IsCrossEntropy && outputs > 2 ? new byte[large] : null;
        for (int c = 0; c < large; c++)
        {
            decision[c] = WireFormat.Quantise(Decision(small + c));
            if (classes is not null)
            {
                ReadOnlySpan<float> p = output.AsSpan((small + c) * outputs, outputs);
                int best = 0;
                for (int k = 1; k < p.Length; k++) if (p[k] > p[best]) best = k;
                classes[c] = (byte)best;
            }
        }
        return new HeatmapState
        {
            Size = 10,
            Neurons = Convert.ToBase64String(neurons),
            OutputSize = 50,
            Output = Convert.ToBase64String(decision),
            OutputClass = classes is null ? null : Convert.ToBase64String(classes),
        };
    }
}
