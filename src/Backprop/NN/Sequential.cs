namespace Backprop.NN;

/// <summary>Modules applied one after another, named "0", "1", … as in PyTorch's <c>nn.Sequential</c>.</summary>
public class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Chains <paramref name="layers"/> in order.</summary>
    /// <param name="layers">The modules.</param>
    public Sequential(params Module[] layers)
    {
        foreach (Module layer in layers) Add(layer);
    }

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>Appends a module (named by its position).</summary>
    /// <param name="layer">The module.</param>
    /// <returns>This sequence.</returns>
    public Sequential Add(Module layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        return this;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A <see cref="Linear"/> followed by a ReLU, tanh or sigmoid (<see cref="Activation"/> or
    /// <see cref="ReLU"/>, <see cref="Tanh"/>, <see cref="Sigmoid"/>) runs
    /// as one op (<see cref="Linear.ForwardFused"/>: the same numbers, one result and one
    /// backward rule instead of two) unless something watches the step between them: a hook on
    /// either module, a graph trace (ONNX export), or anomaly mode, which names each op. Two or
    /// more such pairs in a row run as one op for the whole stack
    /// (<see cref="Tensor.LinearActivationStack"/>): the same numbers again.
    /// </remarks>
    protected override Tensor ForwardCore(Tensor input)
    {
        Tensor x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is Linear linear && i + 1 < _layers.Count)
            {
                int pairs = StackablePairs(x, i);
                if (pairs >= 2 && ForwardStack(x, i, pairs) is { } stacked)
                {
                    x = stacked;
                    i += 2 * pairs - 1;
                    continue;
                }
                if (linear.ForwardFused(x, _layers[i + 1]) is { } fused)
                {
                    x = fused;
                    i++;
                    continue;
                }
            }
            x = _layers[i].Forward(x);
        }
        return x;
    }

    // The layers of the last stack run (Tensor.LinearActivationStack), kept so that a training
    // step does not build them again; checked against the modules on every use.
    private FusedLayer[]? _stack;

    /// <summary>
    /// How many Linear + activation pairs that fuse (<see cref="Linear.FusesWith"/>) follow one
    /// another from module <paramref name="first"/>, each taking the previous one's width and
    /// <paramref name="x"/>'s element type (else the layers run apart and report the mismatch).
    /// </summary>
    private int StackablePairs(Tensor x, int first)
    {
        if (x.Rank != 2 || !DTypes.IsFloat(x.DType) || TensorGraph.Tracing) return 0;
        int pairs = 0, width = x.ShapeArray[1];
        for (int i = first; i + 1 < _layers.Count; i += 2)
        {
            if (_layers[i] is not Linear linear || linear.FusesWith(_layers[i + 1]) is null || linear.InFeatures != width
                || linear.Weight.DType != x.DType || (linear.Bias is { } bias && bias.DType != x.DType))
                break;
            width = linear.OutFeatures;
            pairs++;
        }
        return pairs;
    }

    /// <summary>The <paramref name="pairs"/> pairs from module <paramref name="first"/> as one op, or null in anomaly mode (which names each layer's op).</summary>
    private Tensor? ForwardStack(Tensor x, int first, int pairs)
    {
        AutogradModes modes = Autograd.Modes;
        if ((modes & AutogradModes.AnomalyDetection) != 0) return null;
        FusedLayer[]? layers = _stack;
        bool same = layers is not null && layers.Length == pairs;
        for (int k = 0; same && k < pairs; k++)
        {
            var linear = (Linear)_layers[first + 2 * k];
            same = ReferenceEquals(layers![k].Weight, linear.Weight) && ReferenceEquals(layers[k].Bias, linear.Bias)
                && layers[k].Activation == linear.FusesWith(_layers[first + 2 * k + 1]);
        }
        if (!same)
        {
            layers = new FusedLayer[pairs];
            for (int k = 0; k < pairs; k++)
            {
                var linear = (Linear)_layers[first + 2 * k];
                layers[k] = new FusedLayer(linear.Weight, linear.Bias, linear.FusesWith(_layers[first + 2 * k + 1])!.Value);
            }
            _stack = layers;
        }
        return x.LinearActivationStack(layers!, modes);
    }
}
