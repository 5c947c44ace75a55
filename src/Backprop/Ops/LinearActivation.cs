using Backprop.Kernels;

namespace Backprop;

/// <summary>An activation that <see cref="Tensor.LinearActivation(Tensor, Tensor?, FusedActivation)"/> applies in the same op as the affine map.</summary>
internal enum FusedActivation
{
    /// <summary>max(z, 0), as <see cref="Tensor.Relu"/>.</summary>
    Relu,

    /// <summary>tanh(z), as <see cref="Tensor.Tanh"/>.</summary>
    Tanh,

    /// <summary>1 / (1 + e^-z), as <see cref="Tensor.Sigmoid"/>.</summary>
    Sigmoid,
}

public partial class Tensor
{
    /// <summary>
    /// <c>f(this·weightᵀ + bias)</c> as one recorded op: the same numbers, forward and backward,
    /// as <see cref="Linear"/> followed by the activation's own op, with one result tensor and one
    /// rule instead of two of each. <see cref="NN.Sequential"/> uses it for a
    /// <see cref="NN.Linear"/> followed by an <see cref="NN.Activation"/> when nothing watches
    /// the layer between them (no hooks, no trace, no anomaly mode).
    /// </summary>
    /// <remarks>
    /// The activation is applied in place to the product's fresh buffer by the kernel its own op
    /// uses; its derivative is read from the output alone (tanh' = 1 − y², σ' = y(1 − y),
    /// ReLU' = [y &gt; 0], the same mask as [z &gt; 0]), so nothing but the output is kept.
    /// </remarks>
    /// <param name="weight">The weight, [out, in].</param>
    /// <param name="bias">The bias, [out], or null.</param>
    /// <param name="activation">The activation applied to the affine map.</param>
    internal Tensor LinearActivation(Tensor weight, Tensor? bias, FusedActivation activation) => LinearActivation(weight, bias, activation, Autograd.Modes);

    /// <summary><see cref="LinearActivation(Tensor, Tensor?, FusedActivation)"/> under the autograd modes the caller has read (a layer reads them once).</summary>
    internal Tensor LinearActivation(Tensor weight, Tensor? bias, FusedActivation activation, AutogradModes modes)
    {
        CheckLinear(weight, bias);
        if (Rank != 2) return Activate(Linear(weight, bias), activation);
        Tensor result = LinearRows(weight, bias);
        if (DType == DType.Float32) ActivateInPlace(result.Span<float>(), activation);
        else ActivateInPlace(result.Span<double>(), activation);
        return TensorGraph.WillRecord(modes, this, weight, bias)
            ? TensorGraph.Record(result, new LinearActivationGradFn(this, weight, bias, activation, result), modes)
            : result;
    }

    private static Tensor Activate(Tensor z, FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => z.Relu(),
        FusedActivation.Tanh => z.Tanh(),
        _ => z.Sigmoid(),
    };

    /// <summary>Applies <paramref name="activation"/> to <paramref name="z"/> in place, by the kernel of the activation's own op.</summary>
    internal static void ActivateInPlace<T>(Span<T> z, FusedActivation activation) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case FusedActivation.Relu: ReluKernel.Apply<T>(z, z); break;
            case FusedActivation.Tanh: TanhKernel.Apply<T>(z, z); break;
            default: SigmoidKernel.Apply<T>(z, z); break;
        }
    }

    /// <summary>
    /// The gradient of the affine map's output from that of the activation's, <paramref name="g"/>
    /// times f'(z) read from the output y (this tensor), written with the activation's own
    /// differentiable ops: the form a recorded backward pass (<c>createGraph</c>) uses.
    /// </summary>
    internal Tensor ActivationBackward(Tensor g, FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => ReluBackward(g),
        FusedActivation.Tanh => g * (1.0 - this * this),
        _ => g * this * (1.0 - this),
    };
}
