using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Cli.Bench;

/// <summary>
/// The tensor engine's benchmark workloads, set up once from fixed seeds: what
/// <c>backprop bench tensor</c> and the BenchmarkDotNet suite both run.
/// </summary>
public sealed class TensorWorkloads
{
    private readonly Tensor _a, _b, _x, _labels, _moons, _signs;
    private readonly RawTensorMlp _mlp, _small;
    private readonly Mlp _modules, _adamModules;
    private readonly Sgd _sgd;
    private readonly Adam _adam;

    /// <summary>Creates the inputs and models.</summary>
    public TensorWorkloads()
    {
        _a = Tensor.Ones(1);
        _b = Tensor.Ones(1);
        _a.RequiresGrad = _b.RequiresGrad = true;
        _mlp = new RawTensorMlp([784, 256, 128, 10], seed: 1);
        _x = Tensor.Randn(new NumpyRandom(2), 128, 784);
        _labels = Tensor.FromArray(Enumerable.Range(0, 128).Select(i => (long)(i % 10)).ToArray());
        _modules = new Mlp([784, 256, 128, 10], ActivationKind.Relu, new NumpyRandom(1));
        _sgd = new Sgd(_modules.Parameters(), 0.05);
        _adamModules = new Mlp([784, 256, 128, 10], ActivationKind.Relu, new NumpyRandom(1));
        _adam = new Adam(_adamModules.Parameters(), 1e-3);
        (double[][] points, int[] classes) = TwoMoons.Generate(100, 0.1, seed: 3);
        _moons = Tensor.FromArray(points.SelectMany(p => p.Select(v => (float)v)).ToArray(), 100, 2);
        _signs = Tensor.FromArray(classes.Select(c => c * 2f - 1).ToArray(), 100, 1);
        _small = new RawTensorMlp([2, 16, 16, 1], seed: 4);
    }

    /// <summary>A 1-element multiply, forward and backward.</summary>
    public void OneElementMul() => (_a * _b).Backward();

    /// <summary>One training step of the 784-256-128-10 MLP on a batch of 128, written with raw tensors (cross entropy, SGD).</summary>
    public double RawMlpStep() => _mlp.Step(_x, logits => Losses.CrossEntropy(logits, _labels));

    /// <summary>The same step with <see cref="Mlp"/> modules and the <see cref="Sgd"/> optimizer, in a <see cref="Tensor.Scope"/> as the trainer runs it.</summary>
    public double ModuleMlpStep() => ModuleStep(_modules, _sgd);

    /// <summary>The same step with <see cref="Mlp"/> modules and <see cref="Adam"/>.</summary>
    public double ModuleMlpAdamStep() => ModuleStep(_adamModules, _adam);

    private double ModuleStep(Mlp model, Optimizer optimizer)
    {
        using (Tensor.Scope())
        {
            optimizer.ZeroGrad();
            Tensor loss = Losses.CrossEntropy(model.Forward(_x), _labels);
            loss.Backward();
            optimizer.Step();
            return loss.Item();
        }
    }

    /// <summary>One step of the 2-16-16-1 MLP on 100 two-moons points: micrograd's demo loss (hinge + 1e-4·Σp²).</summary>
    public double MoonsStep() => _small.Step(_moons, scores =>
    {
        Tensor loss = Losses.Hinge(scores, _signs);
        foreach (Tensor p in _small.Parameters()) loss += (p * p).Sum() * 1e-4;
        return loss;
    });
}
