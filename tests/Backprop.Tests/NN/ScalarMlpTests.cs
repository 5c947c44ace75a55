using Backprop.Cli.Bench;
using Backprop.NN.Scalar;
using Backprop.Random;
using Backprop.Tests.Support;

namespace Backprop.Tests.NN;

/// <summary>micrograd's Neuron, Layer and MLP over <see cref="Value"/>.</summary>
public class ScalarMlpTests
{
    [Fact]
    public void AnMlpHasMicrogradsParameterCount()
    {
        var model = new Mlp(2, [16, 16, 1], new NumpyRandom(1));
        Assert.Equal(2 * 16 + 16 + 16 * 16 + 16 + 16 + 1, model.Parameters().Count);
    }

    [Fact]
    public void TheNetworkGradientMatchesFiniteDifferences()
    {
        var model = new Mlp(3, [4, 2], new NumpyRandom(9));
        IReadOnlyList<Value> parameters = model.Parameters();
        double[] x = [0.3, -1.2, 0.8];
        Value Loss()
        {
            Value[] output = model.Forward(Array.ConvertAll(x, v => new Value(v)));
            return (output[0] - 1.0).Pow(2) + output[1].Tanh();
        }

        model.ZeroGrad();
        Loss().Backward();
        double[] analytic = parameters.Select(p => p.Grad).ToArray();
        double[] numeric = FiniteDifference.Gradient(values =>
        {
            for (int i = 0; i < values.Length; i++) parameters[i].Data = values[i];
            return Loss().Data;
        }, parameters.Select(p => p.Data).ToArray());
        FiniteDifference.AssertClose(analytic, numeric, what: "MLP");
    }

    [Fact]
    public void AWrongNumberOfInputsIsAnErrorNamingBothCounts()
    {
        var model = new Mlp(3, [2], new NumpyRandom(1));
        ArgumentException e = Assert.Throws<ArgumentException>(() => model.Forward([new Value(1)]));
        Assert.Contains("expected 3 inputs, got 1", e.Message);
    }

    [Fact]
    public void MicrogradsDemoReachesFullTrainingAccuracyWithin100Steps()
    {
        var demo = new MicrogradDemo();
        for (int step = 0; step < MicrogradDemo.Steps; step++) demo.Step();
        Assert.Equal(1.0, demo.Loss().Accuracy);
    }

    [Fact]
    public void TheDemoStepBuildsAboutAsManyNodesAsMicrogradsDoes()
    {
        int nodes = ValueGraph.Nodes(new MicrogradDemo().Loss().Loss).Count;
        Assert.InRange(nodes, 60_000, 66_000); // micrograd: about 65,800, constants included
    }
}
