using Backprop.NN;
using Backprop.Random;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Convolution;

/// <summary>The convolution-network modules: PyTorch's names, layouts and initialisation; BatchNorm2d's statistics.</summary>
public class ConvLayerTests
{
    [Fact]
    public void ParametersAreNamedAndLaidOutAsPyTorch()
    {
        var random = new NumpyRandom(1);
        var net = new Sequential(
            new Conv2d(1, 8, 3, random, padding: 1),
            new BatchNorm2d(8),
            new Activation(ActivationKind.Relu),
            new MaxPool2d(2),
            new Conv2d(8, 8, 3, random, "same", groups: 8, bias: false),
            new ConvTranspose2d(8, 4, 2, random, stride: 2),
            new AdaptiveAvgPool2d(1),
            new Flatten(),
            new Linear(4, 10, random));
        Dictionary<string, Tensor> state = net.StateDict();
        string[] expected = ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "5.weight", "5.bias", "8.weight", "8.bias"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([8, 1, 3, 3], state["0.weight"].Shape);
        Assert.Equal([8, 1, 3, 3], state["4.weight"].Shape); // depthwise: in/groups = 1
        Assert.Equal([8, 4, 2, 2], state["5.weight"].Shape); // transposed: [in, out/groups, kH, kW]
        Tensor y = net.Forward(Tensor.Randn(random, [2, 1, 12, 12]));
        Assert.Equal([2, 10], y.Shape);
    }

    [Fact]
    public void InitialisationIsPyTorchsUniformBound()
    {
        var conv = new Conv2d(4, 6, 3, new NumpyRandom(2), groups: 2);
        double bound = 1 / Math.Sqrt(2 * 3 * 3); // fan in = in/groups · kH · kW
        double[] w = conv.Weight.ToDoubleArray(), b = conv.Bias!.ToDoubleArray();
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.All(b, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(w.Max() > 0.8 * bound && w.Min() < -0.8 * bound, "the weights should fill the range");
    }

    [Fact]
    public void ModulesComputeWhatTheFunctionsCompute()
    {
        var random = new NumpyRandom(3);
        Tensor x = Tensor.Randn(random, [2, 4, 7, 7]);
        var conv = new Conv2d(4, 6, (3, 2), random, (2, 1), (1, 0), (1, 2), groups: 2);
        Assert.Equal(x.Conv2d(conv.Weight, conv.Bias, (2, 1), (1, 0), (1, 2), 2).ToFloatArray(), conv.Forward(x).ToFloatArray());
        var conv1d = new Conv1d(4, 2, 3, random, padding: 1);
        Tensor sequence = x.Flatten(2);
        Assert.Equal(sequence.Conv1d(conv1d.Weight, conv1d.Bias, padding: 1).ToFloatArray(), conv1d.Forward(sequence).ToFloatArray());
        var transposed = new ConvTranspose2d(4, 3, 3, random, stride: 2, padding: 1, outputPadding: 1);
        Assert.Equal([2, 3, 14, 14], transposed.Forward(x).Shape);
        Assert.Equal(x.AvgPool2d(3, 2, 1).ToFloatArray(), new AvgPool2d(3, 2, 1).Forward(x).ToFloatArray());
    }

    [Fact]
    public void BatchNorm2dNormalisesEachChannelOverBatchAndPlane()
    {
        Tensor x = Normal(4, 3, 2, 4, 5) * 3.0 + 1.0;
        var bn = new BatchNorm2d(2, dtype: DType.Float64);
        double[] y = bn.Forward(x.Detach()).ToDoubleArray();
        double[] data = x.ToDoubleArray();
        for (int c = 0; c < 2; c++)
        {
            // The 60 values of channel c: batch n, plane offset p.
            double[] values = [.. Enumerable.Range(0, 3).SelectMany(n => Enumerable.Range(0, 20).Select(p => data[(n * 2 + c) * 20 + p]))];
            double[] outputs = [.. Enumerable.Range(0, 3).SelectMany(n => Enumerable.Range(0, 20).Select(p => y[(n * 2 + c) * 20 + p]))];
            double mean = values.Average(), variance = values.Select(v => (v - mean) * (v - mean)).Average();
            for (int i = 0; i < 60; i++) Assert.Equal((values[i] - mean) / Math.Sqrt(variance + 1e-5), outputs[i], 1e-12);
            Assert.Equal(0.1 * mean, bn.RunningMean.ToDoubleArray()[c], 1e-12);
            Assert.Equal(0.9 + 0.1 * variance * 60 / 59, bn.RunningVar.ToDoubleArray()[c], 1e-12);
        }
        Assert.Equal(1, bn.BatchesTracked);

        bn.Eval();
        double[] evaluated = bn.Forward(x.Detach()).ToDoubleArray();
        double runningMean = bn.RunningMean.ToDoubleArray()[0], runningVar = bn.RunningVar.ToDoubleArray()[0];
        Assert.Equal((data[0] - runningMean) / Math.Sqrt(runningVar + 1e-5), evaluated[0], 1e-12);
        Assert.Equal(1, bn.BatchesTracked);
    }

    [Fact]
    public void BatchNorm2dGradientsMatchFiniteDifferences()
    {
        var bn = new BatchNorm2d(3, dtype: DType.Float64);
        Tensor x = Normal(5, 2, 3, 3, 2);
        AssertGradCheck(t => bn.Forward(t[0]) * t[1], x, Normal(6, 2, 3, 3, 2));
        var error = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([2, 4, 3, 3], DType.Float64)));
        Assert.Contains("[2,4,3,3]", error.Message);
    }
}
