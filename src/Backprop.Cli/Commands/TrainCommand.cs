using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Training;
using Backprop.NN;
using Backprop.Plots;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop train</c>: trains an MLP on a generated data set or MNIST, with a progress bar,
/// a final table, and <c>model.safetensors</c>, <c>metrics.csv</c>, <c>loss.png</c> and (for 2-D
/// data) <c>decision-boundary.png</c> in the output folder. Ctrl+C stops after the current
/// step, saves what was learned, and exits with 130.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit code after Ctrl+C (128 + SIGINT), once the model is saved.</summary>
    public const int Interrupted = 130;

    /// <summary>Builds the command.</summary>
    /// <param name="console">Where progress and results go.</param>
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "moons, circles, spirals, blobs, or mnist:DIR", Required = true };
        var engine = new Option<string>("--engine") { Description = "tensor or scalar (micrograd's Value engine; binary data only)", DefaultValueFactory = _ => "tensor" };
        engine.AcceptOnlyFromAmong("tensor", "scalar");
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer widths, e.g. 16,16 (default 16,16; 256,128 for MNIST)" };
        var activation = new Option<string>("--activation") { Description = "relu, tanh, sigmoid, gelu or leakyrelu", DefaultValueFactory = _ => "relu" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam, adamw or rmsprop (the scalar engine uses SGD)", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: the optimizer's; 1.0 for the scalar engine)" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training data (default 20; 100 for the scalar engine)" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Examples per step, 0 for the whole set (default 64; 128 for MNIST; the whole set for the scalar engine)" };
        var seed = new Option<uint>("--seed") { Description = "Seed of the data, weights, shuffling and dropout", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => Path.Combine("out", "train"), HelpName = "DIR" };
        var testFraction = new Option<double?>("--test-fraction") { Description = "Share held out for testing (default 0.2 for one MNIST file pair, 0 for generated data)" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout after each hidden activation (tensor engine)", DefaultValueFactory = _ => 0 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: none, or cosine (to 0 over the run)", DefaultValueFactory = _ => "none" };
        schedule.AcceptOnlyFromAmong("none", "cosine");
        var gradFlow = new Option<int>("--gradflow") { Description = "Record gradient-flow statistics every N steps and write gradflow.csv and pictures (tensor engine; 0: off)", DefaultValueFactory = _ => 0, HelpName = "N" };

        var command = new Command("train", "Train an MLP and write the model, its metrics and pictures")
        {
            data, engine, hidden, activation, optimizer, lr, epochs, batchSize, seed, output, testFraction, dropout, schedule, gradFlow,
        };
        command.SetAction(parsed =>
        {
            string spec = parsed.GetValue(data)!;
            bool mnist = spec.StartsWith("mnist:", StringComparison.OrdinalIgnoreCase);
            bool scalar = parsed.GetValue(engine) == "scalar";
            var options = new TrainOptions(
                spec,
                scalar ? "scalar" : "tensor",
                ParseHidden(parsed.GetValue(hidden) ?? (mnist ? "256,128" : "16,16")),
                Activation.Parse(parsed.GetValue(activation)!),
                scalar ? "sgd" : parsed.GetValue(optimizer)!,
                parsed.GetValue(lr),
                parsed.GetValue(epochs) ?? (scalar ? 100 : 20),
                parsed.GetValue(batchSize) ?? (scalar ? 0 : mnist ? 128 : 64),
                parsed.GetValue(seed),
                parsed.GetValue(output)!,
                parsed.GetValue(testFraction),
                parsed.GetValue(dropout),
                parsed.GetValue(schedule)!,
                parsed.GetValue(gradFlow));
            return Run(console, options);
        });
        return command;
    }

    /// <summary>Trains as <paramref name="options"/> say and writes the results.</summary>
    /// <returns>0, or <see cref="Interrupted"/> after Ctrl+C.</returns>
    public static int Run(IAnsiConsole console, TrainOptions options)
    {
        if (options.Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {options.Epochs}");
        if (options.BatchSize < 0) throw new ArgumentException($"--batch-size must be 0 (whole set) or more, got {options.BatchSize}");
        if (options.GradFlowEvery < 0) throw new ArgumentException($"--gradflow must be 0 (off) or a number of steps, got {options.GradFlowEvery}");
        if (options.GradFlowEvery > 0 && options.Engine == "scalar") throw new ArgumentException("--gradflow works with the tensor engine only");
        OutputFolder.Prepare(options.Out);
        DataSource data = DataSource.Load(options.Data, options.TestFraction, options.Seed);
        console.WriteLine($"data: {data.Name}: {data.Train.Count} training examples{(data.Test is null ? "" : $", {data.Test.Count} test examples")}, {data.Train.FeatureCount} features, {data.Train.Classes} classes");

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // stop cleanly after the current step instead of dying
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        (Mlp model, TrainingReport report) result;
        try
        {
            result = console.Profile.Capabilities.Interactive
                ? RunLive(console, options, data, cancel.Token)
                : Train(options, data, new PlainTrainingProgress(console), cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        (Mlp model, TrainingReport report) = result;
        WriteOutputs(console, options, data, model, report);
        PrintSummary(console, report);
        if (report.Interrupted)
        {
            console.WriteLine($"interrupted: saved the model after {report.Steps} steps");
            return Interrupted;
        }
        return 0;
    }

    private static (Mlp, TrainingReport) RunLive(IAnsiConsole console, TrainOptions options, DataSource data, CancellationToken cancel)
    {
        (Mlp, TrainingReport) result = default;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => result = Train(options, data, new LiveTrainingProgress(context), cancel));
        return result;
    }

    private static (Mlp, TrainingReport) Train(TrainOptions options, DataSource data, ITrainingProgress progress, CancellationToken cancel) =>
        options.Engine == "scalar"
            ? ScalarTrainer.Run(options, data, progress, cancel)
            : TensorTrainer.Run(options, data, progress, cancel);

    private static void WriteOutputs(IAnsiConsole console, TrainOptions options, DataSource data, Mlp model, TrainingReport report)
    {
        string modelPath = Path.Combine(options.Out, "model.safetensors");
        ModelFile.Save(modelPath, model, new Dictionary<string, string>
        {
            ["data"] = data.Name,
            ["engine"] = options.Engine,
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = report.Epochs.Count.ToString(CultureInfo.InvariantCulture),
        });
        console.WriteLine($"wrote {modelPath}");
        string metricsPath = Path.Combine(options.Out, "metrics.csv");
        report.WriteCsv(metricsPath);
        console.WriteLine($"wrote {metricsPath}");
        if (report.Epochs.Count > 0)
        {
            string lossPath = Path.Combine(options.Out, "loss.png");
            TrainingPlots.SaveLossCurves(lossPath, report.Epochs);
            console.WriteLine($"wrote {lossPath}");
        }
        if (report.GradFlow is not null)
        {
            (IReadOnlyList<string> files, string verdict) = GradFlowReport.Write(report.GradFlow, options.Out);
            foreach (string file in files) console.WriteLine($"wrote {file}");
            console.WriteLine($"gradient flow: {verdict}");
            report.GradFlow.Dispose();
        }
        if (data.IsPlanar)
        {
            string boundaryPath = Path.Combine(options.Out, "decision-boundary.png");
            DecisionBoundary.Save(boundaryPath, model, data);
            console.WriteLine($"wrote {boundaryPath}");
        }
    }

    private static void PrintSummary(IAnsiConsole console, TrainingReport report)
    {
        if (report.Epochs.Count == 0) return;
        EpochMetrics last = report.Epochs[^1];
        string F(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
        var table = new Table().AddColumn("").AddColumn("loss").AddColumn("accuracy");
        table.AddRow("train", F(last.TrainLoss, "F4"), F(last.TrainAccuracy * 100, "F2") + "%");
        if (last.TestLoss is not null) table.AddRow("test", F(last.TestLoss, "F4"), F(last.TestAccuracy * 100, "F2") + "%");
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Steps} steps in {report.Seconds:F2} s of training ({report.Steps / Math.Max(report.Seconds, 1e-9):F0} steps/s)"));
    }

    private static int[] ParseHidden(string text)
    {
        try
        {
            int[] sizes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            if (sizes.Any(s => s < 1)) throw new FormatException("sizes must be positive");
            return sizes;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"--hidden: '{text}' is not a comma-separated list of positive widths ({e.Message})");
        }
    }
}
