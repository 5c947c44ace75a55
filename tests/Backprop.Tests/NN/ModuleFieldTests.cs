using Backprop.IO;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.NN;

/// <summary>
/// Parameters and modules kept in fields are registered without a call, as PyTorch registers
/// <c>self.fc1 = nn.Linear(...)</c>: the trap of a layer silently missing from Parameters().
/// </summary>
public class ModuleFieldTests
{
    /// <summary>The network a PyTorch user writes first: layers in fields, no Register calls.</summary>
    private sealed class Net : Module
    {
        private readonly Linear _fc1;
        private readonly Linear _fc2;

        public Net(NumpyRandom random)
        {
            _fc1 = new Linear(2, 3, random);
            _fc2 = new Linear(3, 1, random);
        }

        protected override Tensor ForwardCore(Tensor input) => _fc2.Forward(_fc1.Forward(input).Relu());
    }

    [Fact]
    public void LayersInFieldsAreParametersUnderTheirPyTorchNamesInDeclarationOrder()
    {
        var net = new Net(new NumpyRandom(1));
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal(2 * 3 + 3 + 3 + 1, net.Parameters().Sum(p => p.Count));
        Assert.Equal(["", "fc1", "fc2"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(["fc1", "fc2"], net.NamedChildren().Select(m => m.Name));
        Assert.Equal(["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"], net.StateDict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnOptimizerTrainsTheFieldLayersAndZeroGradEvalAndTrainReachThem()
    {
        var net = new Net(new NumpyRandom(2));
        Tensor x = Tensor.FromArray([1f, -2f, 0.5f, 3f], 2, 2);
        Tensor y = Tensor.FromArray([1f, -1f], 2, 1);
        float[] before = net.Parameters().First().ToArray<float>();
        var sgd = new Sgd(net.Parameters(), learningRate: 0.1);
        Losses.MseLoss(net.Forward(x), y).Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        sgd.Step();
        Assert.NotEqual(before, net.Parameters().First().ToArray<float>());

        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.IsTraining));
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));
    }

    /// <summary>Properties, public fields, Tensor-typed fields holding a Parameter, lists, a base class, snake_case.</summary>
    private class Encoder : Module
    {
        public Encoder() => InputLayer = new Linear(4, 3, new NumpyRandom(3));

        public Linear InputLayer { get; }

        protected override Tensor ForwardCore(Tensor input) => InputLayer.Forward(input);
    }

    private sealed class Model : Encoder
    {
        public readonly Tensor Scale = new Parameter(Tensor.Ones(3));
        private readonly Tensor _notState = Tensor.Zeros(3);
        private readonly List<Linear> _blocks = [new Linear(3, 3, new NumpyRandom(4)), new Linear(3, 3, new NumpyRandom(5))];
        private readonly Parameter[] _gains = [new Parameter(Tensor.Ones(1)), new Parameter(Tensor.Ones(1))];
        private readonly Module _sameAsFirstBlock;
        private Linear? _head;

        public Model() => _sameAsFirstBlock = _blocks[0];

        public void AddHead() => _head = new Linear(3, 1, new NumpyRandom(6));

        protected override Tensor ForwardCore(Tensor input)
        {
            Tensor h = base.ForwardCore(input) * Scale + _notState;
            foreach (Linear block in _blocks) h = block.Forward(h);
            return _head is null ? h : _head.Forward(h * _gains[0] * _gains[1]);
        }
    }

    [Fact]
    public void BaseClassFieldsComeFirstThenListsAsModuleListsEachObjectOnce()
    {
        var model = new Model();
        // As PyTorch's named_parameters(): a module's own parameters, then each child's, in order.
        Assert.Equal(
            ["scale", "gains.0", "gains.1", "input_layer.weight", "input_layer.bias", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias"],
            model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["", "input_layer", "blocks.0", "blocks.1"], model.NamedModules().Select(m => m.Name));
        Assert.DoesNotContain(model.StateDict().Keys, k => k.Contains("not_state"));
    }

    [Fact]
    public void AFieldAssignedAfterConstructionIsSeenOnTheNextWalk()
    {
        var model = new Model();
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name.StartsWith("head.", StringComparison.Ordinal));
        model.AddHead();
        Assert.Equal(["head.weight", "head.bias"], model.NamedParameters().Select(p => p.Name).TakeLast(2));
    }

