using System.Globalization;

namespace Backprop.Cli.Chapter;

/// <summary>The chapter's printed lines, formatted from computed results as the chapter's Python formats them.</summary>
public static class ChapterText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The line the chapter prints once its engine is defined.</summary>
    public const string EngineReady = "Value class ready";

    /// <summary>The single-neuron section: forward values, gradients, and the chapter's reading of them.</summary>
    /// <param name="neuron">The computed neuron.</param>
    public static string[] SingleNeuron(SingleNeuron neuron) =>
    [
        string.Create(Invariant, $"Forward: z={neuron.Z:F3}, out={neuron.Out:F3}, loss={neuron.Loss:F3}"),
        string.Create(Invariant, $"Gradients: dL/dw={neuron.WGrad:F4}, dL/db={neuron.BGrad:F4}"),
        " (Positive grads -> decrease w,b to reduce loss)",
    ];

    /// <summary>The gradient-magnitude section: the mean |gradient| of each layer over the 100 trials.</summary>
    /// <param name="flow">The computed trials.</param>
    public static string[] GradientFlow(GradientFlow flow) =>
    [
        string.Create(Invariant, $"Mean |grad| L2: {flow.MeanLayer2:F4}"),
        string.Create(Invariant, $"Mean |grad| L1: {flow.MeanLayer1:F4}"),
    ];

    /// <summary>The vanishing-gradient section: the gradient at the output and after the last layer.</summary>
    /// <param name="vanishing">The computed gradient norms.</param>
    public static string[] Vanishing(Vanishing vanishing)
    {
        double first = vanishing.GradNorms[0];
        double last = vanishing.GradNorms[^1];
        int layers = vanishing.GradNorms.Length - 1;
        return
        [
            string.Create(Invariant, $"Gradient at layer 0: {first:F4}"),
            // Python's {:.2e} writes a two-digit exponent; .NET's "e2" would write three.
            string.Create(Invariant, $"Gradient at layer {layers}: {last.ToString("0.00e+00", Invariant)} ({last / first * 100:F4}% of original)"),
        ];
    }

    /// <summary>The chapter's closing summary: concept and key idea.</summary>
    public static readonly (string Concept, string KeyIdea)[] Summary =
    [
        ("Forward pass", "Compute output, cache intermediate values"),
        ("Backward pass", "Apply chain rule in reverse topological order"),
        ("Local gradient", "Derivative of each op w.r.t. its inputs"),
        ("Vanishing gradients", "Repeated multiplication of small numbers shrinks signal"),
    ];
}
