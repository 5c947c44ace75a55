using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// A multilayer perceptron: <see cref="Linear"/> layers with an activation between them (none
/// after the last), as a <see cref="Sequential"/>, so parameters are named as PyTorch names
/// <c>nn.Sequential(Linear, ReLU, Linear, …)</c>: <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, ….
/// </summary>
public sealed class Mlp : Sequential
{
    /// <summary>Builds the network, e.g. <c>new Mlp([784, 256, 128, 10], ActivationKind.Relu, random)</c>.</summary>
    /// <param name="sizes">Layer widths, inputs first, outputs last (at least two).</param>
    /// <param name="activation">The activation between layers.</param>
    /// <param name="random">The generator for the initial weights.</param>
    /// <param name="dropout">Dropout probability after each activation (0 for none).</param>
    public Mlp(IReadOnlyList<int> sizes, ActivationKind activation, NumpyRandom random, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException($"Mlp: need at least an input and an output size, got [{string.Join(",", sizes)}]", nameof(sizes));
        Sizes = [.. sizes];
        Activation = activation;
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            Add(new Linear(sizes[i], sizes[i + 1], random));
            if (i + 2 < sizes.Count)
            {
                Add(new Activation(activation));
                if (dropout > 0) Add(new Dropout(dropout, random));
            }
        }
    }

    /// <summary>The layer widths.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The activation between layers.</summary>
    public ActivationKind Activation { get; }
}
