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
    /// either module, a graph trace (ONNX export), or anomaly mode, which names each op.
    /// </remarks>
    protected override Tensor ForwardCore(Tensor input)
    {
        Tensor x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is Linear linear && i + 1 < _layers.Count && linear.ForwardFused(x, _layers[i + 1]) is { } fused)
            {
                x = fused;
                i++;
                continue;
            }
            x = _layers[i].Forward(x);
        }
        return x;
    }
}
