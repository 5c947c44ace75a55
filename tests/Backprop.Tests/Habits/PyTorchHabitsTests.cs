using Backprop.NN;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Tests.Habits;

/// <summary>
/// What a PyTorch user types first, written as they would write it, giving PyTorch's numbers
/// (closed forms, or the values PyTorch prints, quoted beside each).
/// </summary>
public class PyTorchHabitsTests
{
    [Fact]
    public void ArangeWithOneArgumentNumelAndZeroDimensionalTensors()
    {
        Tensor x = Tensor.Arange(5);                              // torch.arange(5)
        Assert.Equal([0f, 1, 2, 3, 4], x.ToArray<float>());
        Assert.Equal(5, x.Numel());                               // x.numel()
        Assert.Equal([0.0, 1, 2], Tensor.Arange(3, DType.Float64).ToArray<double>());

        Tensor s = Tensor.FromArray([5f], []);                    // torch.tensor(5.0)
        Assert.Equal(0, s.Rank);
        Assert.Equal(5.0, s.Item());
        Assert.Equal(1, Tensor.FromArray([1f, 2f]).Rank);         // torch.tensor([1.0, 2.0])
        ArgumentException e = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2f], []));
        Assert.Equal("FromArray: shape [] holds 1 elements but the data has 2 (Parameter 'shape')", e.Message);
    }

    [Fact]
    public void IndexersReturnViewsAsPyTorchSlicingDoes()
    {
        Tensor x = Tensor.Arange(12).Reshape(3, 4);
        Assert.Equal([0f, 1, 2, 3], x[0].ToArray<float>());                 // x[0]
        Assert.Equal([1f, 5, 9], x[.., 1].ToArray<float>());                // x[:, 1]
        Assert.Equal([4f, 5, 8, 9], x[1.., ..2].ToArray<float>());          // x[1:, :2]
        Assert.Equal([2, 2], x[1.., ..2].Shape);
        Assert.Equal(11.0, x[^1, ^1].Item());                               // x[-1, -1]

        x[0].MulInPlace(10);                                                // a view: writes reach x
        Assert.Equal([0f, 10, 20, 30, 4], x.Flatten()[..5].ToArray<float>());
    }

    [Fact]
    public void ActivationModulesUnderPyTorchsNamesGivePyTorchsNumbers()
    {
        Tensor x = Tensor.FromArray([-1.0, 0, 1]);
        Assert.Equal([0.0, 0, 1], new ReLU().Forward(x).ToArray<double>());
        Assert.Equal([-0.01, 0, 1], new LeakyReLU().Forward(x).ToArray<double>());
        AssertClose([Math.Tanh(-1), 0, Math.Tanh(1)], new Tanh().Forward(x));
        AssertClose([1 / (1 + Math.E), 0.5, 1 / (1 + 1 / Math.E)], new Sigmoid().Forward(x));
        // F.gelu(torch.tensor([-1., 0., 1.], dtype=torch.float64)): x·Φ(x)
        AssertClose([-0.15865525393145707, 0, 0.8413447460685429], new GELU().Forward(x));
        // approximate='tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        double tanhGelu1 = 0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (1 + 0.044715)));
        AssertClose([-1 + tanhGelu1, 0, tanhGelu1], new GELU(approximate: "tanh").Forward(x));
        AssertClose([0.0900305731703805, 0.2447284710547976, 0.6652409557748219], new Softmax(dim: -1).Forward(Tensor.FromArray([1.0, 2, 3])));
        AssertClose([Math.Log(0.0900305731703805)], new LogSoftmax().Forward(Tensor.FromArray([1.0, 2, 3]))[..1]);
        Assert.Same(x, new Identity().Forward(x));
        Assert.Equal([2, 6], new Flatten().Forward(Tensor.Zeros(2, 3, 2)).Shape);

        ArgumentException e = Assert.Throws<ArgumentException>(() => new GELU("erf"));
        Assert.Equal("GELU: approximate must be \"none\" or \"tanh\", got \"erf\" (Parameter 'approximate')", e.Message);
    }

    [Fact]
    public void ASequentialOfPyTorchModulesNamesItsParametersAsPyTorchDoes()
    {
        var model = new Sequential(new Linear(2, 16, new NumpyRandom(1)), new ReLU(), new Linear(16, 1, new NumpyRandom(2)), new Sigmoid());
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal([5, 1], model.Forward(Tensor.Zeros(5, 2)).Shape);
    }

    [Fact]
    public void SoftplusWithBetaAndThresholdAsPyTorch()
    {
        // F.softplus(x, beta=2, threshold=20): log(1 + e^(2x)) / 2, and x itself where 2x > 20.
        Tensor x = Tensor.FromArray([-1.0, 1, 15]);
        x.RequiresGrad = true;
        Tensor y = x.Softplus(beta: 2, threshold: 20);
        AssertClose([Math.Log(1 + Math.Exp(-2)) / 2, Math.Log(1 + Math.Exp(2)) / 2, 15], y);
        Assert.Equal(15.0, y[2].Item()); // exactly x above the threshold
        y.Sum().Backward();
        AssertClose([1 / (1 + Math.Exp(2)), 1 / (1 + Math.Exp(-2)), 1], x.Grad!);   // σ(βx), 1 above

        // The default (β 1, threshold 20) is linear above 20, exactly, as PyTorch.
        Assert.Equal(25.0, Tensor.FromArray([25.0]).Softplus().Item());
        AssertClose([Math.Log(1 + Math.E)], new Softplus().Forward(Tensor.FromArray([1.0])));
    }

    [Fact]
    public void VarAndStdWithCorrectionAsPyTorch()
    {
        Tensor x = Tensor.FromArray([1.0, 2, 3, 4]);               // mean 2.5, Σ(x - mean)² = 5
        Assert.Equal(1.25, x.Var(correction: 0).Item(), 12);      // x.var(correction=0)
        Assert.Equal(5.0 / 3, x.Var(correction: 1).Item(), 12);
        Assert.Equal(2.5, x.Var(correction: 2).Item(), 12);
        Assert.Equal(5.0 / 3, x.Var().Item(), 12);                // unbiased by default
        Assert.Equal(Math.Sqrt(1.25), x.Std(correction: 0).Item(), 12);
        Tensor m = Tensor.FromArray([1.0, 3, 2, 6], 2, 2);
        Assert.Equal([1.0, 4], m.Var(1, correction: 0).ToArray<double>()); // m.var(1, correction=0)
        Assert.Equal([0.5, 1.5], m.Std(0, keepDim: true, correction: 0).ToArray<double>()); // columns [1, 2] and [3, 6]
        Assert.Equal([1, 2], m.Std(0, keepDim: true).Shape);
    }

    [Fact]
    public void EqAndNeOnClassIndicesAndAnAccuracyHelper()
    {
        Tensor predicted = Tensor.FromArray([0L, 2, 1, 1]);
        Tensor labels = Tensor.FromArray([0L, 1, 1, 2]);
        Tensor right = predicted.Eq(labels);                       // predicted == labels
        Assert.Equal(DType.Bool, right.DType);
        Assert.Equal([true, false, true, false], right.ToArray<bool>());
        Assert.Equal([false, true, false, true], predicted.Ne(labels).ToArray<bool>());
        Tensor count = right.Sum();                                // (predicted == labels).sum() is an int64 2
        Assert.Equal(DType.Int64, count.DType);
        Assert.Equal(2.0, count.Item());
        Assert.Equal([true, false, false, false], predicted.Eq(0).ToArray<bool>());
        Assert.Equal([false, false, false, false], predicted.Eq(0.5).ToArray<bool>());

        Tensor logits = Tensor.FromArray([2f, 1, 0, 0, 1, 3, 0, 5, 1, -1, 2, 0], 4, 3);  // argmax 0, 2, 1, 1
        Assert.Equal(0.5, Metrics.Accuracy(logits, labels));
        Assert.Equal(0.5, Metrics.Accuracy(predicted, labels));
        Assert.Equal(2, Metrics.Correct(logits, labels));
        ArgumentException e = Assert.Throws<ArgumentException>(() => Metrics.Accuracy(logits, labels.To(DType.Float32)));
        Assert.Equal("Accuracy: labels must be Int64 [N] class indices, got Float32 [4] (Parameter 'labels')", e.Message);
        e = Assert.Throws<ArgumentException>(() => Metrics.Accuracy(logits, Tensor.FromArray([0L, 1])));
        Assert.Equal("Accuracy: output [4,3] does not give one prediction per label of [2] (Parameter 'output')", e.Message);
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        double[] values = actual.ToDoubleArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 1e-12);
    }
}
