using System.Diagnostics;
using Backprop.Cli.Training;
using Backprop.NN;
using Backprop.Training;

namespace Backprop.Cli.Bench;

/// <summary>What one timed MNIST run measured (the JSON that <c>bench/peers/compare-tensor.sh</c> pairs with PyTorch's).</summary>
/// <param name="TrainingSeconds">Seconds in training steps (what <c>train</c> reports as "s of training").</param>
/// <param name="TotalSeconds">Seconds for the whole run, evaluations included.</param>
/// <param name="Steps">Training steps taken.</param>
/// <param name="MinorFaults">Minor page faults during the run.</param>
/// <param name="AllocatedBytesPerStep">Bytes allocated on the training thread per step.</param>
/// <param name="Gen2Collections">Gen-2 garbage collections during the run.</param>
/// <param name="TestAccuracy">The test accuracy after the last epoch.</param>
/// <param name="Threads">The processor count the run had (DOTNET_PROCESSOR_COUNT limits it).</param>
public sealed record MnistFigures(double TrainingSeconds, double TotalSeconds, int Steps, long MinorFaults,
    double AllocatedBytesPerStep, int Gen2Collections, double TestAccuracy, int Threads);

/// <summary>
/// The README's MNIST run, timed (<c>backprop bench mnist</c>): the same data, model, optimizer and
/// schedule as <c>train --data mnist:DIR --dropout 0.3 --epochs 20 --lr 0.002 --schedule
/// cosine</c>, built by the same setup code and run by the library's <see cref="Trainer"/>, without
/// the files and the console output.
/// </summary>
public static class MnistBenchmark
{
    /// <summary>Runs it and measures it.</summary>
    /// <param name="folder">The MNIST folder.</param>
    /// <param name="epochs">Epochs (the README's run has 20).</param>
    /// <param name="model">"mlp" for the README's run, or "cnn" for <c>train --data mnist --model cnn</c> with its defaults.</param>
    public static MnistFigures Run(string folder, int epochs, string model = "mlp")
    {
        TrainOptions options = model == "cnn" ? CnnOptions(folder, epochs) : ReadmeOptions(folder, epochs);
        DataSource data = DataSource.Load(options.Data, options.TestFraction, options.Seed);
        TrainSetup.Setup setup = TrainSetup.Create(options, data);
        var trainer = new Trainer(setup.Task, epochs);

        long faults = ProcessCounters.MinorFaults();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int gen2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        TrainingResult result = trainer.Run();
        clock.Stop();
        return new MnistFigures(result.Seconds, clock.Elapsed.TotalSeconds, result.Steps,
            ProcessCounters.MinorFaults() - faults,
            (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)Math.Max(1, result.Steps),
            GC.CollectionCount(2) - gen2,
            result.Final?.TestAccuracy ?? double.NaN, Environment.ProcessorCount);
    }

    /// <summary>
    /// The README's run as <c>train</c> options: 784-256-128-10 with ReLU and dropout 0.3, Adam at
    /// 2e-3, the cosine schedule, batches of 128.
    /// </summary>
    /// <param name="folder">The MNIST folder.</param>
    /// <param name="epochs">Epochs.</param>
    public static TrainOptions ReadmeOptions(string folder, int epochs) =>
        new($"mnist:{folder}", "tensor", [256, 128], ActivationKind.Relu, "adam", 0.002,
            epochs, BatchSize: 128, Seed: 0, Out: null, TestFraction: null, Dropout: 0.3, Schedule: "cosine");

    /// <summary>
    /// <c>train --data mnist --model cnn</c>'s defaults as options: conv blocks of 16 and 32
    /// channels (3×3, batch norm, ReLU, 2×2 max pool) and a linear head, Adam at its default
    /// 1e-3 with the cosine schedule, images shifted by up to ±2 pixels, batches of 128, the
    /// training split's figures from the epochs' own steps (only the test split scored after
    /// each epoch).
    /// </summary>
    /// <param name="folder">The MNIST folder.</param>
    /// <param name="epochs">Epochs.</param>
    public static TrainOptions CnnOptions(string folder, int epochs) =>
        new($"mnist:{folder}", "tensor", [], ActivationKind.Relu, "adam", null,
            epochs, BatchSize: 128, Seed: 1, Out: null, TestFraction: null, Dropout: 0, Schedule: "cosine",
            Model: "cnn", Channels: TrainOptions.DefaultChannels, Augment: true, TrainMetrics: "running");
}
