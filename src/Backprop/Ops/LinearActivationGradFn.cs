using System.Numerics;
using Backprop.Kernels;
using Backprop.Memory;

namespace Backprop;

/// <summary>
/// <see cref="Tensor.LinearActivation(Tensor, Tensor?, FusedActivation)"/>'s rule: the activation's derivative from the saved
/// output, then <see cref="LinearGradFn"/>'s products, so the same numbers as the two rules of
/// the unfused layer run one after the other.
/// </summary>
internal sealed class LinearActivationGradFn : GradFn
{
    // The input, weight and bias are read from Inputs (one object per layer and step: no second copy of them).
    private readonly Tensor _output;
    private readonly FusedActivation _activation;

    // The output's version when the op ran (the two saved-tensor slots hold the input and the weight).
    private readonly int _outputVersion;

    /// <summary>The rule of <c>output = f(input.Linear(weight, bias))</c>; input, weight and output are saved (their versions taken now).</summary>
    public LinearActivationGradFn(Tensor input, Tensor weight, Tensor? bias, FusedActivation activation, Tensor output)
        : base(NameOf(activation), bias is null ? [input, weight] : [input, weight, bias], input, weight)
    {
        _activation = activation;
        _output = output;
        _outputVersion = output.Version;
    }

    private Tensor? Bias => Inputs.Length == 3 ? Inputs[2] : null;

    private static string NameOf(FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => "Linear+Relu",
        FusedActivation.Tanh => "Linear+Tanh",
        _ => "Linear+Sigmoid",
    };

    /// <inheritdoc/>
    public override void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads)
    {
        CheckSaved(_output, _outputVersion, _output);
        if (recorded)
        {
            LinearGradFn.Recorded(Inputs[0], Inputs[1], Bias, _output.ActivationBackward(grad, _activation), inputGrads);
            return;
        }
        Tensor g = StridedCopy.ToContiguous(grad);
        if (_output.DType == DType.Float32) Backward(g.Span<float>(), _output.Span<float>(), inputGrads);
        else Backward(g.Span<double>(), _output.Span<double>(), inputGrads);
    }

    /// <summary>dL/dz = <paramref name="g"/>·f'(z) into <paramref name="dz"/>, f' read from the activation's output <paramref name="y"/>.</summary>
    internal static void ActivationGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dz, FusedActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case FusedActivation.Relu: KeepWherePositiveKernel.Apply(g, y, dz); break;
            case FusedActivation.Tanh: TanhBackwardKernel.Apply(g, y, dz); break;
            default: SigmoidBackwardKernel.Apply(g, y, dz); break;
        }
    }

    /// <summary>
    /// dL/dz = g·f'(z) from the output into a scratch array (never a tensor: it lives only
    /// for this rule), then the affine map's products from it.
    /// </summary>
    private void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<Tensor?> inputGrads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] scratch = BufferPool.Rent<T>(g.Length, out bool pooled);
        try
        {
            Span<T> dz = scratch.AsSpan(0, g.Length);
            ActivationGradient(g, y, dz, _activation);
            Tensor.LinearBackward(Inputs[0], Inputs[1], Bias, (ReadOnlySpan<T>)dz, inputGrads);
        }
        finally
        {
            if (pooled) BufferPool.Return(scratch);
        }
    }
}
