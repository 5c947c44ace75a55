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
    /// <param name="dtype">The element type of the weights (float64 for exact comparisons).</param>
    public Mlp(IReadOnlyList<int> sizes, ActivationKind activation, NumpyRandom random, double dropout = 0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException($"Mlp: need at least an input and an output size, got [{string.Join(",", sizes)}]", nameof(sizes));
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"Mlp: dropout must be in [0, 1), got {dropout}");
        Sizes = [.. sizes];
        Activation = activation;
        Dropout = dropout;
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            Add(new Linear(sizes[i], sizes[i + 1], random, dtype: dtype));
            if (i + 2 < sizes.Count)
            {
                Add(new Activation(activation));
                if (dropout > 0) Add(new NN.Dropout(dropout, random));
            }
        }
    }

    /// <summary>Builds the network drawing the initial weights from <see cref="Tensor.DefaultGenerator"/>, e.g. <c>new Mlp([2, 16, 1], ActivationKind.Tanh)</c>.</summary>
    /// <param name="sizes">Layer widths, inputs first, outputs last (at least two).</param>
    /// <param name="activation">The activation between layers.</param>
    /// <param name="dropout">Dropout probability after each activation (0 for none).</param>
    public Mlp(IReadOnlyList<int> sizes, ActivationKind activation, double dropout = 0) : this(sizes, activation, Tensor.DefaultGenerator, dropout)
    {
    }

    /// <summary>The layer widths.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The activation between layers.</summary>
    public ActivationKind Activation { get; }

    /// <summary>The dropout probability after each hidden activation (0: no dropout layers, so parameter names step by 2, else by 3).</summary>
    public double Dropout { get; }

    /// <summary>
    /// The position in the <see cref="Sequential"/> of Linear layer <paramref name="layer"/>, the
    /// prefix of its parameter names (<c>0.weight</c>, then <c>2.weight</c>, or <c>3.weight</c>
    /// with dropout layers between).
    /// </summary>
    /// <param name="layer">The Linear layer, from 0.</param>
    /// <param name="dropout">Whether dropout layers sit between the Linear layers.</param>
    public static int LinearIndex(int layer, bool dropout) => layer * (dropout ? 3 : 2);
}
