using Backprop.Cli.Commands;
using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.Distributed;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Cli.Training;

/// <summary>Turns the options of <c>backprop train</c> into a model and the library's <see cref="TrainingTask"/> for it.</summary>
public static class TrainSetup
{
    /// <summary>The model and the task that trains it.</summary>
    /// <param name="Task">What the <see cref="Trainer"/> steps.</param>
    /// <param name="Model">The trained model (an <see cref="Mlp"/> or a <see cref="Cnn"/>), once the run ends (the scalar engine's is converted to a tensor MLP).</param>
    /// <param name="GradFlow">The gradient-flow recorder, or null.</param>
    /// <param name="Distributed">The data-parallel wrapper of the model in a <c>--distributed</c> run, or null.</param>
    /// <param name="Optimizer">The tensor engine's optimizer (its learning rate is logged), or null for the scalar engine.</param>
    public sealed record Setup(TrainingTask Task, Func<Module> Model, GradientFlowRecorder? GradFlow, DistributedDataParallel? Distributed = null, Optimizer? Optimizer = null);

    /// <summary>The number of outputs a model needs for <paramref name="data"/>: one per class seen in either split.</summary>
    /// <param name="data">The data.</param>
    public static int Classes(DataSource data) => Math.Max(data.Train.Classes, data.Test?.Classes ?? 0);

    /// <summary>The layer widths of the model for <paramref name="options"/> and <paramref name="data"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="data">The data.</param>
    public static int[] Sizes(TrainOptions options, DataSource data) =>
        [data.Train.FeatureCount, .. options.Hidden, options.Engine == "scalar" ? 1 : Classes(data)];

    /// <summary>The side of the square images a CNN reads from <paramref name="data"/>'s rows of pixels.</summary>
    /// <param name="data">The data.</param>
    /// <param name="option">The option that needs images, for the message.</param>
    /// <exception cref="UsageException">The rows are not square images.</exception>
    public static int ImageSize(DataSource data, string option = "--model cnn")
    {
        int features = data.Train.FeatureCount, side = (int)Math.Round(Math.Sqrt(features));
        if (side * side != features || side < 4)
            throw new UsageException($"{option} reads square images (such as mnist's 28x28); '{ConsoleText.Printable(data.Name)}' has {features} features per example");
        return side;
    }

    /// <summary>Builds the model, its optimizer and schedule, and the task.</summary>
    /// <param name="options">The options (already validated).</param>
    /// <param name="data">The data.</param>
    /// <param name="communicator">The ranks of a <c>--distributed</c> run (the model is wrapped in <see cref="DistributedDataParallel"/>, each rank trains on its <see cref="DistributedSampler"/> shard), or null.</param>
    public static Setup Create(TrainOptions options, DataSource data, ICommunicator? communicator = null)
    {
        var random = new NumpyRandom(options.Seed);
        if (options.Engine == "scalar")
        {
            var scalar = new ScalarTrainingTask(data.Train, data.Test, options.Hidden, options.LearningRate ?? 1.0, options.Epochs, options.BatchSize, random);
            return new Setup(scalar, scalar.ToTensorModel, null);
        }
        Module model = options.Model == "cnn"
            ? new Cnn(ImageSize(data), options.Channels ?? TrainOptions.DefaultChannels, Classes(data), random)
            : new Mlp(Sizes(options, data), options.Activation, random, options.Dropout);
        Optimizer optimizer = CreateOptimizer(options.Optimizer, model.Parameters(), options.LearningRate);
        DistributedDataParallel? ddp = communicator is null ? null
            : new DistributedDataParallel(model, communicator, (long)((options.BucketMegabytes ?? 25) * (1 << 20))) { RecordTimeline = communicator.Rank == 0 };
        DataLoader loader = communicator is null
            ? new DataLoader(data.Train, options.BatchSize <= 0 ? data.Train.Count : options.BatchSize, shuffle: true, seed: options.Seed + 1)
            : new DataLoader(data.Train, options.BatchSize <= 0 ? data.Train.Count : options.BatchSize, new DistributedSampler(data.Train.Count, communicator, seed: options.Seed + 1));
        int stepsPerEpoch = loader.BatchCount;
        GradientFlowRecorder? gradFlow = options.GradFlowEvery > 0 ? GradientFlow.Attach(model) : null;
        var task = new ModuleTrainingTask((Module?)ddp ?? model, optimizer, loader, data.Test)
        {
            ReduceLoss = communicator is null ? null : loss => communicator.AllReduce(loss, ReduceOp.Mean),
            Schedule = options.Schedule == "cosine" ? new CosineSchedule(optimizer, options.Epochs * stepsPerEpoch) : null,
            GradientFlow = gradFlow,
            GradientFlowEvery = Math.Max(1, options.GradFlowEvery),
            TrainMetrics = options.TrainMetrics == "running" ? TrainMetrics.Running : TrainMetrics.Evaluate,
            Augment = options.Augment ? new RandomShift(ImageSize(data), 2, new NumpyRandom(options.Seed + 2)).Apply : null,
        };
        return new Setup(task, () => model, gradFlow, ddp, optimizer);
    }

    /// <summary>The optimizer named on the command line, with PyTorch's default rates (SGD: 0.1 with momentum 0.9).</summary>
    /// <param name="name">sgd, adam, adamw or rmsprop.</param>
    /// <param name="parameters">What it updates.</param>
    /// <param name="learningRate">The rate, or null for the default.</param>
    /// <exception cref="UsageException">An unknown name.</exception>
    public static Optimizer CreateOptimizer(string name, IEnumerable<Tensor> parameters, double? learningRate) => name.ToLowerInvariant() switch
    {
        "sgd" => new Sgd(parameters, learningRate ?? 0.1, momentum: 0.9),
        "adam" => new Adam(parameters, learningRate ?? 1e-3),
        "adamw" => new AdamW(parameters, learningRate ?? 1e-3),
        "rmsprop" => new RmsProp(parameters, learningRate ?? 1e-3),
        _ => throw new UsageException($"--optimizer: unknown optimizer '{ConsoleText.Printable(name, 40)}' (expected sgd, adam, adamw or rmsprop)"),
    };
}
