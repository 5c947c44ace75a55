using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backprop.Playground.Runs;

/// <summary>
/// Every setting of a run, with the defaults of TensorFlow Playground where it has the setting.
/// The keys are the JSON body's and the page's URL hash's (camelCase); <see cref="Apply"/> checks
/// a partial update against the ranges of the playground's contract, so no setting can ask for
/// more memory than the caps allow.
/// </summary>
public sealed record RunSettings
{
    /// <summary>The data sets that are classified (the rest are regressions), plus "custom" (points the user gave).</summary>
    public static readonly IReadOnlyList<string> ClassificationSets = ["circle", "xor", "gauss", "spiral", "moons"];

    /// <summary>The regression data sets: targets in [-1, 1].</summary>
    public static readonly IReadOnlyList<string> RegressionSets = ["plane", "reg-gauss"];

    /// <summary>The input features a network may take, in the order they enter it.</summary>
    public static readonly IReadOnlyList<string> FeatureNames = Backprop.Data.PlaneFeatures.Names;

    private static readonly string[] Activations = ["relu", "tanh", "sigmoid", "linear", "leakyrelu"];
    private static readonly string[] LossNames = ["square", "crossentropy"];
    private static readonly string[] Regularizations = ["none", "l1", "l2"];
    private static readonly string[] Optimizers = ["sgd", "momentum", "adam", "rmsprop"];
    private static readonly string[] Schedules = ["constant", "step", "cosine"];
    private static readonly string[] Inits = ["tf", "zero", "xavier", "he"];

    /// <summary>circle, xor, gauss, spiral, moons (classification); plane, reg-gauss (regression); custom (the user's points).</summary>
    public string Dataset { get; init; } = "circle";

    /// <summary>Number of classes, 2–5 (more than 2 only for spiral and gauss, with cross entropy).</summary>
    public int Classes { get; init; } = 2;

    /// <summary>Points generated, 50–2000.</summary>
    public int Points { get; init; } = 500;

    /// <summary>Noise on TF Playground's percent scale, 0–50.</summary>
    public double Noise { get; init; }

    /// <summary>Share of the points used for training, in percent (10–90); the rest is the test set.</summary>
    public double TrainRatio { get; init; } = 50;

    /// <summary>Examples per update, 1–100 (live).</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>The enabled input features (a non-empty subset of <see cref="FeatureNames"/>).</summary>
    public IReadOnlyList<string> Features { get; init; } = ["x1", "x2"];

    /// <summary>Neurons of each hidden layer, 0–8 layers of 1–16.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [4, 2];

    /// <summary>The hidden layers' activation: relu, tanh, sigmoid, linear, leakyrelu.</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary>square (TF's: tanh output on ±1 labels, linear output for regression) or crossentropy (softmax).</summary>
    public string Loss { get; init; } = "square";

    /// <summary>none, l1 or l2 (on the weights, not the biases, as TF; live).</summary>
    public string Regularization { get; init; } = "none";

    /// <summary>The regularisation rate, 0–10 (live).</summary>
    public double RegularizationRate { get; init; }

    /// <summary>The learning rate, 1e-5–10 (live).</summary>
    public double LearningRate { get; init; } = 0.03;

    /// <summary>sgd, momentum (0.9), adam or rmsprop.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>constant, step (halve every 100 epochs) or cosine (to 0 over maxEpochs, else 1000 epochs) (live).</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>tf (weights uniform ±0.5, biases 0.1), zero (weights 0, biases 0.1, as TF's initZero), xavier, he.</summary>
    public string Init { get; init; } = "tf";

    /// <summary>Gradient clipping to this L2 norm: 0 (off) or 0.01–1000 (live).</summary>
    public double ClipNorm { get; init; }

    /// <summary>Stop when the test (else train) loss is below this; 0 for never (live).</summary>
    public double TargetLoss { get; init; }

    /// <summary>Stop after this many epochs; 0 for never, at most 100000 (live).</summary>
    public int MaxEpochs { get; init; }

    /// <summary>The seed of the data, the initial weights and the batch order.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>The page's "discretize output" (kept so the URL round-trips; the server ignores it).</summary>
    public bool Discretize { get; init; }

