using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Cli.GradFlow;

/// <summary>What one <c>backprop gradflow</c> configuration measured: the statistics of one backward pass.</summary>
/// <param name="Activation">The activation between layers.</param>
/// <param name="Init">The initialisation.</param>
/// <param name="Step">The per-layer statistics, input first.</param>
/// <param name="Magnitudes">|grad| of every weight element of each layer, input first.</param>
/// <param name="Verdict">Vanishing, exploding or healthy, in words.</param>
/// <param name="Loss">The cross-entropy loss of the batch.</param>
public sealed record GradFlowRun(
    ActivationKind Activation,
    GradFlowInit Init,
    GradientFlowStep Step,
    IReadOnlyList<IReadOnlyList<double>> Magnitudes,
    GradientFlowVerdict Verdict,
    double Loss)
{
    /// <summary>"sigmoid + default", as legends and tables name the configuration.</summary>
    public string Label => $"{Activation.ToString().ToLowerInvariant()} + {GradFlowInits.Name(Init)}";

    /// <summary>
    /// Builds an MLP of <paramref name="depth"/> <see cref="Linear"/> layers (<paramref name="width"/> inputs, hidden
    /// layers of <paramref name="width"/>, 10 outputs), runs one forward pass (cross entropy against random labels)
    /// and one backward pass on a standard normal batch, and records the gradient flow. The batch and labels are
    /// drawn first from <c>NumpyRandom(seed)</c>, then the weights, so every configuration sees the same data.
    /// </summary>
    /// <param name="depth">Linear layers, at least 1.</param>
    /// <param name="width">Input and hidden width, at least 1.</param>
    /// <param name="activation">The activation between layers.</param>
    /// <param name="init">The initialisation.</param>
    /// <param name="batch">Examples in the batch, at least 1.</param>
    /// <param name="seed">The seed of data and weights.</param>
    public static GradFlowRun Measure(int depth, int width, ActivationKind activation, GradFlowInit init, int batch, uint seed)
    {
        var random = new NumpyRandom(seed);
        Tensor x = Tensor.Randn(random, batch, width);
        var labels = new long[batch];
        for (int i = 0; i < batch; i++) labels[i] = random.NextInterval(Classes - 1);

        int[] sizes = [.. Enumerable.Repeat(width, depth), Classes];
        var model = new Mlp(sizes, activation, random);
        GradFlowInits.Apply(model, init, activation, random);

        using GradientFlowRecorder recorder = GradientFlow.Attach(model);
        Tensor loss = Losses.CrossEntropy(model.Forward(x), Tensor.FromArray(labels));
        loss.Backward();
        GradientFlowStep step = recorder.RecordGradients(0);
        return new GradFlowRun(activation, init, step, recorder.LatestGradientMagnitudes, recorder.Diagnose(), loss.Item());
    }

    /// <summary>Classes of the random labels (outputs of the last layer).</summary>
    public const int Classes = 10;
}
