using Backprop.Random;

namespace Backprop.NN.Scalar;

/// <summary>A fully connected layer of <see cref="Neuron"/>s, as micrograd's <c>Layer</c>.</summary>
public sealed class Layer
{
    private readonly Neuron[] _neurons;

    /// <summary>Creates <paramref name="outputs"/> neurons of <paramref name="inputs"/> inputs each.</summary>
    /// <param name="inputs">Inputs per neuron.</param>
    /// <param name="outputs">Number of neurons.</param>
    /// <param name="relu">Whether the neurons apply ReLU.</param>
    /// <param name="random">The generator for the weights.</param>
    public Layer(int inputs, int outputs, bool relu, NumpyRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        _neurons = new Neuron[outputs];
        for (int i = 0; i < outputs; i++) _neurons[i] = new Neuron(inputs, relu, random);
    }

    /// <summary>Each neuron's output for <paramref name="x"/>.</summary>
    /// <param name="x">The layer's input.</param>
    public Value[] Forward(ReadOnlySpan<Value> x)
    {
        var outputs = new Value[_neurons.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = _neurons[i].Forward(x);
        return outputs;
    }

    /// <summary>All neurons' parameters, neuron by neuron.</summary>
    public IEnumerable<Value> Parameters() => _neurons.SelectMany(n => n.Parameters());
}
