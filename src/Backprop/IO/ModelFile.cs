using System.Globalization;
using Backprop.Data;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.IO;

/// <summary>
/// A trained MLP or CNN as a safetensors file: the state dict under PyTorch's names (<c>0.weight</c>
/// [out, in], <c>0.bias</c>, …) plus metadata that records the whole architecture (MLP: layer
/// sizes, activation, dropout; <see cref="Cnn"/>: image size, block channels, classes), so
/// <c>backprop eval</c> needs no flags and rebuilds exactly the model that was trained. One format for every writer (<c>backprop train</c>, the playground) and
/// every reader (<c>backprop eval</c>): a model trained on <see cref="PlaneFeatures"/> records
/// them under <c>features</c> (e.g. <c>x1,x2,sinx1</c>), and <see cref="FeaturesOf"/> reads them back.
/// </summary>
public static class ModelFile
{
    private const string Format = "backprop-mlp";
    private const string CnnFormat = "backprop-cnn";

    /// <summary>Writes <paramref name="model"/> (atomically) with its architecture in the metadata.</summary>
    /// <param name="path">The file.</param>
    /// <param name="model">The trained model.</param>
    /// <param name="extra">More metadata (data set, engine, seed, test fraction).</param>
    public static void Save(string path, Module model, IReadOnlyDictionary<string, string> extra) =>
        SafeTensors.Save(path, model.StateDict(), Metadata(model, extra));

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> (a download, say) with its architecture in the metadata.</summary>
    /// <param name="stream">Where to write; left open.</param>
    /// <param name="model">The trained model.</param>
    /// <param name="extra">More metadata (data set, seed, test fraction, features).</param>
    public static void Write(Stream stream, Module model, IReadOnlyDictionary<string, string> extra) =>
        SafeTensors.Write(stream, model.StateDict(), Metadata(model, extra));

