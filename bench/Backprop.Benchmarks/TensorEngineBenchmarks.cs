using BenchmarkDotNet.Attributes;
using Backprop.Cli.Bench;
using Backprop.Data;
using Backprop.Random;

namespace Backprop.Benchmarks;

/// <summary>The tensor engine's workloads from the issue (matmul has its own suite, <see cref="MatMulBenchmarks"/>).</summary>
[MemoryDiagnoser]
public class TensorEngineBenchmarks
{
    private Tensor _a = null!, _b = null!, _x = null!, _labels = null!, _moons = null!, _signs = null!;
    private RawTensorMlp _mlp = null!, _small = null!;

    /// <summary>Inputs and models, seeded.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _a = Tensor.Ones(1);
        _b = Tensor.Ones(1);
        _a.RequiresGrad = _b.RequiresGrad = true;
        _mlp = new RawTensorMlp([784, 256, 128, 10], seed: 1);
        _x = Tensor.Randn(new NumpyRandom(2), 128, 784);
        _labels = Tensor.FromArray(Enumerable.Range(0, 128).Select(i => (long)(i % 10)).ToArray());
        (double[][] points, int[] classes) = TwoMoons.Generate(100, 0.1, seed: 3);
        _moons = Tensor.FromArray(points.SelectMany(p => p.Select(v => (float)v)).ToArray(), 100, 2);
        _signs = Tensor.FromArray(classes.Select(c => c * 2f - 1).ToArray(), 100, 1);
        _small = new RawTensorMlp([2, 16, 16, 1], seed: 4);
    }

    /// <summary>A 1-element multiply, forward and backward.</summary>
    [Benchmark]
    public void OneElementMul() => (_a * _b).Backward();

    /// <summary>One training step of the 784-256-128-10 MLP on a batch of 128 (raw tensors, cross entropy, SGD).</summary>
    [Benchmark]
    public double MlpStep() => _mlp.Step(_x, logits => Losses.CrossEntropy(logits, _labels));

    /// <summary>One training step of the 2-16-16-1 MLP on 100 two-moons points (hinge loss + L2).</summary>
    [Benchmark]
    public double MoonsStep() => _small.Step(_moons, scores =>
    {
        Tensor loss = (1.0 - _signs * scores).Relu().Mean();
        foreach (Tensor p in _small.Parameters()) loss += (p * p).Sum() * 1e-4;
        return loss;
    });
}
