using Backprop.Random;

namespace Backprop.NN.Scalar;

/// <summary>
/// A multilayer perceptron over <see cref="Value"/>s, as micrograd's <c>MLP</c>: ReLU hidden
/// layers and a linear output layer.
/// </summary>
public sealed class Mlp
{
    private readonly Layer[] _layers;
    private readonly Value[] _parameters;

    /// <summary>Creates an MLP, e.g. <c>new Mlp(2, [16, 16, 1], random)</c>.</summary>
    /// <param name="inputs">Number of inputs.</param>
    /// <param name="layerSizes">Neurons per layer; the last is the output layer.</param>
    /// <param name="random">The generator for the weights.</param>
    /// <exception cref="ArgumentException">No layers, or a size below 1.</exception>
    public Mlp(int inputs, IReadOnlyList<int> layerSizes, NumpyRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if (layerSizes.Count == 0) throw new ArgumentException("Mlp: at least one layer is needed.", nameof(layerSizes));
        _layers = new Layer[layerSizes.Count];
        int fanIn = inputs;
        for (int i = 0; i < layerSizes.Count; i++)
        {
            _layers[i] = new Layer(fanIn, layerSizes[i], relu: i < layerSizes.Count - 1, random);
            fanIn = layerSizes[i];
        }
        _parameters = _layers.SelectMany(l => l.Parameters()).ToArray();
    }

    /// <summary>The network's outputs for one input.</summary>
    /// <param name="x">One value per input.</param>
    public Value[] Forward(ReadOnlySpan<Value> x)
    {
        Value[] activations = _layers[0].Forward(x);
        for (int i = 1; i < _layers.Length; i++) activations = _layers[i].Forward(activations);
        return activations;
    }

    /// <summary>Every weight and bias, layer by layer.</summary>
    public IReadOnlyList<Value> Parameters() => _parameters;

    /// <summary>The parameters as <see cref="Parameters"/> lists them, without copying.</summary>
    internal ReadOnlySpan<Value> ParameterSpan => _parameters;

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (Value p in _parameters) p.Grad = 0;
    }
}
