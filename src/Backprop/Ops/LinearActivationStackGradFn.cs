using System.Numerics;
using Backprop.Kernels;
using Backprop.Memory;

namespace Backprop;

/// <summary>
/// <see cref="Tensor.LinearActivationStack"/>'s rule: <see cref="LinearActivationGradFn"/>'s
/// steps layer by layer from the last, each layer's input gradient handed to the layer below in
/// a scratch array; so the same numbers as the layers' own rules run one after the other.
/// </summary>
/// <remarks>
/// Its inputs are the stack's input, then each layer's weight and (when it has one) bias. The
/// input, the weights and the output are saved (their versions taken when the op ran); the
/// hidden activations are the rule's own buffer, which nothing else can reach or write. When the backward pass is itself recorded (<c>createGraph</c>), the stack
/// is run again layer by layer with recorded ops and differentiated by a nested pass, so that
/// gradients of gradients work.
/// </remarks>
internal sealed class LinearActivationStackGradFn : GradFn
{
    private readonly FusedLayer[] _layers;
    private readonly Tensor _hidden, _output;

    /// <summary>The rule of <c>output = stack(input)</c> over <paramref name="layers"/>, whose hidden outputs are in <paramref name="hidden"/>.</summary>
    public LinearActivationStackGradFn(Tensor input, FusedLayer[] layers, Tensor hidden, Tensor output)
        : base(NameOf(layers), InputsOf(input, layers), input, output)
    {
        _layers = layers;
        _hidden = hidden;
        _output = output;
        var weights = new SavedTensor[layers.Length];
        for (int l = 0; l < layers.Length; l++) weights[l] = new SavedTensor(layers[l].Weight, layers[l].Weight.Version);
        SaveMore(weights);
    }

    private static string NameOf(FusedLayer[] layers) => layers[0].Activation switch
    {
        FusedActivation.Relu => "Linear+Relu stack",
        FusedActivation.Tanh => "Linear+Tanh stack",
        _ => "Linear+Sigmoid stack",
    };

    private static Tensor[] InputsOf(Tensor input, FusedLayer[] layers)
    {
        int count = 1;
        foreach (FusedLayer layer in layers) count += layer.Bias is null ? 1 : 2;
        var inputs = new Tensor[count];
        int k = 0;
        inputs[k++] = input;
        foreach (FusedLayer layer in layers)
        {
            inputs[k++] = layer.Weight;
            if (layer.Bias is not null) inputs[k++] = layer.Bias;
        }
        return inputs;
    }

    /// <inheritdoc/>
    public override void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads)
    {
        if (recorded)
        {
            Recorded(grad, inputGrads);
            return;
        }
        Tensor g = StridedCopy.ToContiguous(grad);
        if (_output.DType == DType.Float32) Backward(g.Span<float>(), _hidden.Span<float>(), _output.Span<float>(), inputGrads);
        else Backward(g.Span<double>(), _hidden.Span<double>(), _output.Span<double>(), inputGrads);
    }

    private void Backward<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> hidden, ReadOnlySpan<T> output, Span<Tensor?> inputGrads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor input = Inputs[0];
        int rows = input.ShapeArray[0];
        // dL/dz of the layer running (its output's width), and dL/d(its input) for every layer
        // but the first (the width of the output of the layer below): never wider than the
        // widest output.
        int widest = 0;
        foreach (FusedLayer layer in _layers) widest = Math.Max(widest, layer.Weight.ShapeArray[0]);
        T[] dzArray = BufferPool.Rent<T>(rows * widest, out bool dzPooled);
        T[] gxArray = BufferPool.Rent<T>(rows * widest, out bool gxPooled);
        try
        {
            ReadOnlySpan<T> g = gradOutput;
            int slot = inputGrads.Length;
            // The hidden outputs lie one after the other; the running layer's input ends here
            // (its output, below the top layer, is what follows).
            int inputEnd = hidden.Length;
            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                FusedLayer layer = _layers[l];
                int outFeatures = layer.Weight.ShapeArray[0], inFeatures = layer.Weight.ShapeArray[1];
                ReadOnlySpan<T> y = l + 1 == _layers.Length ? output : hidden.Slice(inputEnd, rows * outFeatures);
                Span<T> dz = dzArray.AsSpan(0, rows * outFeatures);
                LinearActivationGradFn.ActivationGradient(g, y, dz, layer.Activation);

                // This layer's input: the stack's for the first layer, else the output of the one below.
                int inputStart = l == 0 ? 0 : inputEnd - rows * inFeatures;
                ReadOnlySpan<T> x = l == 0 ? input.Storage<T>().AsSpan(input.Offset) : hidden.Slice(inputStart, rows * inFeatures);
                (int xRowStride, int xColStride) = l == 0 ? (input.Strides[0], input.Strides[1]) : (inFeatures, 1);

                // Inputs are [input, W0, b0, W1, b1, ...]: this layer's slots are the last ones not yet filled.
                if (layer.Bias is { } bias)
                {
                    slot--;
                    if (bias.RequiresGrad) inputGrads[slot] = Tensor.LinearBiasGradient<T>(dz, bias, rows);
                }
                slot--;
                if (layer.Weight.RequiresGrad) inputGrads[slot] = Tensor.LinearWeightGradient<T>(dz, x, xRowStride, xColStride, layer.Weight, rows);

                if (l > 0)
                {
                    // Over g, which dz has replaced: the layer below starts from it.
                    Span<T> gx = gxArray.AsSpan(0, rows * inFeatures);
                    Tensor.LinearInputGradient<T>(dz, layer.Weight, gx, rows);
                    g = gx;
                    inputEnd = inputStart;
                }
                else if (input.RequiresGrad)
                {
                    Tensor gx = Tensor.UninitializedLike(input);
                    Tensor.LinearInputGradient<T>(dz, layer.Weight, gx.Span<T>(), rows);
                    inputGrads[0] = gx;
                }
            }
        }
        finally
        {
            if (dzPooled) BufferPool.Return(dzArray);
            if (gxPooled) BufferPool.Return(gxArray);
        }
    }

    /// <summary>
    /// The rule as recorded ops (gradients of gradients): the layers run again one by one with
    /// recording on (the same kernels, so the same numbers), then a nested pass differentiates
    /// them from <paramref name="grad"/>.
    /// </summary>
    private void Recorded(Tensor grad, Span<Tensor?> inputGrads)
    {
        Tensor x = Inputs[0];
        foreach (FusedLayer layer in _layers) x = x.LinearActivation(layer.Weight, layer.Bias, layer.Activation);
        var wanted = new List<Tensor>();
        var slots = new List<int>();
        for (int i = 0; i < Inputs.Length; i++)
        {
            if (!Inputs[i].RequiresGrad) continue;
            wanted.Add(Inputs[i]);
            slots.Add(i);
        }
        Tensor?[] grads = TensorGraph.Run([x], [grad], createGraph: true, wanted);
        for (int k = 0; k < slots.Count; k++) inputGrads[slots[k]] = grads[k];
    }
}
