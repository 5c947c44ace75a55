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
    protected override Tensor ForwardCore(Tensor input)
    {
        Tensor x = input;
        foreach (Module layer in _layers) x = layer.Forward(x);
        return x;
    }
}
