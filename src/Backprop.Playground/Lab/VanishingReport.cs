namespace Backprop.Playground.Lab;

/// <summary>What <c>POST /api/lab/vanishing</c> answers: per layer, how much gradient arrives and what it does.</summary>
/// <param name="Setup">The configuration measured.</param>
/// <param name="Layers">One per Linear layer, input side first.</param>
/// <param name="FirstToLast">Mean |dL/dW| of the first layer over that of the last (null when both are 0).</param>
/// <param name="Verdict">healthy, vanishing or exploding (<see cref="Diagnostics.GradientFlow.Diagnose"/>).</param>
/// <param name="Message">The verdict in words, with its numbers.</param>
/// <param name="Loss">The cross-entropy of the batch before the step.</param>
/// <param name="Guide">The customary healthy log10 update/weight ratio, -3.</param>
public sealed record VanishingReport(
    VanishingSetup Setup,
    IReadOnlyList<VanishingLayer> Layers,
    double? FirstToLast,
    string Verdict,
    string Message,
    double Loss,
    double Guide);

/// <summary>One layer of the vanishing-gradient lab.</summary>
/// <param name="Name">The module name (<c>0</c>, <c>2</c>, … as <c>backprop gradflow</c> prints it).</param>
/// <param name="InFeatures">Inputs of the layer.</param>
/// <param name="OutFeatures">Outputs of the layer.</param>
/// <param name="Saturation">
/// The share of the activation's outputs that are saturated (tanh, sigmoid: |tanh| &gt; 0.97, sigmoid
/// outside [0.03, 0.97]) or, for ReLU, the share of dead units; null for the output layer and for
/// activations that neither saturate nor die (linear, leaky ReLU).
/// </param>
/// <param name="SaturationKind">"saturated", "dead" or null, saying which of the two <paramref name="Saturation"/> is.</param>
/// <param name="GradMean">mean |dL/dW|.</param>
/// <param name="GradStd">Standard deviation of |dL/dW| over the layer's weights: the spread.</param>
/// <param name="GradMax">max |dL/dW|.</param>
/// <param name="UpdateRatioLog10">log10(‖ΔW‖ / ‖W‖) of one plain SGD step (null when the weights did not move).</param>
public sealed record VanishingLayer(
    string Name,
    int InFeatures,
    int OutFeatures,
    double? Saturation,
    string? SaturationKind,
    double GradMean,
    double GradStd,
    double GradMax,
    double? UpdateRatioLog10);
