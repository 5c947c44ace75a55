using Backprop.NN;
using Backprop.Random;

namespace Backprop.Playground.Runs;

/// <summary>
/// The network of a run: the library's <see cref="Mlp"/> (Linear layers with the hidden
/// activation between them) from the enabled features to the outputs, plus a tanh on the output
/// for TF's square loss on ±1 labels, initialised as the settings say.
/// </summary>
public static class Networks
{
    /// <summary>Builds and initialises the network of <paramref name="settings"/> from its seed.</summary>
    /// <param name="settings">Features, hidden layers, activation, loss and initialiser.</param>
    public static Mlp Build(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var random = new NumpyRandom(settings.Seed);
        int[] sizes = [settings.Features.Count, .. settings.Hidden, settings.Outputs];
        ActivationKind activation = Activation.Parse(settings.Activation);
        var model = new Mlp(sizes, activation, random);
        if (HasOutputTanh(settings)) model.Add(new Activation(ActivationKind.Tanh));
        Initialise(model, settings.Init, activation, random);
        return model;
    }

    /// <summary>Whether the output goes through tanh: TF's square loss on a classification (targets ±1); a regression's output stays linear.</summary>
    /// <param name="settings">The run's settings.</param>
    public static bool HasOutputTanh(RunSettings settings) => !settings.IsCrossEntropy && !settings.IsRegression;

    /// <summary>The Linear layers of <paramref name="model"/>, input side first.</summary>
    /// <param name="model">The network.</param>
    public static Linear[] Layers(Sequential model) => [.. model.Layers.OfType<Linear>()];

    private static void Initialise(Mlp model, string init, ActivationKind activation, NumpyRandom random)
    {
        foreach (Linear layer in Layers(model))
        {
            switch (init)
            {
                case "tf": // TF Playground: Math.random() - 0.5, bias 0.1
                    Init.Uniform(layer.Weight, random, -0.5, 0.5);
                    Init.Constant(layer.Bias!, 0.1);
                    break;
                case "zero": // TF's initZero: weights 0; the biases keep TF's 0.1
                    Init.Constant(layer.Weight, 0);
                    Init.Constant(layer.Bias!, 0.1);
                    break;
                case "xavier":
                    Init.XavierUniform(layer.Weight, random, Init.Gain(GainFor(activation)));
                    Init.Constant(layer.Bias!, 0);
                    break;
                default: // he
                    Init.KaimingNormal(layer.Weight, random, 0, FanMode.FanIn, activation == ActivationKind.LeakyRelu ? Nonlinearity.LeakyRelu : Nonlinearity.Relu);
                    Init.Constant(layer.Bias!, 0);
                    break;
            }
        }
    }

    private static Nonlinearity GainFor(ActivationKind activation) => activation switch
    {
        ActivationKind.Tanh => Nonlinearity.Tanh,
        ActivationKind.Relu => Nonlinearity.Relu,
        ActivationKind.LeakyRelu => Nonlinearity.LeakyRelu,
        ActivationKind.Sigmoid => Nonlinearity.Sigmoid,
        _ => Nonlinearity.Linear,
    };
}