    private static Dictionary<string, string> Metadata(Module model, IReadOnlyDictionary<string, string> extra)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(extra);
        if (model is Cnn cnn)
        {
            return new Dictionary<string, string>(extra)
            {
                ["format"] = CnnFormat,
                ["image_size"] = cnn.ImageSize.ToString(CultureInfo.InvariantCulture),
                ["channels"] = string.Join(",", cnn.Widths),
                ["classes"] = cnn.Classes.ToString(CultureInfo.InvariantCulture),
            };
        }
        if (model is not Mlp mlp) throw new ArgumentException($"ModelFile: {model.GetType().Name} is neither an Mlp nor a Cnn", nameof(model));
        return MlpMetadata(mlp, extra);
    }

    private static Dictionary<string, string> MlpMetadata(Mlp model, IReadOnlyDictionary<string, string> extra)
    {
        return new Dictionary<string, string>(extra)
        {
            ["format"] = Format,
            ["sizes"] = string.Join(",", model.Sizes),
            ["activation"] = model.Activation.ToString().ToLowerInvariant(),
            ["dropout"] = model.Dropout.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The plane features a model takes (its <c>features</c> metadata), or null when it takes its
    /// data's columns as they are.
    /// </summary>
    /// <param name="metadata">The metadata <see cref="Load"/> returned (checked there).</param>
    public static IReadOnlyList<string>? FeaturesOf(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.TryGetValue("features", out string? text) ? text.Split(',') : null;
    }

    /// <summary>
    /// Rebuilds the model saved at <paramref name="path"/>. The metadata is checked against the
    /// tensors in the file (names and shapes) before anything is built, so a file that claims a
    /// huge model without holding its weights is refused without allocating it.
    /// </summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <returns>The model (an <see cref="Mlp"/> or a <see cref="Cnn"/>, in evaluation mode) and the file's metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a model written by Backprop, or its tensors do not fit its declared architecture.</exception>
    public static (Module Model, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Load(path);
        string shown = SafeText.Printable(path);
        if (metadata.TryGetValue("format", out string? format) && format == CnnFormat) return (LoadCnn(shown, tensors, metadata), metadata);
        return Build(shown, tensors, metadata);
    }

    /// <summary>Rebuilds a model from <paramref name="length"/> bytes of <paramref name="stream"/>, checked as <see cref="Load"/> checks a file.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="length">How many bytes.</param>
    /// <param name="name">What to call it in errors.</param>
    /// <exception cref="InvalidDataException">Not a model written by Backprop, or tensors that do not fit its architecture.</exception>
    public static (Mlp Model, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream, long length, string name)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(stream, length, name);
        if (metadata.TryGetValue("format", out string? format) && format == CnnFormat)
            throw new InvalidDataException($"'{SafeText.Printable(name)}' holds a CNN; only MLPs are read from streams (load CNNs with Load)");
        return Build(SafeText.Printable(name), tensors, metadata);
    }

    private static (Mlp Model, IReadOnlyDictionary<string, string> Metadata) Build(string shown, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("format", out string? format) || format != Format
            || !metadata.TryGetValue("sizes", out string? sizesText) || !metadata.TryGetValue("activation", out string? activationText))
            throw new InvalidDataException($"'{shown}' is a safetensors file but not a Backprop model (its metadata lacks format={Format}, sizes and activation)");
        int[] sizes = ParseSizes(shown, sizesText);
        ActivationKind activation;
        try
        {
            activation = Activation.Parse(activationText);
        }
        catch (ArgumentException)
        {
            throw new InvalidDataException($"'{shown}': unknown activation '{SafeText.Printable(activationText, 40)}' in the metadata");
        }
        double dropout = 0;
        if (metadata.TryGetValue("dropout", out string? dropoutText)
            && (!double.TryParse(dropoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out dropout) || !(dropout >= 0 && dropout < 1)))
            throw new InvalidDataException($"'{shown}': bad dropout '{SafeText.Printable(dropoutText, 40)}' in the metadata (expected a number in [0, 1))");
        // Files written before the metadata recorded dropout: its layers show in the names (0, 3, 6, …).
        if (dropoutText is null && sizes.Length > 2 && tensors.ContainsKey($"{Mlp.LinearIndex(1, true)}.weight") && !tensors.ContainsKey($"{Mlp.LinearIndex(1, false)}.weight"))
            dropout = 0.5; // any rate will do: evaluation mode does not drop
        if (metadata.TryGetValue("features", out string? featureText))
        {
            string[] features = featureText.Split(',');
            string? unknown = features.FirstOrDefault(f => !PlaneFeatures.Names.Contains(f));
            if (unknown is not null)
                throw new InvalidDataException($"'{shown}': unknown feature '{SafeText.Printable(unknown, 40)}' in the metadata (expected {string.Join(", ", PlaneFeatures.Names)})");
            if (features.Length != sizes[0])
                throw new InvalidDataException($"'{shown}': the metadata lists {features.Length} features but the model takes {sizes[0]} inputs");
        }
        CheckTensors(shown, tensors, sizes, dropout > 0);
        var model = new Mlp(sizes, activation, new NumpyRandom(0), dropout);
        try
        {
            model.LoadStateDict(tensors);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{shown}': the tensors do not fit an MLP of sizes {string.Join(",", sizes)}: {e.Message}", e);
        }
        model.Eval();
        return (model, metadata);
    }

    /// <summary>Rebuilds a CNN after checking every tensor the metadata implies is in the file with its shape, and nothing else.</summary>
    private static Cnn LoadCnn(string shown, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("image_size", out string? sizeText) || !int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out int side) || side is < 4 or > 4096
            || !metadata.TryGetValue("classes", out string? classesText) || !int.TryParse(classesText, NumberStyles.None, CultureInfo.InvariantCulture, out int classes) || classes is < 1 or > 1_000_000
            || !metadata.TryGetValue("channels", out string? channelsText))
            throw new InvalidDataException($"'{shown}': a CNN's metadata needs image_size (4 to 4096), channels and classes");
        int[] widths = ParseSizes(shown, channelsText, minimum: 1);
        if (widths.Length > 6 || widths.Any(w => w > 4096) || side >> widths.Length < 1)
            throw new InvalidDataException($"'{shown}': channels '{SafeText.Printable(channelsText, 80)}' do not fit {side}x{side} images (at most 6 blocks of 4096, each halving the image)");
        var expected = new Dictionary<string, int[]>();
        int channels = 1, size = side;
        for (int b = 0; b < widths.Length; b++)
        {
            int conv = 1 + 4 * b, norm = conv + 1, w = widths[b];
            expected[$"{conv}.weight"] = [w, channels, 3, 3];
            expected[$"{conv}.bias"] = [w];
            foreach (string name in new[] { "weight", "bias", "running_mean", "running_var" }) expected[$"{norm}.{name}"] = [w];
            expected[$"{norm}.num_batches_tracked"] = [];
            channels = w;
            size /= 2;
        }
        int head = 2 + 4 * widths.Length;
        expected[$"{head}.weight"] = [classes, channels * size * size];
        expected[$"{head}.bias"] = [classes];
        foreach ((string name, int[] shape) in expected)
        {
            if (!tensors.TryGetValue(name, out Tensor? tensor))
                throw new InvalidDataException($"'{shown}': the metadata describes a CNN of channels {string.Join(",", widths)}, but the file has no tensor '{name}'");
            if (!tensor.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"'{shown}': tensor '{name}' is [{string.Join(",", tensor.Shape)}] but the CNN needs [{string.Join(",", shape)}]");
        }
        string? extra = tensors.Keys.FirstOrDefault(k => !expected.ContainsKey(k));
        if (extra is not null)
            throw new InvalidDataException($"'{shown}': unexpected tensor '{SafeText.Printable(extra, 60)}' for a CNN of channels {string.Join(",", widths)}");
        var model = new Cnn(side, widths, classes, new NumpyRandom(0));
        try
        {
            model.LoadStateDict(tensors);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{shown}': the tensors do not fit the CNN: {e.Message}", e);
        }
        model.Eval();
        return model;
    }

    private static int[] ParseSizes(string shown, string text, int minimum = 2)
    {
        string[] parts = text.Split(',');
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new InvalidDataException($"'{shown}': bad layer sizes '{SafeText.Printable(text, 80)}' in the metadata (expected positive widths, e.g. 2,16,2)");
        }
        if (minimum == 2 && sizes.Length < 2) throw new InvalidDataException($"'{shown}': the metadata lists {sizes.Length} layer size; a model needs at least two");
        return sizes;
    }

    /// <summary>Each Linear layer's weight and bias must be in the file with the shapes the sizes promise, and nothing else.</summary>
    private static void CheckTensors(string shown, IReadOnlyDictionary<string, Tensor> tensors, int[] sizes, bool dropout)
    {
        var expected = new Dictionary<string, int[]>();
        for (int layer = 0; layer + 1 < sizes.Length; layer++)
        {
            int at = Mlp.LinearIndex(layer, dropout);
            expected[$"{at}.weight"] = [sizes[layer + 1], sizes[layer]];
            expected[$"{at}.bias"] = [sizes[layer + 1]];
        }
        foreach ((string name, int[] shape) in expected)
        {
            if (!tensors.TryGetValue(name, out Tensor? tensor))
                throw new InvalidDataException($"'{shown}': the metadata describes an MLP of sizes {string.Join(",", sizes)}{(dropout ? " with dropout" : "")}, but the file has no tensor '{name}'");
            if (!tensor.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"'{shown}': tensor '{name}' is [{string.Join(",", tensor.Shape)}] but sizes {string.Join(",", sizes)} need [{string.Join(",", shape)}]");
        }
        string? extra = tensors.Keys.FirstOrDefault(k => !expected.ContainsKey(k));
        if (extra is not null)
            throw new InvalidDataException($"'{shown}': unexpected tensor '{SafeText.Printable(extra, 60)}' for an MLP of sizes {string.Join(",", sizes)}{(dropout ? " with dropout" : "")}");
    }
}
