using Backprop;
using Backprop.Cli.Bench;
using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

/// <summary>
/// What bench/paired times in each build: `backprop bench playground`'s trainer (TF Playground's
/// 7-8×6-1 tanh network, 250 points in batches of 10, SGD), its epochs' training time alone.
/// </summary>
public static class PairedWorkload
{
    private static ModuleTrainingTask? _task;

    /// <summary>Builds the task once (the same seeds as the benchmark).</summary>
    public static void Setup()
    {
        Dataset train = PlaygroundBenchmark.Points(PlaygroundBenchmark.TrainPoints, 0);
        Dataset test = PlaygroundBenchmark.Points(PlaygroundBenchmark.TrainPoints, PlaygroundBenchmark.TrainPoints);
        Sequential model = PlaygroundBenchmark.Network(new NumpyRandom(1));
        var optimizer = new Sgd(model.Parameters(), PlaygroundBenchmark.LearningRate);
        Tensor targets = PlaygroundBenchmark.TargetTable();
        _task = new ModuleTrainingTask(model, optimizer, train, test, PlaygroundBenchmark.BatchSize, shuffleSeed: 2,
            loss: (output, labels) => PlaygroundBenchmark.SquaredError(output, labels, targets));
    }

    /// <summary>Trains <paramref name="epochs"/> more epochs and returns their training seconds (evaluation excluded, as the benchmark reports).</summary>
    public static double Epochs(int epochs) => new Trainer(_task!, epochs).Run().Seconds;
}
