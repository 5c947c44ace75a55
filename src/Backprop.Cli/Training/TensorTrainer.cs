using Backprop.Memory;
using System.Diagnostics;
using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Plots;
using Backprop.Random;

namespace Backprop.Cli.Training;

/// <summary>Trains an <see cref="Mlp"/> with the tensor engine: mini-batches, cross entropy, an optimizer, evaluation after each epoch.</summary>
public static class TensorTrainer
{
    /// <summary>Runs the training described by <paramref name="options"/>.</summary>
    /// <param name="options">The command-line options.</param>
    /// <param name="data">The data.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="cancel">Stops after the current step (Ctrl+C).</param>
    /// <returns>The trained model and the report.</returns>
    public static (Mlp Model, TrainingReport Report) Run(TrainOptions options, DataSource data, ITrainingProgress progress, CancellationToken cancel)
    {
        var random = new NumpyRandom(options.Seed);
        int[] sizes = [data.Train.FeatureCount, .. options.Hidden, data.Train.Classes];
        var model = new Mlp(sizes, options.Activation, random, options.Dropout);
        Optimizer optimizer = CreateOptimizer(options.Optimizer, model.Parameters(), options.LearningRate);
        int batchSize = options.BatchSize <= 0 ? data.Train.Count : options.BatchSize;
        var loader = new DataLoader(data.Train, batchSize, shuffle: true, seed: options.Seed + 1);
        LearningRateSchedule? schedule = options.Schedule switch
        {
            "cosine" => new CosineSchedule(optimizer, options.Epochs * loader.BatchCount),
            "none" => null,
            _ => throw new ArgumentException($"--schedule: unknown schedule '{options.Schedule}' (expected none or cosine)"),
        };

        GradientFlowRecorder? gradFlow = options.GradFlowEvery > 0 ? GradientFlow.Attach(model) : null;
        progress.Start(options.Epochs, loader.BatchCount);
        var epochs = new List<EpochMetrics>();
        var clock = new Stopwatch();
        int steps = 0;
        bool interrupted = false;
        for (int epoch = 1; epoch <= options.Epochs && !interrupted; epoch++)
        {
            model.Train();
            clock.Start();
            int batchNumber = 0;
            using IEnumerator<Batch> batches = loader.GetEnumerator();
            while (true)
            {
                // The batch, activations and gradients of one step go back to the pool at its end.
                using TensorScope step = Tensor.Scope();
                if (!batches.MoveNext()) break;
                Batch batch = batches.Current;
                optimizer.ZeroGrad();
                Tensor loss = Losses.CrossEntropy(model.Forward(batch.Features), batch.Labels);
                loss.Backward();
                bool recording = gradFlow is not null && steps % options.GradFlowEvery == 0;
                if (recording) gradFlow!.RecordGradients(steps);
                optimizer.Step();
                if (recording) gradFlow!.RecordUpdate(steps);
                schedule?.Step();
                steps++;
                progress.Batch(epoch, ++batchNumber, loss.Item());
                if (cancel.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }
            }
            clock.Stop();
            if (interrupted && batchNumber < loader.BatchCount) break;
            EpochMetrics metrics = Evaluate(model, data, epoch);
            epochs.Add(metrics);
            progress.Epoch(metrics, clock.Elapsed.TotalSeconds);
        }
        model.Eval();
        return (model, new TrainingReport(epochs, steps, clock.Elapsed.TotalSeconds, interrupted, gradFlow));
    }

    /// <summary>Loss and accuracy on the training and test sets after an epoch.</summary>
    public static EpochMetrics Evaluate(Module model, DataSource data, int epoch)
    {
        (double trainLoss, double trainAccuracy) = Evaluation.Measure(model, data.Train);
        (double? testLoss, double? testAccuracy) = (null, null);
        if (data.Test is Dataset test) (testLoss, testAccuracy) = Evaluation.Measure(model, test);
        return new EpochMetrics(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy);
    }

    /// <summary>The optimizer named on the command line, with PyTorch's default rates (SGD: 0.1 with momentum 0.9).</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static Optimizer CreateOptimizer(string name, IEnumerable<Tensor> parameters, double? learningRate) => name.ToLowerInvariant() switch
    {
        "sgd" => new Sgd(parameters, learningRate ?? 0.1, momentum: 0.9),
        "adam" => new Adam(parameters, learningRate ?? 1e-3),
        "adamw" => new AdamW(parameters, learningRate ?? 1e-3),
        "rmsprop" => new RmsProp(parameters, learningRate ?? 1e-3),
        _ => throw new ArgumentException($"--optimizer: unknown optimizer '{name}' (expected sgd, adam, adamw or rmsprop)"),
    };
}
