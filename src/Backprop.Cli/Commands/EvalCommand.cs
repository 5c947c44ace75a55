using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Training;
using Backprop.NN;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop eval --model FILE --data ...</c>: loss and accuracy of a saved model, rebuilt from the file alone.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="console">Where the results go.</param>
    public static Command Create(IAnsiConsole console)
    {
        var modelOption = new Option<string>("--model") { Description = "A model.safetensors written by backprop train", Required = true, HelpName = "FILE" };
        var data = new Option<string>("--data") { Description = "moons, circles, spirals, blobs, or mnist:DIR", Required = true };
        var seed = new Option<uint>("--seed") { Description = "Seed of generated data (use the training seed to see the training set)", DefaultValueFactory = _ => 1 };
        var testFraction = new Option<double?>("--test-fraction") { Description = "Share held out for testing, as in training" };
        var command = new Command("eval", "Report the loss and accuracy of a saved model") { modelOption, data, seed, testFraction };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(modelOption)!;
            if (!File.Exists(path)) throw new CommandFailedException($"--model: file '{path}' does not exist");
            (Mlp model, IReadOnlyDictionary<string, string> metadata) = ModelFile.Load(path);
            DataSource source = DataSource.Load(parsed.GetValue(data)!, parsed.GetValue(testFraction), parsed.GetValue(seed));
            if (source.Train.FeatureCount != model.Sizes[0])
                throw new CommandFailedException($"the model takes {model.Sizes[0]} features but '{source.Name}' has {source.Train.FeatureCount}");
            console.WriteLine($"model: {path} (sizes {string.Join("-", model.Sizes)}, {model.Activation.ToString().ToLowerInvariant()}, trained on {metadata.GetValueOrDefault("data", "?")})");
            var table = new Table().AddColumn("set").AddColumn("examples").AddColumn("loss").AddColumn("accuracy");
            Add(table, "train", model, source.Train);
            if (source.Test is not null) Add(table, "test", model, source.Test);
            console.Write(table);
            return 0;
        });
        return command;
    }

    private static void Add(Table table, string name, Mlp model, Data.Dataset data)
    {
        (double loss, double accuracy) = Evaluation.Measure(model, data);
        table.AddRow(name, data.Count.ToString(CultureInfo.InvariantCulture), loss.ToString("F4", CultureInfo.InvariantCulture),
            (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%");
    }
}
