using Backprop.Data;
using Backprop.NN.Scalar;
using Backprop.Random;

namespace Backprop.Cli.Bench;

/// <summary>
/// micrograd's demo workload on the scalar engine: 100 two-moons points, an MLP 2-16-16-1 with
/// ReLU hidden layers, the SVM max-margin loss averaged plus L2 regularisation 1e-4, full batch,
/// SGD with learning rate 1 - 0.9·k/100 at step k.
/// </summary>
public sealed class MicrogradDemo
{
    /// <summary>Points in the data set.</summary>
    public const int Points = 100;

    /// <summary>Steps micrograd's demo trains for.</summary>
    public const int Steps = 100;

    private const double Alpha = 1e-4;

    private readonly Value[][] _inputs;
    private readonly double[] _targets;
    private int _step;

    /// <summary>Generates the data and the model from <paramref name="seed"/>.</summary>
    /// <param name="seed">Seed for the data (noise 0.1) and the weights.</param>
    public MicrogradDemo(uint seed = 1337)
    {
        (double[][] points, int[] labels) = TwoMoons.Generate(Points, noise: 0.1, seed);
        _inputs = Array.ConvertAll(points, p => new[] { new Value(p[0]), new Value(p[1]) });
        _targets = Array.ConvertAll(labels, label => label * 2.0 - 1.0);
        Model = new Mlp(2, [16, 16, 1], new NumpyRandom(seed));
    }

    /// <summary>The network being trained.</summary>
    public Mlp Model { get; }

    /// <summary>
    /// One training step: forward over all points, loss, backward, SGD update.
    /// </summary>
    /// <returns>The loss before the update and the share of points classified right.</returns>
    public (Value Loss, double Accuracy) Step()
    {
        (Value loss, double accuracy) = Loss();
        Model.ZeroGrad();
        loss.Backward();
        // micrograd decays the rate over its 100 steps; past them it stays at the final 0.1.
        double learningRate = 1.0 - 0.9 * Math.Min(_step, Steps) / Steps;
        foreach (Value p in Model.Parameters()) p.Data -= learningRate * p.Grad;
        _step++;
        return (loss, accuracy);
    }

    /// <summary>The total loss over all points, and the accuracy, with the current weights.</summary>
    public (Value Loss, double Accuracy) Loss()
    {
        (Value loss, int correct) = MaxMarginLoss.Compute(Model, _inputs, _targets, Alpha);
        return (loss, (double)correct / Points);
    }
}
