namespace Backprop.Playground.Runs;

/// <summary>Which per-link numbers a frame carries besides the weights (the page's link view).</summary>
public enum FrameView
{
    /// <summary>Weights and biases only.</summary>
    Weights,

    /// <summary>Plus dL/dW and dL/db of the last step.</summary>
    Gradients,

    /// <summary>Plus ΔW and Δb of the last step.</summary>
    Updates,
}
