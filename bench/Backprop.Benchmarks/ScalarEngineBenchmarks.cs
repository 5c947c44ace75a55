using BenchmarkDotNet.Attributes;
using Backprop.Cli.Bench;

namespace Backprop.Benchmarks;

/// <summary>The scalar engine's two workloads from the issue: micrograd's demo step and the million-step chain.</summary>
[MemoryDiagnoser]
public class ScalarEngineBenchmarks
{
    private MicrogradDemo _demo = null!;

    /// <summary>A fresh demo (data and model) for each run.</summary>
    [GlobalSetup]
    public void Setup() => _demo = new MicrogradDemo();

    /// <summary>One training step: forward over 100 points, loss, backward, SGD update (about 65,600 nodes).</summary>
    [Benchmark]
    public double MicrogradDemoStep() => _demo.Step().Loss.Data;

    /// <summary><c>x = (x * 1.0001 + 0.5).Relu()</c> a million times, forward and backward.</summary>
    [Benchmark]
    public double MillionStepChain() => ScalarChain.Run(1_000_000).Grad;
}
