using Backprop.NN;

namespace Backprop.Diagnostics;

/// <summary>
/// The gradient statistics of one <see cref="Linear"/> layer's weight at one training step, as a
/// <see cref="GradientFlowRecorder"/> records them.
/// </summary>
/// <param name="Index">Position of the layer among the model's <see cref="Linear"/> and convolution layers, 0 nearest the input.</param>
/// <param name="Name">The layer's dotted module name (<c>0</c>, <c>2</c>, … in an <see cref="Mlp"/>).</param>
/// <param name="InFeatures">Inputs of the layer (input channels of a convolution).</param>
/// <param name="OutFeatures">Outputs of the layer (output channels of a convolution).</param>
/// <param name="Activation">The activation module that follows the layer, or null (the output layer of an <see cref="Mlp"/>).</param>
/// <param name="MeanAbsGrad">mean(|∂L/∂W|) over the weight's elements.</param>
/// <param name="MaxAbsGrad">max(|∂L/∂W|) over the weight's elements.</param>
/// <param name="MeanAbsWeight">mean(|W|) when the gradient was recorded.</param>
/// <param name="GradToWeightRatio">
/// <see cref="MeanAbsGrad"/> / <see cref="MeanAbsWeight"/>: how large a step plain SGD with rate 1 would take
/// relative to the weights (infinite or NaN when every weight is 0).
/// </param>
/// <param name="UpdateRatioLog10">
/// log10(‖ΔW‖ / ‖W‖), Frobenius norms, ΔW the change the optimizer made and W the weight before it; null until
/// <see cref="GradientFlowRecorder.RecordUpdate"/> is called for the step. Around -3 is the customary healthy
/// value; -∞ when the weight did not change.
/// </param>
/// <param name="SaturatedShare">
/// For a tanh or sigmoid activation after the layer: the share of its outputs in the most recent forward pass that
/// are saturated, |tanh| &gt; 0.97, or sigmoid &lt; 0.03 or &gt; 0.97 (where the local derivative is below about
/// 0.06 and 0.03 of its peak). Null for other activations or when no forward pass was seen.
/// </param>
/// <param name="DeadShare">
/// For a ReLU after the layer: the share of its units that output exactly 0 for every example of the most recent
/// forward pass (no gradient reaches their weights). Null for other activations or when no forward pass was seen.
/// </param>
public sealed record GradientFlowLayer(
    int Index,
    string Name,
    int InFeatures,
    int OutFeatures,
    ActivationKind? Activation,
    double MeanAbsGrad,
    double MaxAbsGrad,
    double MeanAbsWeight,
    double GradToWeightRatio,
    double? UpdateRatioLog10,
    double? SaturatedShare,
    double? DeadShare);
