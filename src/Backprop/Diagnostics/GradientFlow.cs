using System.Globalization;
using Backprop.NN;

namespace Backprop.Diagnostics;

/// <summary>
/// Gradient-flow diagnostics: how large the gradients of each <see cref="Linear"/> or convolution layer are, how much each
/// optimizer step changes the weights, how many activations are saturated or dead, and a verdict in words
/// (healthy, vanishing, exploding).
/// </summary>
/// <example>
/// <code>
/// using GradientFlowRecorder flow = GradientFlow.Attach(model);
/// for (int step = 0; step &lt; steps; step++)
/// {
///     optimizer.ZeroGrad();
///     Losses.CrossEntropy(model.Forward(x), y).Backward();
///     flow.RecordGradients(step);     // |grad| per layer, activation saturation of this forward pass
///     optimizer.Step();
///     flow.RecordUpdate(step);        // log10(‖ΔW‖ / ‖W‖) per layer
/// }
/// Console.WriteLine(flow.Diagnose()); // "vanishing: the first layer's mean |grad| (…) is … times smaller …"
/// </code>
/// </example>
public static class GradientFlow
{
    /// <summary>
    /// The factor (two orders of magnitude) between the first and the last layer's mean |grad| beyond which
    /// <see cref="Diagnose"/> says the gradient vanishes (first smaller) or explodes (first larger).
    /// </summary>
    public const double OrdersThreshold = 100;

    /// <summary>A gradient element above this magnitude makes <see cref="Diagnose"/> say the gradient explodes.</summary>
    public const double HugeGradient = 1e4;

    /// <summary>The customary healthy update-to-weight ratio, 10⁻³, as log10: -3.</summary>
    public const double ReferenceUpdateRatioLog10 = -3;

    /// <summary>A tanh output with |y| above this is saturated (tanh'(x) = 1 - y² &lt; 0.06).</summary>
    public const double TanhSaturation = 0.97;

    /// <summary>A sigmoid output below this (or above 1 minus it) is saturated (σ'(x) = y(1 - y) &lt; 0.03).</summary>
    public const double SigmoidSaturation = 0.03;

    /// <summary>
    /// Attaches a recorder to <paramref name="model"/>: it finds every <see cref="Linear"/> and convolution layer (in the order
    /// <see cref="Module.NamedModules"/> lists them, which for an <see cref="Mlp"/> is input first) and puts a forward
    /// hook on each tanh, sigmoid or ReLU <see cref="Activation"/> that follows one, to measure saturation and dead
    /// units. Dispose the recorder to remove the hooks.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">The model has no <see cref="Linear"/> or convolution layer.</exception>
    public static GradientFlowRecorder Attach(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new GradientFlowRecorder(model);
    }

    /// <summary>
    /// Says whether gradients vanish, explode or flow, comparing the mean |grad| of the first layer (nearest the
    /// input) with that of the last (nearest the output):
    /// <list type="bullet">
    /// <item>exploding when any mean or max |grad| is NaN or infinite, or a max |grad| exceeds <see cref="HugeGradient"/>;</item>
    /// <item>vanishing when first / last ≤ 1/<see cref="OrdersThreshold"/> (or no gradient reaches any layer);</item>
    /// <item>exploding when first / last ≥ <see cref="OrdersThreshold"/>;</item>
    /// <item>healthy otherwise (and always for a single layer, which has nothing to compare with).</item>
    /// </list>
    /// </summary>
    /// <param name="layers">The layers of one step, input first.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or an entry is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> is empty.</exception>
    public static GradientFlowVerdict Diagnose(IReadOnlyList<GradientFlowLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("GradientFlow.Diagnose: no layers to diagnose (the list is empty)", nameof(layers));
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is null) throw new ArgumentNullException(nameof(layers), $"GradientFlow.Diagnose: layers[{i}] is null");
        }

        GradientFlowLayer first = layers[0], last = layers[^1];
        double ratio = first.MeanAbsGrad / last.MeanAbsGrad;
        GradientFlowVerdict Verdict(GradientFlowKind kind, string message) =>
            new(kind, first.MeanAbsGrad, last.MeanAbsGrad, ratio, message);

        foreach (GradientFlowLayer layer in layers)
        {
            if (!double.IsFinite(layer.MeanAbsGrad) || !double.IsFinite(layer.MaxAbsGrad))
                return Verdict(GradientFlowKind.Exploding, $"exploding: layer {Describe(layer)} has a non-finite gradient (mean |grad| {F(layer.MeanAbsGrad)}, max |grad| {F(layer.MaxAbsGrad)})");
        }
        foreach (GradientFlowLayer layer in layers)
        {
            if (layer.MaxAbsGrad > HugeGradient)
                return Verdict(GradientFlowKind.Exploding, $"exploding: layer {Describe(layer)} has max |grad| {F(layer.MaxAbsGrad)}, above {F(HugeGradient)}");
        }

        string numbers = $"first layer {Describe(first)} mean |grad| {F(first.MeanAbsGrad)}, last layer {Describe(last)} {F(last.MeanAbsGrad)}";
        if (layers.Count == 1)
            return Verdict(GradientFlowKind.Healthy, $"healthy: a single layer, nothing to compare (mean |grad| {F(first.MeanAbsGrad)})");
        if (first.MeanAbsGrad == 0 && last.MeanAbsGrad == 0)
            return Verdict(GradientFlowKind.Vanishing, $"vanishing: no gradient reaches the first or the last layer ({numbers})");
        if (ratio <= 1 / OrdersThreshold)
            return Verdict(GradientFlowKind.Vanishing, $"vanishing: {numbers}; the first is {F(1 / ratio)} times smaller (threshold {F(OrdersThreshold)}x)");
        if (ratio >= OrdersThreshold)
            return Verdict(GradientFlowKind.Exploding, $"exploding: {numbers}; the first is {F(ratio)} times larger (threshold {F(OrdersThreshold)}x)");
        return Verdict(GradientFlowKind.Healthy, $"healthy: {numbers}; ratio first/last {F(ratio)}, within {F(OrdersThreshold)}x either way");
    }

    /// <summary>A layer as the verdict names it: "'0' (32→32)".</summary>
    private static string Describe(GradientFlowLayer layer) => $"'{layer.Name}' ({layer.InFeatures}\u2192{layer.OutFeatures})";

    /// <summary>A number in the verdict: three significant digits, exponent form when very large or small.</summary>
    internal static string F(double value) =>
        double.IsFinite(value) && value != 0 && (Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e4)
            ? value.ToString("0.00e+00", CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
}
