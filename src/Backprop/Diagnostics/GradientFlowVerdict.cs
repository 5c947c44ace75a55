namespace Backprop.Diagnostics;

/// <summary>What <see cref="GradientFlow.Diagnose"/> concluded, with the numbers it concluded it from.</summary>
/// <param name="Kind">Healthy, vanishing or exploding.</param>
/// <param name="FirstLayerMeanAbsGrad">Mean |grad| of the layer nearest the input.</param>
/// <param name="LastLayerMeanAbsGrad">Mean |grad| of the layer nearest the output.</param>
/// <param name="FirstToLastRatio">
/// <see cref="FirstLayerMeanAbsGrad"/> / <see cref="LastLayerMeanAbsGrad"/>: below 1/<see cref="GradientFlow.OrdersThreshold"/>
/// is vanishing, above <see cref="GradientFlow.OrdersThreshold"/> exploding (NaN when both are 0).
/// </param>
/// <param name="Message">The verdict in words, with the numbers, e.g.
/// "vanishing: the first layer's mean |grad| (3.1e-10) is 1.3e+08 times smaller than the last layer's (4.0e-02)".</param>
public sealed record GradientFlowVerdict(
    GradientFlowKind Kind,
    double FirstLayerMeanAbsGrad,
    double LastLayerMeanAbsGrad,
    double FirstToLastRatio,
    string Message)
{
    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}
