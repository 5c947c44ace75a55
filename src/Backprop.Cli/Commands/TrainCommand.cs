using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Training;
using Backprop.Distributed;
using Backprop.IO;
using Backprop.NN;
using Backprop.Plots;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop train</c>: trains an MLP on a generated data set or MNIST with the library's
/// <see cref="Trainer"/>, with a progress bar, a final table, and <c>model.safetensors</c>,
/// <c>metrics.csv</c>, <c>loss.png</c> and (for 2-D data) <c>decision-boundary.png</c> in a fresh
/// output folder. Ctrl+C, SIGTERM and SIGHUP stop after the current step, save what was learned,
/// and exit with 128 + the signal; a loss that becomes NaN or infinite stops the run, keeps the
/// last finite weights and exits with 1.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit code after Ctrl+C (128 + SIGINT), once the model is saved.</summary>
    public const int Interrupted = 130;

    /// <summary>Builds the command.</summary>
    /// <param name="console">Where progress and results go.</param>
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "moons, circles, spirals, blobs, mnist (the 10,000 shipped digits), mnist-full or fashion-mnist (70,000 images, downloaded once into the user cache), or mnist:DIR", Required = true };
        var engine = new Option<string>("--engine") { Description = "tensor or scalar (micrograd's Value engine; binary data, SGD only)", DefaultValueFactory = _ => "tensor" };
        engine.AcceptOnlyFromAmong("tensor", "scalar");
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer widths, e.g. 16,16 (default 16,16; 256,128 for MNIST)" };
        var activation = new Option<string>("--activation") { Description = "relu, tanh, sigmoid, gelu or leakyrelu", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong("relu", "tanh", "sigmoid", "gelu", "leakyrelu");
        var optimizer = new Option<string?>("--optimizer") { Description = "sgd, adam, adamw or rmsprop (default adam; the scalar engine uses SGD)" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw", "rmsprop");
        var lr = NumberOptions.OptionalDouble("--lr", "Learning rate (default: the optimizer's; 1.0 for the scalar engine)", 0, double.MaxValue, minExclusive: true);
        var epochs = NumberOptions.OptionalInt("--epochs", "Passes over the training data (default 20; 100 for the scalar engine)", 1, 1_000_000);
        var batchSize = NumberOptions.OptionalInt("--batch-size", "Examples per step, 0 for the whole set (default 64; 128 for MNIST; the whole set for the scalar engine)", 0);
        var seed = NumberOptions.Seed("--seed", "Seed of the data, weights, shuffling and dropout", 1);
        var output = new Option<string?>("--out") { Description = "Output folder (default: a fresh out/train/<data>-<time>)", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Replace the model (and the other outputs) already in --out" };
        var testFraction = NumberOptions.OptionalDouble("--test-fraction", "Share held out for testing, 0 to 0.9 (default 0.2 for one MNIST file pair, 0 for generated data)", 0, 0.9);
        var dropout = NumberOptions.OptionalDouble("--dropout", "Dropout after each hidden activation, 0 to below 1 (tensor engine)", 0, 1, maxExclusive: true);
        var schedule = new Option<string?>("--schedule") { Description = "Learning-rate schedule: none, or cosine (to 0 over the run; tensor engine; default cosine for --model cnn, else none)" };
        schedule.AcceptOnlyFromAmong("none", "cosine");
        var modelKind = new Option<string>("--model") { Description = "mlp, or cnn (3x3 convolution blocks with batch norm, ReLU and max pooling, then a linear head; square images such as mnist)", DefaultValueFactory = _ => "mlp" };
        modelKind.AcceptOnlyFromAmong("mlp", "cnn");
        var channels = new Option<string?>("--channels") { Description = "Output channels of the CNN's convolution blocks (default 16,32; --model cnn)" };
        var trainMetrics = new Option<string?>("--train-metrics") { Description = "How the training split's loss and accuracy are reported after each epoch: evaluate (score it again with the epoch's weights) or running (the mean over the epoch's batches, as trained: free); default running for --model cnn, else evaluate" };
        trainMetrics.AcceptOnlyFromAmong("evaluate", "running");
        var augment = new Option<bool>("--augment") { Description = "Shift each training image by up to ±2 pixels at random (seeded; square images such as mnist; on by default for --model cnn, --augment false turns it off)" };
        var gradFlow = NumberOptions.Int("--gradflow", "Record gradient-flow statistics every N steps and write gradflow.csv and pictures (tensor engine; 0: off)", 0, 0);
        gradFlow.HelpName = "N";
        var distributed = new Option<bool>("--distributed") { Description = "Data-parallel training over MPI: run under mpirun -np N; each rank trains on its shard with --batch-size examples per step, rank 0 prints and saves (tensor engine)" };
        var bucketMb = NumberOptions.OptionalDouble("--bucket-mb", "All-reduce bucket size in MiB for --distributed (default 25, as PyTorch)", 0, 1 << 20, minExclusive: true);
        var peerTimeout = NumberOptions.OptionalDouble("--peer-timeout", "Seconds a --distributed rank waits for the others in a collective before it aborts the job (default 60)", 0, 86400, minExclusive: true);
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Also log each epoch (losses, accuracies, learning rate, histograms of every weight and gradient) as TensorBoard event files in DIR: tensorboard --logdir DIR (tensor engine)", HelpName = "DIR" };
        Option<bool> noMemoryCheck = MemoryCheck.CreateOption();
        Option<int> maxData = DataLimitOption.Create();

        var command = new Command("train", "Train an MLP or a CNN and write the model, its metrics and pictures")
        {
            data, engine, hidden, activation, optimizer, lr, epochs, batchSize, seed, output, force, testFraction, dropout, schedule, gradFlow, noMemoryCheck, maxData,
            modelKind, channels, augment, distributed, bucketMb, peerTimeout, tensorBoard, trainMetrics,
        };
        command.SetAction(parsed =>
        {
            string spec = parsed.GetValue(data)!;
            bool mnist = spec.Equals("mnist", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("mnist:", StringComparison.OrdinalIgnoreCase);
            bool scalar = parsed.GetValue(engine) == "scalar";
            bool cnn = parsed.GetValue(modelKind) == "cnn";
            if (cnn && scalar) throw new UsageException("--model cnn needs the tensor engine (the scalar engine trains MLPs only)");
            if (!cnn && parsed.GetValue(channels) is not null) throw new UsageException("--channels sets the CNN's widths; add --model cnn");
            if (cnn && parsed.GetValue(dropout) is > 0) throw new UsageException("--dropout applies to the MLP's hidden layers; the CNN has none");
            if (scalar && parsed.GetValue(augment)) throw new UsageException("--augment works with the tensor engine only");
            if (scalar && parsed.GetValue(trainMetrics) is "running") throw new UsageException("--train-metrics running works with the tensor engine only");
            if (scalar && parsed.GetValue(distributed)) throw new UsageException("--distributed works with the tensor engine only");
            if (!parsed.GetValue(distributed) && parsed.GetValue(bucketMb) is not null) throw new UsageException("--bucket-mb sets the all-reduce buckets of --distributed; add --distributed");
            if (!parsed.GetValue(distributed) && parsed.GetValue(peerTimeout) is not null) throw new UsageException("--peer-timeout applies to --distributed runs; add --distributed");
            if (scalar)
            {
                // The scalar engine is micrograd's demo: plain SGD, no dropout, its own rate decay.
                if (parsed.GetValue(dropout) is > 0) throw new UsageException("--dropout works with the tensor engine only (the scalar engine is micrograd's demo, without dropout)");
                if (parsed.GetValue(optimizer) is string o && o != "sgd") throw new UsageException($"--optimizer {o}: the scalar engine uses SGD only; leave --optimizer out or use --engine tensor");
                if (parsed.GetValue(schedule) is "cosine") throw new UsageException("--schedule cosine works with the tensor engine only (the scalar engine decays the rate linearly, as micrograd's demo)");
                if (parsed.GetValue(gradFlow) > 0) throw new UsageException("--gradflow works with the tensor engine only");
                if (parsed.GetValue(tensorBoard) is not null) throw new UsageException("--tensorboard works with the tensor engine only");
            }
            var options = new TrainOptions(
                spec,
                scalar ? "scalar" : "tensor",
                ParseHidden(parsed.GetValue(hidden) ?? (mnist ? "256,128" : "16,16")),
                Activation.Parse(parsed.GetValue(activation)!),
                scalar ? "sgd" : parsed.GetValue(optimizer) ?? "adam",
                parsed.GetValue(lr),
                parsed.GetValue(epochs) ?? (scalar ? 100 : 20),
                parsed.GetValue(batchSize) ?? (scalar ? 0 : mnist ? 128 : 64),
                parsed.GetValue(seed) ?? 1,
                parsed.GetValue(output),
                parsed.GetValue(testFraction),
                parsed.GetValue(dropout) ?? 0,
                // The CNN's defaults (shifted images, a cosine schedule) are what take it past
                // 98.5 % on the held-out digits: without them it overfits the 8,000 (98.1 %).
                parsed.GetValue(schedule) ?? (cnn ? "cosine" : "none"),
                parsed.GetValue(gradFlow),
                parsed.GetValue(force),
                !parsed.GetValue(noMemoryCheck),
                parsed.GetValue(maxData),
                cnn ? "cnn" : "mlp",
                parsed.GetValue(channels) is string c ? ParseHidden(c, "--channels") : null,
                parsed.GetResult(augment) is { Implicit: false } ? parsed.GetValue(augment) : cnn,
                parsed.GetValue(distributed),
                parsed.GetValue(bucketMb),
                parsed.GetValue(peerTimeout),
                parsed.GetValue(tensorBoard),
                // A CNN's second forward pass over the training split would cost a third of its
                // training time each epoch; the running figures are what its steps computed anyway.
                parsed.GetValue(trainMetrics) ?? (cnn ? "running" : "evaluate"));
            return options.Distributed ? DistributedTraining.Run(console, options) : Run(console, options);
        });
        return command;
    }

    /// <summary>Trains as <paramref name="options"/> say and writes the results.</summary>
    /// <param name="console">Where progress and results go.</param>
    /// <param name="options">What to do.</param>
    /// <param name="communicator">The ranks of a data-parallel run (<see cref="DistributedTraining"/>), or null: then only rank 0 prints and writes.</param>
    /// <returns>0; or 128 + the signal's number after Ctrl+C, SIGTERM or SIGHUP.</returns>
    /// <exception cref="CommandFailedException">The loss stopped being finite (after the last finite weights are saved).</exception>
    public static int Run(IAnsiConsole console, TrainOptions options, ICommunicator? communicator = null)
    {
        bool root = communicator is null || communicator.Rank == 0;
        if (!root) console = DistributedTraining.Silent;
        if (options.Epochs < 1) throw new UsageException($"--epochs must be at least 1, got {options.Epochs}");
        if (options.BatchSize < 0) throw new UsageException($"--batch-size must be 0 (whole set) or more, got {options.BatchSize}");
        if (options.GradFlowEvery < 0) throw new UsageException($"--gradflow must be 0 (off) or a number of steps, got {options.GradFlowEvery}");
        if (options.GradFlowEvery > 0 && options.Engine == "scalar") throw new UsageException("--gradflow works with the tensor engine only");
        DataSource data = DataSource.Load(options.Data, options.TestFraction, options.Seed, options.MaxDataMegabytes, console);
        if (options.Engine == "scalar" && TrainSetup.Classes(data) != 2)
            throw new UsageException($"--engine scalar trains binary classifiers (micrograd's demo); '{ConsoleText.Printable(data.Name)}' has {TrainSetup.Classes(data)} classes");
        int[] sizes = TrainSetup.Sizes(options, data);
        // Refused before any folder is made; a CNN (which augments by default) is checked below under its own name.
        if (options.Augment && options.Model != "cnn") _ = TrainSetup.ImageSize(data, "--augment");
        if (options.Model == "cnn")
        {
            int side = TrainSetup.ImageSize(data);
            int[] widths = options.Channels ?? TrainOptions.DefaultChannels;
            if (widths.Length > 6 || widths.Any(w => w > 4096) || side >> widths.Length < 1)
                throw new UsageException($"--channels: {widths.Length} blocks of up to {widths.Max()} channels do not fit {side}x{side} images (each block halves the image; at most 6 blocks of 4096)");
            MemoryCheck.Require(TrainingMemory.EstimateCnn(options, data, side, widths), $"training a CNN of {string.Join("-", widths)} channels", !options.CheckMemory);
        }
        else
        {
            MemoryCheck.Require(TrainingMemory.Estimate(options, data, sizes), $"training an MLP of {ConsoleText.Printable(string.Join("-", sizes), 80)}", !options.CheckMemory);
        }
        if (options.TensorBoard is not null && options.Engine == "scalar") throw new UsageException("--tensorboard works with the tensor engine only");
        string PrepareFolders()
        {
            if (options.TensorBoard is string logDir) OutputFolder.Prepare(logDir, "--tensorboard folder");
            return RunFolder.Prepare(options.Out, data.ShortName, options.Force, DateTime.Now);
        }
        string folder = communicator is null ? PrepareFolders() : DistributedTraining.PrepareFolder(communicator, PrepareFolders);
        console.WriteLine($"data: {ConsoleText.Printable(data.Name)}: {data.Train.Count} training examples{(data.Test is null ? "" : $", {data.Test.Count} test examples")}, {data.Train.FeatureCount} features, {TrainSetup.Classes(data)} classes");
        console.WriteLine($"output: {ConsoleText.Printable(folder)}");

        TrainSetup.Setup setup = TrainSetup.Create(options, data, communicator);
        var trainer = new Trainer(setup.Task, options.Epochs);
        // Only rank 0 writes the event file; the others train without one.
        using TensorBoardLog? tensorBoard = root && options.TensorBoard is string tensorBoardDir ? TensorBoardLog.Open(tensorBoardDir, trainer, setup.Model(), setup.Optimizer) : null;
        if (tensorBoard is not null) console.WriteLine($"tensorboard: {ConsoleText.Printable(tensorBoard.FilePath)}");
        TrainingResult result;
        int signalExit;
        string? signalName;
        using (var signals = new ShutdownSignals())
        using (DistributedTraining.Stop? stop = communicator is null ? null : new DistributedTraining.Stop(communicator, signals, trainer))
        {
            CancellationToken cancel = stop?.Token ?? signals.Token;
            if (console.Profile.Capabilities.Interactive)
            {
                TrainingResult? live = null;
                console.Progress().AutoClear(false).Columns(LiveTrainingProgress.Columns()).Start(context =>
                {
                    LiveTrainingProgress.Attach(trainer, context);
                    live = trainer.Run(cancel);
                });
                result = live!;
            }
            else
            {
                PlainTrainingProgress.Attach(trainer, console);
                result = trainer.Run(cancel);
            }
            signalExit = stop?.ExitCode ?? signals.ExitCode;
            signalName = stop?.Name ?? signals.Name;
        }
        setup.Distributed?.Dispose();
        if (!root)
        {
            // Wait until rank 0 has written everything: mpirun ends the job when a rank exits non-zero.
            communicator!.Barrier();
            return result.Outcome switch { TrainingOutcome.Cancelled => signalExit == 0 ? Interrupted : signalExit, TrainingOutcome.Diverged => 1, _ => 0 };
        }

        Module model = setup.Model();
        WriteOutputs(console, options, data, folder, model, result, setup);
        PrintSummary(console, result, SavedWeightsMetrics(options, data, model, result));
        if (tensorBoard is not null) console.WriteLine(tensorBoard.Summary(result.Seconds));
        communicator?.Barrier(); // the other ranks wait for these outputs before they exit
        switch (result.Outcome)
        {
            case TrainingOutcome.Cancelled:
                console.WriteLine($"interrupted by {signalName ?? "a cancellation"}: saved the weights after {result.Steps} steps");
                return signalExit == 0 ? Interrupted : signalExit;
            case TrainingOutcome.Diverged:
                TrainingStep at = result.Divergence!;
                string what = double.IsNaN(at.Loss) ? "NaN" : at.Loss > 0 ? "infinite" : "-infinite";
                string where = result.DivergedInEvaluation
                    ? $"when epoch {at.Epoch} was evaluated, after step {at.GlobalStep} of the run"
                    : $"at epoch {at.Epoch}, step {at.Step} (step {at.GlobalStep} of the run)";
                int kept = result.DivergedInEvaluation ? at.GlobalStep : at.GlobalStep - 1;
                throw new CommandFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"the loss became {what} {where}; stopped and saved {(kept >= 1 ? $"the weights of step {kept}, the last with a finite loss," : "the initial weights")} to {ConsoleText.Printable(Path.Combine(folder, "model.safetensors"))}; try a smaller --lr"));
            default:
                return 0;
        }
    }

    private static void WriteOutputs(IAnsiConsole console, TrainOptions options, DataSource data, string folder, Module model, TrainingResult result, TrainSetup.Setup setup)
    {
        string modelPath = Path.Combine(folder, "model.safetensors");
        var metadata = new Dictionary<string, string>
        {
            ["data"] = data.Name,
            ["engine"] = options.Engine,
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = result.Epochs.Count.ToString(CultureInfo.InvariantCulture),
            ["steps"] = result.Steps.ToString(CultureInfo.InvariantCulture),
            ["outcome"] = result.Outcome.ToString().ToLowerInvariant(),
        };
        if (options.Augment) metadata["augment"] = "shift2";
        if (options.TestFraction is double fraction) metadata["test_fraction"] = fraction.ToString("R", CultureInfo.InvariantCulture);
        ModelFile.Save(modelPath, model, metadata);
        console.WriteLine($"wrote {ConsoleText.Printable(modelPath)}");
        string metricsPath = Path.Combine(folder, "metrics.csv");
        MetricsCsv.Write(metricsPath, result.Epochs);
        console.WriteLine($"wrote {ConsoleText.Printable(metricsPath)}");
        if (result.Epochs.Count > 0)
        {
            string lossPath = Path.Combine(folder, "loss.png");
            TrainingPlots.SaveLossCurves(lossPath, result.Epochs);
            console.WriteLine($"wrote {ConsoleText.Printable(lossPath)}");
        }
        if (setup.GradFlow is not null)
        {
            (IReadOnlyList<string> files, string verdict) = GradFlowReport.Write(setup.GradFlow, folder);
            foreach (string file in files) console.WriteLine($"wrote {ConsoleText.Printable(file)}");
            console.WriteLine($"gradient flow: {verdict}");
            setup.GradFlow.Dispose();
        }
        if (setup.Distributed is DistributedDataParallel ddp)
        {
            string timelinePath = Path.Combine(folder, "timeline.csv");
            TimelineCsv.Write(timelinePath, ddp.Timeline);
            console.WriteLine($"wrote {ConsoleText.Printable(timelinePath)}");
            console.WriteLine(TimelineCsv.Summary(ddp, options.BatchSize));
        }
        if (data.IsPlanar && model is Mlp mlp)
        {
            string boundaryPath = Path.Combine(folder, "decision-boundary.png");
            DecisionBoundary.Save(boundaryPath, mlp, data);
            console.WriteLine($"wrote {ConsoleText.Printable(boundaryPath)}");
        }
    }

    /// <summary>
    /// The scores of the weights saved: the last evaluation's, except that running training
    /// figures (what the steps computed while the weights moved) are replaced by the training
    /// split scored once with the saved weights.
    /// </summary>
    private static EpochMetrics? SavedWeightsMetrics(TrainOptions options, DataSource data, Module model, TrainingResult result)
    {
        if (result.Final is not EpochMetrics last || options.TrainMetrics != "running" || options.Engine != "tensor") return result.Final;
        (double loss, double accuracy) = Evaluation.Measure(model, data.Train);
        return last with { TrainLoss = loss, TrainAccuracy = accuracy };
    }

    /// <summary>The table of the weights actually saved (after an interruption, not the last full epoch's).</summary>
    private static void PrintSummary(IAnsiConsole console, TrainingResult result, EpochMetrics? saved)
    {
        if (saved is not EpochMetrics last) return;
        string F(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
        var table = new Table().AddColumn("saved weights").AddColumn("loss").AddColumn("accuracy");
        table.AddRow("train", F(last.TrainLoss, "F4"), F(last.TrainAccuracy * 100, "F2") + "%");
        if (last.TestLoss is not null) table.AddRow("test", F(last.TestLoss, "F4"), F(last.TestAccuracy * 100, "F2") + "%");
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Steps} steps in {result.Seconds:F2} s of training ({result.Steps / Math.Max(result.Seconds, 1e-9):F0} steps/s)"));
    }

    /// <summary>Reads <c>--hidden</c>: comma-separated positive widths.</summary>
    /// <exception cref="UsageException">Not such a list.</exception>
    private static int[] ParseHidden(string text, string option = "--hidden")
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new UsageException($"{option}: '{ConsoleText.Printable(text, 80)}' is not a comma-separated list of positive widths, e.g. 16,16");
        }
        return sizes;
    }
}
