using BenchmarkDotNet.Attributes;
using Backprop.Cli.Bench;
using Backprop.Cli.Training;
using Backprop.Training;

namespace Backprop.Benchmarks;

/// <summary>
/// One epoch of the README's MNIST run end to end (63 steps of 784-256-128-10 with dropout 0.3,
/// Adam and the cosine schedule, then the evaluation of both splits), built by the same setup
/// code as <c>backprop train</c> and run by the library's <see cref="Trainer"/>. Needs the
/// shipped digits in data/mnist-10k (or BACKPROP_MNIST naming another folder).
/// </summary>
[MemoryDiagnoser]
public class MnistEpochBenchmarks
{
    private DataSource _data = null!;
    private TrainOptions _options = null!;

    /// <summary>Loads the digits once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string folder = Environment.GetEnvironmentVariable("BACKPROP_MNIST") ?? Path.Combine(FindRoot(), "data", "mnist-10k");
        _options = MnistBenchmark.ReadmeOptions(folder, epochs: 1);
        _data = DataSource.Load(_options.Data, _options.TestFraction, _options.Seed);
    }

    /// <summary>A fresh model trained for one epoch and evaluated.</summary>
    [Benchmark]
    public int Epoch() => new Trainer(TrainSetup.Create(_options, _data).Task, epochs: 1).Run().Steps;

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        }
        return Environment.CurrentDirectory;
    }
}
