using System.Diagnostics;
using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Cli.Bench;

/// <summary>What <c>backprop bench playground</c> measured (the JSON that <c>bench/peers/compare-playground.sh</c> pairs with TF Playground's).</summary>
/// <param name="EpochMicroseconds">Median time of one epoch's training steps (25 steps of 10 points), evaluation excluded.</param>
/// <param name="SamplesPerSecond">Training samples (forward + backward + update) per second at that median.</param>
/// <param name="StepMicroseconds">Median epoch time divided by its 25 steps.</param>
/// <param name="EpochWithEvaluationMicroseconds">Median wall time of a whole epoch as the trainer runs it: the steps, then the loss and accuracy on the 250 training and 250 test points.</param>
/// <param name="AllocatedBytesPerStep">Bytes allocated on the training thread per step, over whole trainer runs (evaluations included).</param>
/// <param name="GridMilliseconds">Median time of the decision grid: 100×100 points through the network, every layer's activations kept.</param>
/// <param name="FinalTrainLoss">The training loss after the last timed run (a sanity check: it must fall).</param>
/// <param name="Threads">The processor count (DOTNET_PROCESSOR_COUNT limits it).</param>
public sealed record PlaygroundFigures(double EpochMicroseconds, double SamplesPerSecond, double StepMicroseconds,
    double EpochWithEvaluationMicroseconds, double AllocatedBytesPerStep, double GridMilliseconds, double FinalTrainLoss, int Threads);

/// <summary>
/// TF Playground's workload on the library's public training path (<c>backprop bench
/// playground</c>): 7 input features, six hidden layers of 8 tanh units and a tanh output
/// (a <see cref="Sequential"/> of <see cref="Linear"/> and <see cref="Activation"/>), squared
/// error against ±1 labels, 250 training points in batches of 10, plain <see cref="Sgd"/>, run by
/// <see cref="ModuleTrainingTask"/> and <see cref="Trainer"/> as the playground runs it; and the
/// 100×100 decision grid that draws every neuron's heatmap.
/// </summary>
/// <remarks>
/// The points are the same deterministic ones <c>bench/peers/tf_playground_bench.mjs</c> makes
/// (a formula, no generator), so both engines do the same arithmetic on the same numbers.
/// </remarks>
public static class PlaygroundBenchmark
{
    /// <summary>TF Playground's network: 7 features, 6 × 8 hidden, 1 output.</summary>
    public static readonly int[] Sizes = [7, 8, 8, 8, 8, 8, 8, 1];

    /// <summary>Training points (TF Playground's 500 points at its default 50% training ratio).</summary>
    public const int TrainPoints = 250;

    /// <summary>Points per step (TF Playground's default batch size).</summary>
    public const int BatchSize = 10;

    /// <summary>Side of the decision grid (TF Playground's <c>DENSITY</c>).</summary>
    public const int GridSide = 100;

    /// <summary>TF Playground's default learning rate.</summary>
    public const double LearningRate = 0.03;

    private const int EpochsPerRun = 40;

    /// <summary>Runs the workload and measures it.</summary>
    /// <param name="runs">Timed trainer runs of 40 epochs each (the figures are medians over them).</param>
    /// <param name="warmupMilliseconds">Untimed work first, so that tiered compilation reaches its optimised code.</param>
    public static PlaygroundFigures Run(int runs = 25, int warmupMilliseconds = 2000)
    {
        Dataset train = Points(TrainPoints, offset: 0), test = Points(TrainPoints, offset: TrainPoints);
        Sequential model = Network(new NumpyRandom(1));
        var optimizer = new Sgd(model.Parameters(), LearningRate);
        Tensor targets = TargetTable();
        var task = new ModuleTrainingTask(model, optimizer, train, test, BatchSize, shuffleSeed: 2, loss: (output, labels) => SquaredError(output, labels, targets));
        Tensor grid = Grid();
        List<float[]> heatmaps = HeatmapBuffers();

        var warming = Stopwatch.StartNew();
        while (warming.ElapsedMilliseconds < warmupMilliseconds)
        {
            new Trainer(task, EpochsPerRun / 4).Run();
            GridForward(model, grid, heatmaps);
        }

        var epochs = new double[runs];
        var whole = new double[runs];
        long allocated = 0, steps = 0;
        double finalLoss = double.NaN;
        var clock = new Stopwatch();
        for (int r = 0; r < runs; r++)
        {
            var trainer = new Trainer(task, EpochsPerRun);
            long before = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            TrainingResult result = trainer.Run();
            clock.Stop();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            steps += result.Steps;
            epochs[r] = result.Seconds * 1e6 / EpochsPerRun;
            whole[r] = clock.Elapsed.TotalMicroseconds / EpochsPerRun;
            finalLoss = result.Final?.TrainLoss ?? double.NaN;
        }

        var grids = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            clock.Restart();
            GridForward(model, grid, heatmaps);
            grids[r] = clock.Elapsed.TotalMilliseconds;
        }

