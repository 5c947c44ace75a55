using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Backprop.Cli.Bench;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop bench scalar</c>: measures the scalar engine against the targets in docs/performance.md.</summary>
public static class BenchCommand
{
    /// <summary>Bytes one step of the chain workload takes (its node, its topological-order entry, the stacks; about 170 measured, rounded up).</summary>
    private const double ChainBytesPerStep = 250;

    /// <summary>Builds the command, writing to <paramref name="console"/>.</summary>
    /// <param name="console">Where the figures are printed.</param>
    public static Command Create(IAnsiConsole console)
    {
        var jsonOption = new Option<bool>("--json") { Description = "Print the figures as one JSON object instead of a table" };
        var chainOption = NumberOptions.Int("--chain-steps", "Steps of the chain workload", 1_000_000, 1);
        Option<bool> noMemoryCheck = MemoryCheck.CreateOption();
        var scalar = new Command("scalar", "Time the scalar engine: micrograd's demo training step and a million-node chain")
        {
            jsonOption,
            chainOption,
            noMemoryCheck,
        };
        scalar.SetAction(parsed =>
        {
            int steps = parsed.GetValue(chainOption);
            MemoryCheck.Require(steps * ChainBytesPerStep, string.Create(CultureInfo.InvariantCulture, $"a chain of {steps:N0} steps"), parsed.GetValue(noMemoryCheck));
            ScalarFigures figures = ScalarBenchmark.Measure(parsed.GetValue(chainOption));
            if (parsed.GetValue(jsonOption)) console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(figures));
            else Print(console, figures);
            return 0;
        });
        var longOption = new Option<bool>("--long") { Description = "Also run 10,000 MLP steps and report memory and gen-2 collections" };
        var tensorJson = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table" };
        var tensor = new Command("tensor", "Time the tensor engine: matmul, a 1-element op, MLP training steps")
        {
            longOption,
            tensorJson,
        };
        tensor.SetAction(parsed =>
        {
            return WriteFigures(console, TensorBenchmark.Measure(parsed.GetValue(longOption)), parsed.GetValue(tensorJson));
        });
        var convJson = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table" };
        var conv = new Command("conv", "Time convolutions: a Conv2d 32->64 3x3 forward and backward, the same depthwise, the CNN's training step")
        {
            convJson,
        };
        conv.SetAction(parsed => WriteFigures(console, ConvBenchmark.Measure(), parsed.GetValue(convJson)));
        var mnistData = new Option<string>("--data") { Description = "The MNIST folder (IDX files, e.g. data/mnist-10k)", Required = true };
        var mnistEpochs = NumberOptions.Int("--epochs", "Epochs (the README's run has 20)", 20, 1);
        var mnistJson = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table" };
        var mnistModel = new Option<string>("--model") { Description = "mlp: the README's run; cnn: train --model cnn with its defaults", DefaultValueFactory = _ => "mlp" };
        mnistModel.AcceptOnlyFromAmong("mlp", "cnn");
        var mnist = new Command("mnist", "Time the README's MNIST training run (Adam, cosine schedule, dropout 0.3), or the CNN's (--model cnn), end to end")
        {
            mnistData,
            mnistEpochs,
            mnistJson,
            mnistModel,
        };
        mnist.SetAction(parsed =>
        {
            MnistFigures f = MnistBenchmark.Run(parsed.GetValue(mnistData)!, parsed.GetValue(mnistEpochs), parsed.GetValue(mnistModel)!);
            if (parsed.GetValue(mnistJson))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(f));
                return 0;
            }
            string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().AddColumn("measure").AddColumn("value");
            table.AddRow("training steps", $"{f.Steps} in {F(f.TrainingSeconds, "F2")} s ({F(f.TrainingSeconds / Math.Max(1, f.Steps) * 1000, "F2")} ms a step)");
            table.AddRow("whole run, evaluations included", $"{F(f.TotalSeconds, "F2")} s");
            table.AddRow("minor page faults a step", F(f.MinorFaults / (double)Math.Max(1, f.Steps), "F1"));
            table.AddRow("bytes allocated a step", F(f.AllocatedBytesPerStep, "N0"));
            table.AddRow("gen-2 collections", f.Gen2Collections.ToString(CultureInfo.InvariantCulture));
            table.AddRow("test accuracy", $"{F(f.TestAccuracy * 100, "F2")}%");
            table.AddRow("threads", f.Threads.ToString(CultureInfo.InvariantCulture));
            console.Write(table);
            return 0;
        });
        var playgroundJson = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table" };
        var playgroundRuns = NumberOptions.Int("--runs", "Timed trainer runs of 40 epochs each (figures are medians)", 25, 3);
        var playground = new Command("playground", "Time TF Playground's workload (7-8x6-1 tanh, 250 points, batch 10, SGD) on the library's Trainer, and the 100x100 decision grid")
        {
            playgroundJson,
            playgroundRuns,
        };
        playground.SetAction(parsed =>
        {
            PlaygroundFigures f = PlaygroundBenchmark.Run(parsed.GetValue(playgroundRuns));
            if (parsed.GetValue(playgroundJson))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(f));
                return 0;
            }
            string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().AddColumn("measure").AddColumn("value").AddColumn("target (10x TF Playground)");
            table.AddRow("epoch (25 steps of 10 points), training only", $"{F(f.EpochMicroseconds, "F1")} us", "<= 140 us");
            table.AddRow("samples a second (forward + backward + update)", F(f.SamplesPerSecond, "N0"), ">= 1,780,000");
            table.AddRow("one step", $"{F(f.StepMicroseconds, "F2")} us", "<= 5.6 us");
            table.AddRow("epoch with the trainer's evaluation (250 + 250 points)", $"{F(f.EpochWithEvaluationMicroseconds, "F1")} us", "");
            table.AddRow("bytes allocated a step", F(f.AllocatedBytesPerStep, "N0"), "");
            table.AddRow("decision grid, 100x100 points, every layer kept", $"{F(f.GridMilliseconds, "F3")} ms", "<= 2 ms");
            table.AddRow("training loss after the runs", F(f.FinalTrainLoss, "F4"), "");
            table.AddRow("threads", f.Threads.ToString(CultureInfo.InvariantCulture), "");
            console.Write(table);
            return 0;
        });
        return new Command("bench", "Measure the engines (see docs/performance.md)") { scalar, tensor, conv, mnist, playground };
    }

    private static void Print(IAnsiConsole console, ScalarFigures f)
    {
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("workload").AddColumn("measured").AddColumn("target");
        table.AddRow("micrograd demo step (median)", $"{F(f.StepMilliseconds, "F3")} ms", "<= 1 ms");
        table.AddRow("micrograd demo step (mean)", $"{F(f.MeanStepMilliseconds, "F3")} ms", "");
        table.AddRow("nodes per step", f.NodesPerStep.ToString("N0", CultureInfo.InvariantCulture), "");
        table.AddRow("ns per node", F(f.NanosecondsPerNode, "F1"), "");
        table.AddRow($"accuracy after {f.Steps} steps", $"{F(f.FinalAccuracy * 100, "F0")}%", "100%");
        table.AddRow($"chain of {f.ChainSteps:N0} steps, forward + backward", $"{F(f.ChainMilliseconds, "F1")} ms", "<= 100 ms");
        table.AddRow("peak memory (resident, whole process)", $"{F(f.ChainPeakMegabytes, "F0")} MB", "<= 200 MB");
        table.AddRow("chain gradient = 1.0001^steps", f.ChainGradientOk ? "yes" : "NO", "yes");
        console.Write(table);
    }

    /// <summary>Prints <paramref name="figures"/> as a table, or as JSON for the peer comparison scripts.</summary>
    private static int WriteFigures(IAnsiConsole console, List<TensorFigure> figures, bool json)
    {
        if (json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        var table = new Table().AddColumn("workload").AddColumn("measured").AddColumn("target");
        foreach (TensorFigure f in figures)
            table.AddRow(Markup.Escape(f.Workload), Markup.Escape($"{f.Value.ToString("G4", CultureInfo.InvariantCulture)} {f.Unit}"), Markup.Escape(f.Target));
        console.Write(table);
        return 0;
    }
}
