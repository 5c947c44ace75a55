using System.Globalization;
using Backprop.IO;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Cli.Training;

/// <summary>
/// A trained MLP as a safetensors file: the state dict under PyTorch's names (<c>0.weight</c>
/// [out, in], <c>0.bias</c>, …) plus metadata that says how to rebuild the model (layer sizes,
/// activation), so <c>backprop eval</c> needs no flags.
/// </summary>
public static class ModelFile
{
    private const string Format = "backprop-mlp";

    /// <summary>Writes <paramref name="model"/> (atomically) with its shape in the metadata.</summary>
    /// <param name="path">The file.</param>
    /// <param name="model">The trained model.</param>
    /// <param name="extra">More metadata (data set, engine, seed).</param>
    public static void Save(string path, Mlp model, IReadOnlyDictionary<string, string> extra)
    {
        var metadata = new Dictionary<string, string>(extra)
        {
            ["format"] = Format,
            ["sizes"] = string.Join(",", model.Sizes),
            ["activation"] = model.Activation.ToString().ToLowerInvariant(),
        };
        SafeTensors.Save(path, model.StateDict(), metadata);
    }

    /// <summary>Rebuilds the model saved at <paramref name="path"/>.</summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <returns>The model (in evaluation mode) and the file's metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a model written by Backprop, or its tensors do not fit its declared shape.</exception>
    public static (Mlp Model, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Load(path);
        if (!metadata.TryGetValue("format", out string? format) || format != Format
            || !metadata.TryGetValue("sizes", out string? sizesText) || !metadata.TryGetValue("activation", out string? activationText))
            throw new InvalidDataException($"'{path}' is a safetensors file but not a Backprop model (its metadata lacks format={Format}, sizes and activation)");
        int[] sizes;
        ActivationKind activation;
        try
        {
            sizes = sizesText.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            activation = Activation.Parse(activationText);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}': bad model metadata (sizes '{sizesText}', activation '{activationText}'): {e.Message}", e);
        }
        var model = new Mlp(sizes, activation, new NumpyRandom(0));
        try
        {
            model.LoadStateDict(tensors);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}': the tensors do not fit an MLP of sizes {sizesText}: {e.Message}", e);
        }
        model.Eval();
        return (model, metadata);
    }
}
