using BenchmarkDotNet.Attributes;
using Backprop.Cli.Bench;

namespace Backprop.Benchmarks;

/// <summary>The tensor engine's workloads from the issue (matmul has its own suite, <see cref="MatMulBenchmarks"/>).</summary>
[MemoryDiagnoser]
public class TensorEngineBenchmarks
{
    private TensorWorkloads _workloads = null!;

    /// <summary>Inputs and models, seeded.</summary>
    [GlobalSetup]
    public void Setup() => _workloads = new TensorWorkloads();

    /// <summary>A 1-element multiply, forward and backward.</summary>
    [Benchmark]
    public void OneElementMul() => _workloads.OneElementMul();

    /// <summary>One training step of the 784-256-128-10 MLP on a batch of 128 (raw tensors, cross entropy, SGD).</summary>
    [Benchmark]
    public double MlpStep() => _workloads.RawMlpStep();

    /// <summary>The same step with nn modules and the Sgd optimizer.</summary>
    [Benchmark]
    public double ModuleMlpStep() => _workloads.ModuleMlpStep();

    /// <summary>One training step of the 2-16-16-1 MLP on 100 two-moons points (hinge loss + L2).</summary>
    [Benchmark]
    public double MoonsStep() => _workloads.MoonsStep();
}
