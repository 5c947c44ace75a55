using Backprop.Random;

namespace Backprop.NN;

/// <summary>Inverted dropout in training mode (zeros with probability p, scales the rest by 1/(1-p)); the identity in evaluation mode.</summary>
public sealed class Dropout : Module
{
    private readonly NumpyRandom _random;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="random">The generator for the masks (seeded: the same seed gives the same masks).</param>
    public Dropout(double p, NumpyRandom random)
    {
        if (p is < 0 or >= 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1), got {p}");
        P = p;
        _random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>Creates the layer as <c>nn.Dropout(p)</c> does: masks come from <see cref="Tensor.DefaultGenerator"/>.</summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    public Dropout(double p = 0.5) : this(p, Tensor.DefaultGenerator)
    {
    }

    /// <summary>The drop probability.</summary>
    public double P { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Dropout(P, _random, IsTraining);
}