    /// <summary>The page's "show test data" (kept so the URL round-trips; the server ignores it).</summary>
    public bool ShowTest { get; init; }

    /// <summary>Whether the data set is a regression (targets, not classes).</summary>
    [JsonIgnore]
    public bool IsRegression => RegressionSets.Contains(Dataset);

    /// <summary>Whether the loss is softmax cross entropy (one output per class).</summary>
    [JsonIgnore]
    public bool IsCrossEntropy => Loss == "crossentropy";

    /// <summary>Outputs of the network: one per class for cross entropy, else one.</summary>
    [JsonIgnore]
    public int Outputs => IsCrossEntropy ? Classes : 1;

    /// <summary>
    /// The settings with <paramref name="patch"/> (a JSON object of some of the keys) applied,
    /// after checking every key and value and the combination.
    /// </summary>
    /// <param name="patch">A JSON object; unknown keys and values of the wrong type are refused.</param>
    /// <exception cref="SettingsException">The first thing wrong, in one line naming the field.</exception>
    public RunSettings Apply(JsonElement patch)
    {
        if (patch.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return this;
        if (patch.ValueKind != JsonValueKind.Object) throw new SettingsException($"settings must be a JSON object, got {Kind(patch)}");
        RunSettings s = this;
        foreach (JsonProperty p in patch.EnumerateObject())
        {
            JsonElement v = p.Value;
            s = p.Name switch
            {
                "dataset" => s with { Dataset = OneOf(p.Name, v, [.. ClassificationSets, .. RegressionSets, "custom"]) },
                "classes" => s with { Classes = Integer(p.Name, v, 2, 5) },
                "points" => s with { Points = Integer(p.Name, v, 50, 2000) },
                "noise" => s with { Noise = Number(p.Name, v, 0, 50) },
                "trainRatio" => s with { TrainRatio = Number(p.Name, v, 10, 90) },
                "batchSize" => s with { BatchSize = Integer(p.Name, v, 1, 100) },
                "features" => s with { Features = FeatureList(v) },
                "hidden" => s with { Hidden = HiddenList(v) },
                "activation" => s with { Activation = OneOf(p.Name, v, Activations) },
                "loss" => s with { Loss = OneOf(p.Name, v, LossNames) },
                "regularization" => s with { Regularization = OneOf(p.Name, v, Regularizations) },
                "regularizationRate" => s with { RegularizationRate = Number(p.Name, v, 0, 10) },
                "learningRate" => s with { LearningRate = Number(p.Name, v, 1e-5, 10) },
                "optimizer" => s with { Optimizer = OneOf(p.Name, v, Optimizers) },
                "schedule" => s with { Schedule = OneOf(p.Name, v, Schedules) },
                "init" => s with { Init = OneOf(p.Name, v, Inits) },
                "clipNorm" => s with { ClipNorm = ClipValue(v) },
                "targetLoss" => s with { TargetLoss = Number(p.Name, v, 0, 1e6) },
                "maxEpochs" => s with { MaxEpochs = Integer(p.Name, v, 0, 100000) },
                "seed" => s with { Seed = (uint)LongInteger(p.Name, v, 0, uint.MaxValue) },
                "discretize" => s with { Discretize = Boolean(p.Name, v) },
                "showTest" => s with { ShowTest = Boolean(p.Name, v) },
                _ => throw new SettingsException($"unknown setting '{Shown(p.Name)}'"),
            };
        }
        s.CheckCombination();
        return s;
    }

    /// <summary>Whether going from these settings to <paramref name="next"/> needs a new model and data (epoch back to 0).</summary>
    /// <param name="next">The new settings.</param>
    public bool NeedsReset(RunSettings next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Dataset != next.Dataset || Classes != next.Classes || Points != next.Points || Noise != next.Noise
            || TrainRatio != next.TrainRatio || !Features.SequenceEqual(next.Features) || !Hidden.SequenceEqual(next.Hidden)
            || Activation != next.Activation || Loss != next.Loss || Optimizer != next.Optimizer || Init != next.Init || Seed != next.Seed;
    }

    /// <summary>The rules that tie settings together.</summary>
    private void CheckCombination()
    {
        if (Classes > 2 && Dataset is not ("spiral" or "gauss" or "custom"))
            throw new SettingsException($"classes must be 2 for dataset {Dataset} (more classes: spiral or gauss), got {Classes}");
        if (Classes > 2 && !IsCrossEntropy)
            throw new SettingsException($"classes {Classes} needs loss crossentropy (square loss tells two classes apart)");
        if (IsRegression && IsCrossEntropy)
            throw new SettingsException($"loss crossentropy needs a classification dataset, got {Dataset} (a regression)");
    }

    private static string OneOf(string name, JsonElement v, string[] allowed)
    {
        if (v.ValueKind != JsonValueKind.String) throw new SettingsException($"{name} must be one of {string.Join(", ", allowed)}, got {Kind(v)}");
        string text = v.GetString()!;
        return allowed.Contains(text) ? text : throw new SettingsException($"{name} must be one of {string.Join(", ", allowed)}, got '{Shown(text)}'");
    }

    private static int Integer(string name, JsonElement v, int low, int high) => (int)LongInteger(name, v, low, high);

    private static long LongInteger(string name, JsonElement v, long low, long high)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long value))
            throw new SettingsException($"{name} must be an integer in [{low}, {high}], got {Kind(v)}");
        return value >= low && value <= high ? value : throw new SettingsException($"{name} must be in [{low}, {high}], got {value}");
    }

    private static double Number(string name, JsonElement v, double low, double high)
    {
        if (v.ValueKind != JsonValueKind.Number) throw new SettingsException($"{name} must be a number in [{Format(low)}, {Format(high)}], got {Kind(v)}");
        double value = v.GetDouble();
        return value >= low && value <= high ? value : throw new SettingsException($"{name} must be in [{Format(low)}, {Format(high)}], got {Format(value)}");
    }

    private static double ClipValue(JsonElement v)
    {
        double value = Number("clipNorm", v, 0, 1000);
        return value == 0 || value >= 0.01 ? value : throw new SettingsException($"clipNorm must be 0 (off) or in [0.01, 1000], got {Format(value)}");
    }

    private static bool Boolean(string name, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new SettingsException($"{name} must be true or false, got {Kind(v)}"),
    };

    private static string[] FeatureList(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new SettingsException($"features must be an array of {string.Join(", ", FeatureNames)}, got {Kind(v)}");
        var chosen = new HashSet<string>();
        foreach (JsonElement item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !FeatureNames.Contains(item.GetString()))
                throw new SettingsException($"features: each must be one of {string.Join(", ", FeatureNames)}, got {(item.ValueKind == JsonValueKind.String ? $"'{Shown(item.GetString()!)}'" : Kind(item))}");
            chosen.Add(item.GetString()!);
        }
        if (chosen.Count == 0) throw new SettingsException("features must name at least one input feature, got none");
        return [.. FeatureNames.Where(chosen.Contains)]; // the network's input order is the canonical one, whatever order the page sent
    }

    private static int[] HiddenList(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new SettingsException($"hidden must be an array of 0-8 layer widths, got {Kind(v)}");
        int count = v.GetArrayLength();
        if (count > 8) throw new SettingsException($"hidden must have at most 8 layers, got {count}");
        var widths = new int[count];
        int i = 0;
        foreach (JsonElement item in v.EnumerateArray()) widths[i++] = Integer($"hidden[{i - 1}]", item, 1, 16);
        return widths;
    }

    /// <summary>A number as the error lines show it: shortest round-trip form, lower-case exponent (1e-05).</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string '{Shown(v.GetString()!)}'",
        JsonValueKind.Number => $"the number {Shown(v.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    /// <summary>A client's text cut short and stripped of control characters, so an error line stays one short line.</summary>
    internal static string Shown(string text)
    {
        string cut = text.Length > 40 ? text[..40] + "…" : text;
        return new string([.. cut.Select(c => char.IsControl(c) ? '?' : c)]);
    }
}
