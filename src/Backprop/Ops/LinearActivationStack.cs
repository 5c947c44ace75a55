using System.Numerics;

namespace Backprop;

/// <summary>One layer of <see cref="Tensor.LinearActivationStack"/>: <c>f(x·Wᵀ + b)</c>.</summary>
/// <param name="Weight">The weight, [out, in].</param>
/// <param name="Bias">The bias, [out], or null.</param>
/// <param name="Activation">The activation f.</param>
internal readonly record struct FusedLayer(Tensor Weight, Tensor? Bias, FusedActivation Activation);

public partial class Tensor
{
    /// <summary>
    /// Layers of <see cref="LinearActivation(Tensor, Tensor?, FusedActivation)"/> one after the
    /// other as one recorded op: the same numbers, forward and backward, with one result and one
    /// rule for the whole stack. <see cref="NN.Sequential"/> uses it for two or more
    /// <see cref="NN.Linear"/> + activation pairs in a row that nothing watches.
    /// </summary>
    /// <remarks>
    /// On TF Playground's network (six 8-unit tanh layers, batches of 10) each layer's
    /// arithmetic is a few hundred multiply-adds, and a step's time went to what every op and
    /// rule costs around it: a result tensor and its storage, a rule and its inputs, the
    /// backward pass's visit, the gradient handed between layers. Here the hidden activations
    /// live in one buffer the rule keeps, and the gradients between layers in two scratch
    /// arrays; only the output and the parameters' gradients are tensors.
    /// </remarks>
    /// <param name="layers">The layers, each one's input width the previous one's output width (checked by the caller).</param>
    /// <param name="modes">The autograd modes, read once by the caller.</param>
    internal Tensor LinearActivationStack(FusedLayer[] layers, AutogradModes modes)
    {
        int rows = _shape[0];
        int hiddenWidth = 0;
        for (int l = 0; l + 1 < layers.Length; l++) hiddenWidth += layers[l].Weight.ShapeArray[0];
        bool record = TensorGraph.WillRecord(modes, this, FirstRequiringGrad(layers));
        Tensor output = UninitializedMatrix(DType, rows, layers[^1].Weight.ShapeArray[0]);
        // Kept for the backward pass when recorded; otherwise the same buffer, given back at once.
        Tensor hidden = UninitializedVector(DType, rows * hiddenWidth);
        if (DType == DType.Float32) StackForward<float>(layers, hidden.Span<float>(), output.Span<float>());
        else StackForward<double>(layers, hidden.Span<double>(), output.Span<double>());
        if (record) return TensorGraph.Record(output, new LinearActivationStackGradFn(this, layers, hidden, output), modes);
        Backprop.Memory.TensorScope.Disown(hidden.SharedStorage);
        hidden.SharedStorage.Release("the layer stack that used it as scratch finished");
        return output;
    }

    private static Tensor? FirstRequiringGrad(FusedLayer[] layers)
    {
        foreach (FusedLayer layer in layers)
        {
            if (layer.Weight.RequiresGrad) return layer.Weight;
            if (layer.Bias is { RequiresGrad: true } bias) return bias;
        }
        return null;
    }

    /// <summary>Each layer's product, bias and activation, as <see cref="LinearActivation(Tensor, Tensor?, FusedActivation)"/> computes them, the hidden outputs one after the other in <paramref name="hidden"/>.</summary>
    private void StackForward<T>(FusedLayer[] layers, Span<T> hidden, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = _shape[0];
        ReadOnlySpan<T> x = Storage<T>().AsSpan(_offset);
        int xRowStride = _strides[0], xColStride = _strides[1], inFeatures = _shape[1];
        int offset = 0;
        for (int l = 0; l < layers.Length; l++)
        {
            Tensor weight = layers[l].Weight;
            int outFeatures = weight._shape[0];
            Span<T> z = l + 1 == layers.Length ? output : hidden.Slice(offset, rows * outFeatures);
            AffineRowsInto(x, xRowStride, xColStride, rows, inFeatures, weight, layers[l].Bias, z);
            ActivateInPlace(z, layers[l].Activation);
            x = z;
            (xRowStride, xColStride, inFeatures) = (outFeatures, 1, outFeatures);
            offset += rows * outFeatures;
        }
    }
}
