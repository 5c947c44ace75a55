using Backprop.NN;
using Backprop.Random;

namespace Backprop.Cli.GradFlow;

/// <summary>How <c>backprop gradflow</c> initialises the weights of its network.</summary>
public enum GradFlowInit
{
    /// <summary>PyTorch's default for <c>nn.Linear</c>: weight and bias uniform in ±1/√in.</summary>
    Default,

    /// <summary>Glorot uniform with the activation's recommended gain (sigmoid 1, tanh 5/3, ReLU and GELU √2); bias 0.</summary>
    Xavier,

    /// <summary>He normal, fan in, with the activation's recommended gain (sigmoid 1, tanh 5/3, ReLU and GELU √2); bias 0.</summary>
    Kaiming,
}

/// <summary>Parsing and applying <see cref="GradFlowInit"/>.</summary>
public static class GradFlowInits
{
    /// <summary>Parses "default", "xavier" or "kaiming" (any case).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static GradFlowInit Parse(string name) => name.ToLowerInvariant() switch
    {
        "default" => GradFlowInit.Default,
        "xavier" => GradFlowInit.Xavier,
        "kaiming" => GradFlowInit.Kaiming,
        _ => throw new ArgumentException($"--init: unknown initialisation '{name}' (expected default, xavier or kaiming)", nameof(name)),
    };

    /// <summary>The lower-case name, as the command line spells it.</summary>
    /// <param name="init">The initialisation.</param>
    public static string Name(GradFlowInit init) => init.ToString().ToLowerInvariant();

    /// <summary>Re-initialises every <see cref="Linear"/> layer of <paramref name="model"/> (nothing for <see cref="GradFlowInit.Default"/>).</summary>
    /// <param name="model">The network, freshly built.</param>
    /// <param name="init">The initialisation.</param>
    /// <param name="activation">The activation the gain is chosen for.</param>
    /// <param name="random">The generator for the new weights.</param>
    public static void Apply(Module model, GradFlowInit init, ActivationKind activation, NumpyRandom random)
    {
        if (init == GradFlowInit.Default) return;
        Nonlinearity nonlinearity = activation switch
        {
            ActivationKind.Sigmoid => Nonlinearity.Sigmoid,
            ActivationKind.Tanh => Nonlinearity.Tanh,
            ActivationKind.LeakyRelu => Nonlinearity.LeakyRelu,
            _ => Nonlinearity.Relu, // ReLU, and GELU, which behaves like it for large inputs
        };
        foreach ((_, Module module) in model.NamedModules())
        {
            if (module is not Linear linear) continue;
            if (init == GradFlowInit.Xavier) Init.XavierUniform(linear.Weight, random, Init.Gain(nonlinearity));
            else Init.KaimingNormal(linear.Weight, random, nonlinearity: nonlinearity);
            if (linear.Bias is not null) Init.Constant(linear.Bias, 0);
        }
    }
}