        double epoch = Median(epochs);
        int stepsPerEpoch = (TrainPoints + BatchSize - 1) / BatchSize;
        return new PlaygroundFigures(epoch, TrainPoints / (epoch / 1e6), epoch / stepsPerEpoch, Median(whole),
            allocated / (double)Math.Max(1, steps), Median(grids), finalLoss, Environment.ProcessorCount);
    }

    /// <summary>The network: Linear and tanh, the output included (TF Playground's output activation is tanh for classification).</summary>
    /// <param name="random">The generator for the initial weights.</param>
    public static Sequential Network(NumpyRandom random)
    {
        var model = new Sequential();
        for (int i = 0; i + 1 < Sizes.Length; i++)
        {
            model.Add(new Linear(Sizes[i], Sizes[i + 1], random));
            model.Add(new Activation(ActivationKind.Tanh));
        }
        return model;
    }

    /// <summary>TF Playground's targets by class, as [2, 1] rows: class 0 is -1, class 1 is +1 (make it outside any <see cref="Tensor.Scope"/>: it outlives the steps).</summary>
    public static Tensor TargetTable() => Tensor.FromArray([-1f, 1f], 2, 1);

    /// <summary>
    /// Squared error of the [B, 1] outputs against the labels 0/1 read as -1/+1 (TF Playground's
    /// targets), looked up in <paramref name="targets"/> (<see cref="TargetTable"/>) as the
    /// playground's server does: one op a step instead of converting the labels.
    /// </summary>
    /// <param name="output">The network's outputs (float32).</param>
    /// <param name="labels">Int64 classes [B].</param>
    /// <param name="targets">The table of targets by class.</param>
    public static Tensor SquaredError(Tensor output, Tensor labels, Tensor targets) => Losses.MseLoss(output, targets.IndexSelect(0, labels));

    /// <summary>
    /// <paramref name="count"/> points on the plane in [-6, 6]², labelled by a circle of radius 3
    /// (TF Playground's "circle" data set, without its random generator), as TF Playground's
    /// seven input features: x1, x2, x1², x2², x1·x2, sin x1, sin x2.
    /// </summary>
    /// <param name="count">How many points.</param>
    /// <param name="offset">Index of the first point (the test points follow the training points).</param>
    public static Dataset Points(int count, int offset)
    {
        var features = new float[count * 7];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int k = i + offset;
            // A low-discrepancy sequence: deterministic, spread over the square, the same in JavaScript.
            double x = 12 * Fraction(k * 0.6180339887498949) - 6, y = 12 * Fraction(k * 0.7548776662466927) - 6;
            Features(x, y, features.AsSpan(i * 7, 7));
            labels[i] = x * x + y * y < 9 ? 1 : 0;
        }
        return new Dataset(Tensor.FromArray(features, count, 7), Tensor.FromArray(labels), classes: 2);
    }

    /// <summary>The 100×100 grid over [-6, 6]² (TF Playground's decision boundary), as [10000, 7] features.</summary>
    public static Tensor Grid()
    {
        var features = new float[GridSide * GridSide * 7];
        for (int i = 0; i < GridSide; i++)
        {
            for (int j = 0; j < GridSide; j++)
            {
                double x = -6 + 12.0 * j / (GridSide - 1), y = 6 - 12.0 * i / (GridSide - 1);
                Features(x, y, features.AsSpan((i * GridSide + j) * 7, 7));
            }
        }
        return Tensor.FromArray(features, GridSide * GridSide, 7);
    }

    /// <summary>
    /// The grid through the network without recording a graph, every layer's output kept (each
    /// neuron's heatmap): the activations after each tanh are copied into
    /// <paramref name="heatmaps"/>, arrays the caller keeps from frame to frame (as TF
    /// Playground keeps its boundary arrays).
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="grid">The grid's features.</param>
    /// <param name="heatmaps">One array per activation layer, at least grid rows × units long.</param>
    public static void GridForward(Sequential model, Tensor grid, IReadOnlyList<float[]> heatmaps)
    {
        using (Autograd.NoGrad())
        using (Tensor.Scope())
        {
            Tensor x = grid;
            int kept = 0;
            foreach (Module layer in model.Layers)
            {
                x = layer.Forward(x);
                if (layer is Activation) x.CopyTo<float>(heatmaps[kept++]);
            }
        }
    }

    /// <summary>Arrays for <see cref="GridForward"/>: one per activation layer of the network.</summary>
    public static List<float[]> HeatmapBuffers() => [.. Sizes.Skip(1).Select(units => new float[GridSide * GridSide * units])];

    private static void Features(double x, double y, Span<float> into)
    {
        into[0] = (float)x;
        into[1] = (float)y;
        into[2] = (float)(x * x);
        into[3] = (float)(y * y);
        into[4] = (float)(x * y);
        into[5] = (float)Math.Sin(x);
        into[6] = (float)Math.Sin(y);
    }

    private static double Fraction(double v) => v - Math.Floor(v);

    private static double Median(double[] values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
