using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// Channel dropout in training mode, as PyTorch's <c>nn.Dropout2d</c>: each whole channel of
/// [N, C, H, W] (or [C, H, W]) is zeroed with probability p and the rest scaled by 1/(1-p); the
/// identity in evaluation mode. See <see cref="Tensor.Dropout2d"/>.
/// </summary>
public sealed class Dropout2d : Module
{
    private readonly NumpyRandom _random;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="random">The generator for the masks (seeded: the same seed gives the same masks).</param>
    public Dropout2d(double p, NumpyRandom random)
    {
        if (p is < 0 or >= 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout2d: p must be in [0, 1), got {p}");
        P = p;
        _random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>Creates the layer as <c>nn.Dropout2d(p)</c> does: masks come from <see cref="Tensor.DefaultGenerator"/>.</summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    public Dropout2d(double p = 0.5) : this(p, Tensor.DefaultGenerator)
    {
    }

    /// <summary>The drop probability.</summary>
    public double P { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Dropout2d(P, _random, IsTraining);
}
