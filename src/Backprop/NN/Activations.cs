namespace Backprop.NN;

/// <summary>The activation functions a model can be built with.</summary>
public enum ActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,

    /// <summary>x·Φ(x).</summary>
    Gelu,

    /// <summary>x, or 0.01·x below zero.</summary>
    LeakyRelu,

    /// <summary>x itself ("linear" in TensorFlow Playground): the network stays linear, which is the point of choosing it.</summary>
    Identity,
}

/// <summary>An activation function as a module, as PyTorch's <c>nn.ReLU</c>, <c>nn.Tanh</c>, … (no parameters).</summary>
/// <param name="kind">Which function.</param>
public sealed class Activation(ActivationKind kind) : Module
{
    /// <summary>Which function.</summary>
    public ActivationKind Kind { get; } = kind;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Kind switch
    {
        ActivationKind.Relu => input.Relu(),
        ActivationKind.Tanh => input.Tanh(),
        ActivationKind.Sigmoid => input.Sigmoid(),
        ActivationKind.Gelu => input.Gelu(),
        ActivationKind.Identity => input,
        _ => input.LeakyRelu(),
    };

    /// <summary>Parses "relu", "tanh", "sigmoid", "gelu", "leakyrelu" or "linear" (also "identity"; any case).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static ActivationKind Parse(string name) => name.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal) switch
    {
        "relu" => ActivationKind.Relu,
        "tanh" => ActivationKind.Tanh,
        "sigmoid" => ActivationKind.Sigmoid,
        "gelu" => ActivationKind.Gelu,
        "leakyrelu" => ActivationKind.LeakyRelu,
        "linear" or "identity" => ActivationKind.Identity,
        _ => throw new ArgumentException($"unknown activation '{name}' (expected relu, tanh, sigmoid, gelu, leakyrelu or linear)", nameof(name)),
    };
}
