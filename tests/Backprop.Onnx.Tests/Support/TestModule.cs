using Backprop.NN;

namespace Backprop.OnnxTests.Support;

/// <summary>A module whose forward pass is a function of its input and its registered parameters (one op under test).</summary>
public sealed class TestModule : Module
{
    private readonly Func<TestModule, Tensor, Tensor> _forward;
    private readonly Dictionary<string, Tensor> _named = [];

    /// <summary>A module computing <paramref name="forward"/>.</summary>
    public TestModule(Func<TestModule, Tensor, Tensor> forward) => _forward = forward;

    /// <summary>Registers a parameter (values given) and returns the module, for chaining.</summary>
    public TestModule With(string name, Tensor values)
    {
        _named[name] = RegisterParameter(name, new Parameter(values));
        return this;
    }

    /// <summary>Registers a child module and returns the module.</summary>
    public TestModule With(string name, Module child)
    {
        RegisterModule(name, child);
        return this;
    }

    /// <summary>The parameter registered as <paramref name="name"/>.</summary>
    public Tensor this[string name] => _named[name];

    /// <summary>The child registered as <paramref name="name"/>.</summary>
    public Module Child(string name) => NamedChildren().First(c => c.Name == name).Module;

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input) => _forward(this, input);
}
