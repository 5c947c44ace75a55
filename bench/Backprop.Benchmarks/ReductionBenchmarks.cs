using BenchmarkDotNet.Attributes;
using Backprop.Random;

namespace Backprop.Benchmarks;

/// <summary>Float32 sums over all elements and along a dimension, at 1M and 100M elements.</summary>
[MemoryDiagnoser]
public class ReductionBenchmarks
{
    private Tensor _vector = null!;
    private Tensor _columns = null!;

    /// <summary>The number of elements.</summary>
    [Params(1_000_000, 100_000_000)]
    public int Count { get; set; }

    /// <summary>Uniform values in [0, 1), seeded.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _vector = Tensor.Rand(new NumpyRandom(0), Count);
        _columns = _vector.Reshape(Count / 4, 4);
    }

    /// <summary>The sum of every element.</summary>
    [Benchmark]
    public double Sum() => _vector.Sum().Item();

    /// <summary>Column sums of a [n/4, 4] matrix (the reduction along a leading dimension).</summary>
    [Benchmark]
    public Tensor SumAlongRows() => _columns.Sum(0);
}