    /// <summary>Registered explicitly and held in a field: the registered name, once.</summary>
    private sealed class Registered : Module
    {
        private readonly Linear _layer;
        private readonly Linear _other;

        public Registered()
        {
            _other = new Linear(2, 2, new NumpyRandom(7));
            _layer = RegisterModule("custom", new Linear(2, 2, new NumpyRandom(8)));
        }

        protected override Tensor ForwardCore(Tensor input) => _other.Forward(_layer.Forward(input));
    }

    [Fact]
    public void ExplicitRegistrationsComeFirstAndKeepTheirNames()
    {
        var module = new Registered();
        Assert.Equal(["custom.weight", "custom.bias", "other.weight", "other.bias"], module.NamedParameters().Select(p => p.Name));
    }

    private sealed class Clash : Module
    {
        private readonly Linear _fc;

        public Clash()
        {
            RegisterModule("fc", new Linear(2, 2, new NumpyRandom(9)));
            _fc = new Linear(2, 2, new NumpyRandom(10));
        }

        protected override Tensor ForwardCore(Tensor input) => _fc.Forward(input);
    }

    [Fact]
    public void AFieldWhoseNameIsRegisteredForAnotherObjectIsAnError()
    {
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => new Clash().Parameters().ToList());
        Assert.Equal("Clash: the field named 'fc' holds a Linear that is not the one registered as 'fc'; register it under another name or rename the field", e.Message);
    }

    /// <summary>A child that points back at its parent: walking must not loop.</summary>
    private sealed class Parent : Module
    {
        private readonly Child _child;

        public Parent() => _child = new Child(this);

        protected override Tensor ForwardCore(Tensor input) => _child.Forward(input);

        private sealed class Child(Module owner) : Module
        {
            private readonly Linear _fc = new(1, 1, new NumpyRandom(11));

            public Module Owner { get; } = owner;

            protected override Tensor ForwardCore(Tensor input) => _fc.Forward(input);
        }
    }

    [Fact]
    public void AReferenceBackToAnOwnerDoesNotLoop()
    {
        var parent = new Parent();
        Assert.Equal(["", "child", "child.fc"], parent.NamedModules().Select(m => m.Name));
        Assert.Equal(["child.fc.weight", "child.fc.bias"], parent.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void BuiltInModulesKeepTheirNames()
    {
        var random = new NumpyRandom(12);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], new Mlp([2, 4, 1], ActivationKind.Tanh, random).NamedParameters().Select(p => p.Name));
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], new BatchNorm1d(3).StateDict().Keys);
        Assert.Equal(["weight", "bias"], new Conv2d(1, 2, 3, random).NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void AStateDictOfFieldLayersRoundTripsThroughSafetensors()
    {
        var source = new Net(new NumpyRandom(13));
        var target = new Net(new NumpyRandom(14));
        string path = Path.Combine(Path.GetTempPath(), $"backprop-fields-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, source.StateDict());
            target.LoadStateDict(SafeTensors.Load(path).Tensors);
        }
        finally
        {
            File.Delete(path);
        }
        Tensor x = Tensor.FromArray([0.5f, -1f], 1, 2);
        Assert.Equal(source.Forward(x).ToArray<float>(), target.Forward(x).ToArray<float>());
    }

    [Theory]
    [InlineData("_fc1", "fc1")]
    [InlineData("fc1", "fc1")]
    [InlineData("<Fc1>k__BackingField", "fc1")]
    [InlineData("<OutputLayer>k__BackingField", "output_layer")]
    [InlineData("m_hiddenLayer", "hidden_layer")]
    [InlineData("HTTPLayer", "http_layer")]
    [InlineData("Conv2D", "conv2d")]
    [InlineData("<layer>P", "layer")]
    public void FieldNamesBecomePyTorchNames(string field, string expected) =>
        Assert.Equal(expected, ModuleFields.PyTorchName(field));
}
