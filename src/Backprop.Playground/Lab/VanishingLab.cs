using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Playground.Lab;

/// <summary>
/// The vanishing-gradient lab: builds a deep MLP, runs one forward and backward pass on a random
/// batch and one plain SGD step, and reads every layer through the library's
/// <see cref="GradientFlow"/> recorder, the same one <c>backprop gradflow</c> and the live runs
/// use, so all three agree on what a layer's gradient is.
/// </summary>
public static class VanishingLab
{
    /// <summary>Outputs of the last layer (classes of the random labels), as <c>backprop gradflow</c>.</summary>
    public const int Classes = 10;

    /// <summary>Measures <paramref name="setup"/>.</summary>
    /// <param name="setup">The configuration.</param>
    public static VanishingReport Measure(VanishingSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        // Batch, labels, then weights from one stream, in the order backprop gradflow draws them.
        var random = new NumpyRandom(setup.Seed);
        Tensor x = Tensor.Randn(random, setup.Batch, setup.Width);
        var labels = new long[setup.Batch];
        for (int i = 0; i < setup.Batch; i++) labels[i] = random.NextInterval(Classes - 1);
        Module model = Build(setup, random);

        using GradientFlowRecorder recorder = GradientFlow.Attach(model);
        var optimizer = new Sgd(model.Parameters(), setup.LearningRate);
        optimizer.ZeroGrad();
        Tensor loss = Losses.CrossEntropy(model.Forward(x), Tensor.FromArray(labels));
        loss.Backward();
        recorder.RecordGradients(0);
        IReadOnlyList<IReadOnlyList<double>> magnitudes = recorder.LatestGradientMagnitudes;
        optimizer.Step();
        GradientFlowStep step = recorder.RecordUpdate(0);
        GradientFlowVerdict verdict = recorder.Diagnose();

        var layers = new VanishingLayer[step.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            GradientFlowLayer layer = step.Layers[i];
            (double? share, string? kind) = layer.SaturatedShare is { } s ? (s, "saturated")
                : layer.DeadShare is { } d ? (d, "dead")
                : ((double?)null, (string?)null);
            layers[i] = new VanishingLayer(layer.Name, layer.InFeatures, layer.OutFeatures, share, kind,
                layer.MeanAbsGrad, StandardDeviation(magnitudes[i]), layer.MaxAbsGrad, Finite(layer.UpdateRatioLog10));
        }
        return new VanishingReport(setup, layers, Finite(verdict.FirstToLastRatio), verdict.Kind.ToString().ToLowerInvariant(),
            verdict.Message, loss.Item(), GradientFlow.ReferenceUpdateRatioLog10);
    }

    /// <summary>
    /// The network: Linear layers with the activation between them (none after the last), laid
    /// out and drawn as <see cref="Mlp"/> does, then re-initialised as the setup asks.
    /// </summary>
    /// <param name="setup">The configuration.</param>
    /// <param name="random">The stream, after the batch and the labels.</param>
    public static Module Build(VanishingSetup setup, NumpyRandom random)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(random);
        ActivationKind? activation = setup.Activation switch
        {
            "sigmoid" => ActivationKind.Sigmoid,
            "tanh" => ActivationKind.Tanh,
            "relu" => ActivationKind.Relu,
            "leakyrelu" => ActivationKind.LeakyRelu,
            _ => null, // linear: nothing between the layers
        };
        var modules = new List<Module>();
        var linears = new List<Linear>();
        for (int i = 0; i < setup.Depth; i++)
        {
            var linear = new Linear(setup.Width, i + 1 == setup.Depth ? Classes : setup.Width, random);
            modules.Add(linear);
            linears.Add(linear);
            if (i + 1 < setup.Depth && activation is { } kind) modules.Add(new Activation(kind));
        }
        Reinitialise(linears, setup.Init, activation, random);
        return new Sequential([.. modules]);
    }

    /// <summary>Replaces PyTorch's default initialisation (what <see cref="Linear"/> draws) when the setup asks for another.</summary>
    private static void Reinitialise(List<Linear> layers, string init, ActivationKind? activation, NumpyRandom random)
    {
        if (init == "default") return;
        Nonlinearity nonlinearity = activation switch
        {
            ActivationKind.Sigmoid => Nonlinearity.Sigmoid,
            ActivationKind.Tanh => Nonlinearity.Tanh,
            ActivationKind.Relu => Nonlinearity.Relu,
            ActivationKind.LeakyRelu => Nonlinearity.LeakyRelu,
            _ => Nonlinearity.Linear,
        };
        foreach (Linear linear in layers)
        {
            switch (init)
            {
                case "tf": Init.Uniform(linear.Weight, random, -0.5, 0.5); break;
                case "normal": Init.Normal(linear.Weight, random, 0, 1); break;
                case "small": Init.Normal(linear.Weight, random, 0, 0.01); break;
                case "xavier": Init.XavierUniform(linear.Weight, random, Init.Gain(nonlinearity)); break;
                default: Init.KaimingNormal(linear.Weight, random, nonlinearity: nonlinearity); break;
            }
            // TF Playground starts every bias at 0.1; the others at 0, as PyTorch's recipes do.
            if (linear.Bias is not null) Init.Constant(linear.Bias, init == "tf" ? 0.1 : 0);
        }
    }

    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sum = 0;
        foreach (double v in values) sum += (v - mean) * (v - mean);
        return Math.Sqrt(sum / values.Count);
    }

    /// <summary>JSON has no NaN or infinity: a number that is not finite travels as null.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
