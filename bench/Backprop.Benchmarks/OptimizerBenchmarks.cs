using BenchmarkDotNet.Attributes;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Benchmarks;

/// <summary>
/// One optimizer step over the parameters of the 784-256-128-10 MLP (235,146 floats in six
/// tensors, Linear's [out, in] weights and their biases), gradients fixed and random.
/// </summary>
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private static readonly int[][] Shapes = [[256, 784], [256], [128, 256], [128], [10, 128], [10]];
    private Adam _adam = null!;
    private AdamW _adamW = null!;
    private Sgd _sgd = null!;
    private RmsProp _rmsProp = null!;

    /// <summary>Parameters and gradients, seeded; each optimizer over its own copy.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _adam = new Adam(Parameters(1));
        _adamW = new AdamW(Parameters(2));
        _sgd = new Sgd(Parameters(3), 0.01, momentum: 0.9, weightDecay: 1e-4);
        _rmsProp = new RmsProp(Parameters(4));
        // The first step allocates the state; measure the steps after it.
        _adam.Step();
        _adamW.Step();
        _sgd.Step();
        _rmsProp.Step();
    }

    private static Tensor[] Parameters(uint seed)
    {
        var random = new NumpyRandom(seed);
        var parameters = new Tensor[Shapes.Length];
        for (int i = 0; i < Shapes.Length; i++)
        {
            Tensor p = Tensor.Randn(random, Shapes[i]) * 0.05;
            p.RequiresGrad = true;
            p.Grad = Tensor.Randn(random, Shapes[i]) * 0.01;
            parameters[i] = p;
        }
        return parameters;
    }

    /// <summary>An Adam step (L2 weight decay off, PyTorch's defaults).</summary>
    [Benchmark]
    public void AdamStep() => _adam.Step();

    /// <summary>An AdamW step (decoupled weight decay 0.01).</summary>
    [Benchmark]
    public void AdamWStep() => _adamW.Step();

    /// <summary>An SGD step with momentum 0.9 and weight decay 1e-4.</summary>
    [Benchmark]
    public void SgdMomentumStep() => _sgd.Step();

    /// <summary>An RMSprop step (PyTorch's defaults).</summary>
    [Benchmark]
    public void RmsPropStep() => _rmsProp.Step();
}
