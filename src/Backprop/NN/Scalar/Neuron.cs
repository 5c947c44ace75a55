using Backprop.Random;

namespace Backprop.NN.Scalar;

/// <summary>
/// One neuron over <see cref="Value"/>s, as micrograd's: <c>relu(b + Σ wᵢ·xᵢ)</c>, or the bare
/// sum for a linear output neuron. Weights start uniform in [-1, 1), the bias at zero.
/// </summary>
public sealed class Neuron
{
    private readonly Value[] _weights;
    private readonly Value _bias;

    /// <summary>Creates a neuron with <paramref name="inputs"/> weights drawn from <paramref name="random"/>.</summary>
    /// <param name="inputs">Number of inputs, at least 1.</param>
    /// <param name="relu">Whether the output passes through ReLU (hidden layers) or not (the output layer).</param>
    /// <param name="random">The generator for the weights.</param>
    public Neuron(int inputs, bool relu, NumpyRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentNullException.ThrowIfNull(random);
        _weights = new Value[inputs];
        for (int i = 0; i < inputs; i++) _weights[i] = new Value(random.Uniform(-1, 1));
        _bias = new Value(0);
        IsRelu = relu;
    }

    /// <summary>Whether the output passes through ReLU.</summary>
    public bool IsRelu { get; }

    /// <summary>The neuron's output for <paramref name="x"/>.</summary>
    /// <param name="x">One value per weight.</param>
    /// <exception cref="ArgumentException">The number of inputs differs from the number of weights.</exception>
    public Value Forward(ReadOnlySpan<Value> x)
    {
        Value[] weights = _weights;
        if (x.Length != weights.Length)
            throw new ArgumentException($"Neuron: expected {weights.Length} inputs, got {x.Length}.", nameof(x));
        // The nodes of `sum = b; sum += w[i] * x[i]; return relu ? sum.Relu() : sum`, recorded
        // without a handle on each intermediate product and partial sum (see Tape.MultiplyAdd).
        return Tape.MultiplyAdd(_bias, weights, x, IsRelu);
    }

    /// <summary>The weights, then the bias.</summary>
    public IEnumerable<Value> Parameters() => [.. _weights, _bias];
}
