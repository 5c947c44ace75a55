namespace Backprop.Diagnostics;

/// <summary>What <see cref="GradientFlow.Diagnose"/> concludes about how gradients travel through a network.</summary>
public enum GradientFlowKind
{
    /// <summary>The first layer's mean |grad| is within a factor <see cref="GradientFlow.OrdersThreshold"/> of the last layer's, and every gradient is finite and moderate.</summary>
    Healthy,

    /// <summary>The first layer's mean |grad| is at least <see cref="GradientFlow.OrdersThreshold"/> times smaller than the last layer's.</summary>
    Vanishing,

    /// <summary>
    /// The first layer's mean |grad| is at least <see cref="GradientFlow.OrdersThreshold"/> times larger than the last
    /// layer's, or some gradient is NaN, infinite, or above <see cref="GradientFlow.HugeGradient"/>.
    /// </summary>
    Exploding,
}
