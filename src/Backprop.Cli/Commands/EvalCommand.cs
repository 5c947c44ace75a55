using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Training;
using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop eval --model FILE --data ...</c>: loss and accuracy of a saved model, rebuilt from
/// the file alone, on the split it was trained with unless told otherwise.
/// </summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="console">Where the results go.</param>
    public static Command Create(IAnsiConsole console)
    {
        var modelOption = new Option<string>("--model") { Description = "A model.safetensors written by backprop train", Required = true, HelpName = "FILE" };
        var data = new Option<string>("--data") { Description = "moons, circles, spirals, blobs, mnist (the 10,000 shipped digits), mnist-full or fashion-mnist (70,000 images, downloaded once into the user cache), or mnist:DIR", Required = true };
        var seed = NumberOptions.Seed("--seed", "Seed of generated data (default: the training seed recorded in the model)", null);
        var testFraction = NumberOptions.OptionalDouble("--test-fraction", "Share held out for testing (default: the one recorded in the model)", 0, 0.9);
        Option<int> maxData = DataLimitOption.Create();
        var command = new Command("eval", "Report the loss and accuracy of a saved model") { modelOption, data, seed, testFraction, maxData };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(modelOption)!;
            InputFile.Require("--model", path);
            (Module model, IReadOnlyDictionary<string, string> metadata) = ModelFile.Load(path);
            double? fraction = parsed.GetValue(testFraction)
                ?? (metadata.TryGetValue("test_fraction", out string? recorded) && double.TryParse(recorded, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 0 and < 1 ? f : null);
            uint dataSeed = parsed.GetValue(seed)
                ?? (metadata.TryGetValue("seed", out string? s) && uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint v) ? v : 1);
            DataSource source = DataSource.Load(parsed.GetValue(data)!, fraction, dataSeed, parsed.GetValue(maxData), console);
            source = WithFeatures(path, ModelFile.FeaturesOf(metadata), source);
            CheckFits(path, model, source);
            string trainedOn = ConsoleText.Printable(metadata.GetValueOrDefault("data", "?"), 100);
            console.WriteLine($"model: {ConsoleText.Printable(path)} ({Describe(model)}, trained on {trainedOn})");
            var table = new Table().AddColumn("set").AddColumn("examples").AddColumn("loss").AddColumn("accuracy");
            Add(table, "train", model, source.Train);
            if (source.Test is not null) Add(table, "test", model, source.Test);
            console.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// A model from the playground takes plane features (x1², sin x1, …) recorded in its file:
    /// they are computed from the data's two columns, as the playground computed them.
    /// </summary>
    private static DataSource WithFeatures(string path, IReadOnlyList<string>? features, DataSource source)
    {
        if (features is null) return source;
        if (source.Train.FeatureCount != 2)
            throw new CommandFailedException($"the model {ConsoleText.Printable(path)} takes the plane features {string.Join(",", features)} of 2-D points, but '{ConsoleText.Printable(source.Name)}' has {source.Train.FeatureCount} features");
        return source with
        {
            Train = PlaneFeatures.Apply(source.Train, features),
            Test = source.Test is null ? null : PlaneFeatures.Apply(source.Test, features),
        };
    }

    /// <summary>The data must have the model's number of features and of classes (a one-output model scores two classes).</summary>
    private static string Describe(Module model) => model switch
    {
        Cnn cnn => $"cnn, {cnn.ImageSize}x{cnn.ImageSize} images, channels {string.Join("-", cnn.Widths)}, {cnn.Classes} classes",
        Mlp mlp => $"sizes {string.Join("-", mlp.Sizes)}, {mlp.Activation.ToString().ToLowerInvariant()}{(mlp.Dropout > 0 ? string.Create(CultureInfo.InvariantCulture, $", dropout {mlp.Dropout}") : "")}",
        _ => model.GetType().Name,
    };

    private static void CheckFits(string path, Module model, DataSource source)
    {
        string shown = ConsoleText.Printable(path);
        string name = ConsoleText.Printable(source.Name);
        (int features, int outputs) = model switch
        {
            Cnn cnn => (cnn.ImageSize * cnn.ImageSize, cnn.Classes),
            Mlp mlp => (mlp.Sizes[0], mlp.Sizes[^1]),
            _ => throw new InvalidOperationException($"internal: unknown model {model.GetType().Name}"),
        };
        if (source.Train.FeatureCount != features)
            throw new CommandFailedException($"the model {shown} takes {features} features but '{name}' has {source.Train.FeatureCount}");
        int modelClasses = outputs == 1 ? 2 : outputs;
        int dataClasses = TrainSetup.Classes(source);
        if (dataClasses != modelClasses)
            throw new CommandFailedException($"the model {shown} tells {modelClasses} classes apart but '{name}' has {dataClasses}");
    }

    private static void Add(Table table, string name, Module model, Data.Dataset data)
    {
        (double loss, double accuracy) = Evaluation.Measure(model, data);
        table.AddRow(name, data.Count.ToString(CultureInfo.InvariantCulture), loss.ToString("F4", CultureInfo.InvariantCulture),
            (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%");
    }
}
