using System.Collections.Concurrent;
using Backprop.NN;

namespace Backprop.Playground.Runs;

/// <summary>
/// Every neuron of a network over the grid [-6, 6]², from ONE batched forward pass: the 10×10
/// neuron grid and the 50×50 decision grid go through the network as one batch, and each hidden
/// activation is read on the way (the page's small heatmap on every neuron, and the large one).
/// </summary>
public static class NeuronHeatmaps
{
    /// <summary>Side of each neuron's heatmap.</summary>
    public const int NeuronSize = 10;

    /// <summary>Side of the decision heatmap.</summary>
    public const int OutputSize = 50;

    /// <summary>Half the side of the square the grids cover, as TF Playground's.</summary>
    public const double Extent = 6;

    /// <summary>The most feature lists whose grid rows <see cref="GridRows"/> keeps (the page has 127 subsets of 7).</summary>
    private const int CachedFeatureLists = 16;

    /// <summary>
    /// The network's input for both grids, by feature list: the same every frame, and computing it
    /// (sin of 2,600 cells) cost about a third of a frame's heatmaps. Read only (Tensor.FromArray copies).
    /// </summary>
    private static readonly ConcurrentDictionary<string, float[]> Rows = new(StringComparer.Ordinal);

    /// <summary>
    /// (x1, x2) of every cell of a size×size grid, row by row, row 0 at the top (x2 = +6), each
    /// running left to right (x1 from -6); the corner cells sit on the square's corners, as TF's.
    /// </summary>
    /// <param name="size">Cells per side (at least 2).</param>
    public static (double X1, double X2)[] Grid(int size)
    {
        var cells = new (double, double)[size * size];
        for (int row = 0; row < size; row++)
        {
            for (int col = 0; col < size; col++)
                cells[row * size + col] = (-Extent + 2 * Extent * col / (size - 1), Extent - 2 * Extent * row / (size - 1));
        }
        return cells;
    }

    /// <summary>The heatmaps of <paramref name="model"/> (evaluated without a graph).</summary>
    /// <param name="model">The network, a <see cref="Sequential"/> of Linear and activation modules.</param>
    /// <param name="settings">Features (the network's inputs) and the loss (how to read the output).</param>
    public static HeatmapState Compute(Sequential model, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        int cells = NeuronSize * NeuronSize + OutputSize * OutputSize;
        int small = NeuronSize * NeuronSize;
        var hidden = new List<float[]>(); // each hidden activation, [rows × width]
        var widths = new List<int>();
        float[] output;
        int outputs;
        IReadOnlyList<Module> layers = model.Layers;
        int lastLinear = layers.Count - 1;
        while (layers[lastLinear] is not Linear) lastLinear--;
        using (Autograd.NoGrad())
        {
            using var scope = Tensor.Scope();
            Tensor x = Tensor.FromArray(GridRows(settings.Features), cells, settings.Features.Count);
            for (int i = 0; i < layers.Count; i++)
            {
                x = layers[i].Forward(x);
                if (i < lastLinear && layers[i] is Activation)
                {
                    hidden.Add(x.Slice(0, 0, small).ToFloatArray()); // the 10×10 grid's rows only
                    widths.Add(x.Shape[1]);
                }
            }
            outputs = x.Shape[1];
            output = (settings.IsCrossEntropy ? x.Softmax(1) : x).ToFloatArray();
        }

        int hiddenCount = widths.Sum();
        var neurons = new byte[(hiddenCount + 1) * small];
        int at = 0;
        for (int l = 0; l < hidden.Count; l++)
        {
            for (int j = 0; j < widths[l]; j++, at++)
            {
                for (int c = 0; c < small; c++) neurons[at * small + c] = WireFormat.Quantise(hidden[l][c * widths[l] + j]);
            }
        }
        for (int c = 0; c < small; c++) neurons[at * small + c] = WireFormat.Quantise(Decision(output, c, outputs, settings.IsCrossEntropy));

        int large = OutputSize * OutputSize;
        var decision = new byte[large];
        byte[]? classes = settings.IsCrossEntropy && outputs > 2 ? new byte[large] : null;
        for (int c = 0; c < large; c++)
        {
            int row = small + c;
            decision[c] = WireFormat.Quantise(Decision(output, row, outputs, settings.IsCrossEntropy));
            if (classes is not null) classes[c] = (byte)ArgMax(output.AsSpan(row * outputs, outputs));
        }
        return new HeatmapState
        {
            Size = NeuronSize,
            Neurons = Convert.ToBase64String(neurons),
            OutputSize = OutputSize,
            Output = Convert.ToBase64String(decision),
            OutputClass = classes is null ? null : Convert.ToBase64String(classes),
        };
    }

    /// <summary>
    /// The input rows of the 10×10 grid then the 50×50 grid for <paramref name="features"/>, as
    /// <see cref="InputFeatures.Rows"/> computes them; cached by feature list, never written to.
    /// </summary>
    /// <param name="features">The enabled features, in network order.</param>
    internal static float[] GridRows(IReadOnlyList<string> features)
    {
        string key = string.Join(',', features);
        if (Rows.TryGetValue(key, out float[]? rows)) return rows;
        if (Rows.Count >= CachedFeatureLists) Rows.Clear();
        (double X1, double X2)[] cells = [.. Grid(NeuronSize), .. Grid(OutputSize)];
        return Rows.GetOrAdd(key, InputFeatures.Rows(features, cells));
    }

    /// <summary>Every input feature over the 10×10 grid, raw values quantised (TF clamps them to its colour scale the same way).</summary>
    /// <param name="settings">The enabled features.</param>
    public static string Inputs(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        (double X1, double X2)[] cells = Grid(NeuronSize);
        var bytes = new byte[settings.Features.Count * cells.Length];
        for (int f = 0; f < settings.Features.Count; f++)
        {
            for (int c = 0; c < cells.Length; c++) bytes[f * cells.Length + c] = WireFormat.Quantise(InputFeatures.Value(settings.Features[f], cells[c].X1, cells[c].X2));
        }
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The value a cell shows: the output itself, or for softmax 2·p(class 1) − 1.</summary>
    private static double Decision(float[] output, int row, int outputs, bool softmax) =>
        softmax ? 2 * output[row * outputs + 1] - 1 : output[row * outputs];

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
