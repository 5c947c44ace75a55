namespace Backprop.Playground.Runs;

/// <summary>The library's gradient-flow statistics of the last step, per Linear layer (what <c>backprop gradflow</c> reports).</summary>
public sealed record GradientFlowState
{
    /// <summary>One entry per Linear layer, input side first.</summary>
    public required IReadOnlyList<GradientFlowLayerState> Layers { get; init; }

    /// <summary>mean |dL/dW| of the first layer over that of the last; null before the first step.</summary>
    public double? FirstToLast { get; init; }
}

/// <summary>One layer's gradient flow; numbers are null before the first step (and where they do not apply).</summary>
public sealed record GradientFlowLayerState
{
    /// <summary>The layer's module name (<c>0</c>, <c>2</c>, …), as the library names it.</summary>
    public required string Name { get; init; }

    /// <summary>mean |dL/dW|.</summary>
    public double? WeightGrad { get; init; }

    /// <summary>mean |dL/da| over the last batch, a the layer's output after its activation.</summary>
    public double? ActivationGrad { get; init; }

    /// <summary>Share of saturated units (tanh, sigmoid) or dead units (ReLU); null for other activations.</summary>
    public double? Saturation { get; init; }

    /// <summary>log10(‖ΔW‖ / ‖W‖) of the last update; null before it (or when nothing moved).</summary>
    public double? UpdateRatioLog10 { get; init; }
}
