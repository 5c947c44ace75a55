using Backprop.Random;

namespace Backprop.NN;

/// <summary>A lookup table of learned vectors, as PyTorch's <c>nn.Embedding</c>: Int64 indices [...] give [..., dim].</summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table with N(0, 1) entries, as PyTorch initialises it.</summary>
    /// <param name="count">How many entries (the vocabulary size).</param>
    /// <param name="dimension">The length of each vector.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="dtype">The element type.</param>
    public Embedding(int count, int dimension, NumpyRandom random, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([count, dimension], dtype)));
        Init.Normal(Weight, random);
    }

    /// <summary>Creates the table as <c>nn.Embedding</c> does, drawing N(0, 1) entries from <see cref="Tensor.DefaultGenerator"/>.</summary>
    /// <param name="count">How many entries (the vocabulary size).</param>
    /// <param name="dimension">The length of each vector.</param>
    /// <param name="dtype">The element type.</param>
    public Embedding(int count, int dimension, DType dtype = DType.Float32) : this(count, dimension, Tensor.DefaultGenerator, dtype)
    {
    }

    /// <summary>The table, [count, dimension].</summary>
    public Parameter Weight { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Tensor.Embedding(Weight, input);
}
