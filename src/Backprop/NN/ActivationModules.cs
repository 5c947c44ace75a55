namespace Backprop.NN;

// PyTorch's activation modules under PyTorch's names, for nn.Sequential(nn.Linear(2, 16),
// nn.ReLU(), ...) habits: each applies the tensor op of the same name and has no parameters.

/// <summary>max(x, 0), as PyTorch's <c>nn.ReLU</c> (see <see cref="Tensor.Relu"/>).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Relu();
}

/// <summary>x, or <see cref="NegativeSlope"/>·x below zero, as PyTorch's <c>nn.LeakyReLU</c>.</summary>
/// <param name="negativeSlope">The slope below zero.</param>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>The slope below zero.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.LeakyRelu(NegativeSlope);
}

/// <summary>tanh(x), as PyTorch's <c>nn.Tanh</c>.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Tanh();
}

/// <summary>1 / (1 + e^-x), as PyTorch's <c>nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Sigmoid();
}

/// <summary>GELU, exact or with the tanh approximation, as PyTorch's <c>nn.GELU(approximate=...)</c> (see <see cref="Tensor.Gelu"/>).</summary>
public sealed class GELU : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="approximate">"none" (exact, the default) or "tanh".</param>
    /// <exception cref="ArgumentException">Another value.</exception>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate must be \"none\" or \"tanh\", got \"{approximate}\"", nameof(approximate));
        Approximate = approximate;
    }

    /// <summary>"none" or "tanh".</summary>
    public string Approximate { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Gelu(Approximate);
}

/// <summary>log(1 + e^(β·x)) / β, linear above the threshold, as PyTorch's <c>nn.Softplus</c> (see <see cref="Tensor.Softplus"/>).</summary>
/// <param name="beta">β.</param>
/// <param name="threshold">Above this β·x the function is linear.</param>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module
{
    /// <summary>β.</summary>
    public double Beta { get; } = beta;

    /// <summary>Above this β·x the function is linear.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Softplus(Beta, Threshold);
}

/// <summary>Softmax along <see cref="Dim"/>, as PyTorch's <c>nn.Softmax(dim)</c>.</summary>
/// <param name="dim">The dimension that sums to 1 (the last by default).</param>
public sealed class Softmax(int dim = -1) : Module
{
    /// <summary>The dimension that sums to 1.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Softmax(Dim);
}

/// <summary>Log-softmax along <see cref="Dim"/>, as PyTorch's <c>nn.LogSoftmax(dim)</c>.</summary>
/// <param name="dim">The dimension (the last by default).</param>
public sealed class LogSoftmax(int dim = -1) : Module
{
    /// <summary>The dimension.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.LogSoftmax(Dim);
}

/// <summary>The input itself, as PyTorch's <c>nn.Identity</c> (a placeholder layer).</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input;
}
