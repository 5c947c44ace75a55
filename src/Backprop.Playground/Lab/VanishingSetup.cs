using System.Text.Json;

namespace Backprop.Playground.Lab;

/// <summary>
/// One configuration of the vanishing-gradient lab, validated: a deep MLP measured on one
/// random batch. The defaults are the chapter's twelve sigmoid layers as <c>backprop gradflow</c>
/// measures them (width 32, PyTorch's default initialisation, batch 64, seed 1), so the page and
/// the command show the same numbers.
/// </summary>
/// <param name="Depth">Linear layers, 1–<see cref="MaxDepth"/>: <c>Width</c> inputs, hidden layers of <c>Width</c>, <see cref="VanishingLab.Classes"/> outputs.</param>
/// <param name="Width">Input and hidden width, 1–<see cref="MaxWidth"/>.</param>
/// <param name="Activation">relu, tanh, sigmoid, linear or leakyrelu.</param>
/// <param name="Init">default (PyTorch's), tf (uniform ±0.5, bias 0.1), normal (N(0, 1)), small (N(0, 0.01²)), xavier, he.</param>
/// <param name="Batch">Examples in the random batch, 1–<see cref="MaxBatch"/>.</param>
/// <param name="Seed">Seed of the batch, the labels and the weights (drawn in that order).</param>
/// <param name="LearningRate">The rate of the one plain SGD step whose update/weight ratio is reported.</param>
public sealed record VanishingSetup(int Depth, int Width, string Activation, string Init, int Batch, uint Seed, double LearningRate)
{
    /// <summary>The deepest network the lab builds.</summary>
    public const int MaxDepth = 20;

    /// <summary>The widest layer the lab builds.</summary>
    public const int MaxWidth = 64;

    /// <summary>The largest batch.</summary>
    public const int MaxBatch = 256;

    /// <summary>The activations, as the settings spell them.</summary>
    public static IReadOnlyList<string> Activations { get; } = ["sigmoid", "tanh", "relu", "leakyrelu", "linear"];

    /// <summary>The initialisations.</summary>
    public static IReadOnlyList<string> Inits { get; } = ["default", "tf", "normal", "small", "xavier", "he"];

    /// <summary>The chapter's twelve sigmoid layers, as <c>backprop gradflow</c> builds them by default.</summary>
    public static VanishingSetup Chapter { get; } = new(12, 32, "sigmoid", "default", 64, 1, 0.1);

    /// <summary>
    /// Reads a request body: <c>{depth, width, activation, init, batch, seed, learningRate, preset}</c>,
    /// every field optional (the chapter's values); <c>preset: "chapter"</c> sets them all.
    /// </summary>
    /// <param name="body">The JSON body.</param>
    /// <exception cref="LabRequestException">A field is out of range or unknown; the message names it.</exception>
    public static VanishingSetup Parse(JsonElement body)
    {
        var fields = new LabFields(body, "depth", "width", "activation", "init", "batch", "seed", "learningRate", "preset");
        string? preset = fields.Has("preset") ? fields.Choice("preset", ["chapter"], "chapter") : null;
        VanishingSetup parsed = new(
            (int)fields.Integer("depth", 1, MaxDepth, Chapter.Depth),
            (int)fields.Integer("width", 1, MaxWidth, Chapter.Width),
            fields.Choice("activation", Activations, Chapter.Activation),
            fields.Choice("init", Inits, Chapter.Init),
            (int)fields.Integer("batch", 1, MaxBatch, Chapter.Batch),
            (uint)fields.Integer("seed", 0, uint.MaxValue, Chapter.Seed),
            fields.Number("learningRate", 1e-5, 10, Chapter.LearningRate));
        return preset is null ? parsed : Chapter;
    }
}
