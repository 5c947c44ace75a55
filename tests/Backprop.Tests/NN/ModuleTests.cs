using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.NN;

/// <summary>Modules: naming, state dicts, modes, hooks, initialisers, and training end to end.</summary>
public class ModuleTests
{
    [Fact]
    public void LinearComputesXWTransposedPlusBiasWithPyTorchsLayout()
    {
        var layer = new Linear(3, 2, new NumpyRandom(1), dtype: DType.Float64);
        Assert.Equal([2, 3], layer.Weight.Shape);
        Assert.Equal([2], layer.Bias!.Shape);
        double bound = 1 / Math.Sqrt(3);
        Assert.All(layer.Weight.ToDoubleArray().Concat(layer.Bias.ToDoubleArray()), v => Assert.InRange(v, -bound, bound));

        Tensor x = Tensor.FromArray(new[] { 1.0, 2, 3, -1, 0, 4 }, 2, 3);
        double[] w = layer.Weight.ToDoubleArray(), b = layer.Bias.ToDoubleArray(), y = layer.Forward(x).ToDoubleArray();
        double[] xs = x.ToDoubleArray();
        for (int n = 0; n < 2; n++)
        for (int o = 0; o < 2; o++)
        {
            double expected = b[o];
            for (int i = 0; i < 3; i++) expected += xs[n * 3 + i] * w[o * 3 + i];
            Assert.Equal(expected, y[n * 2 + o], 12);
        }
        ArgumentException e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros([2, 4], DType.Float64)));
        Assert.Contains("[2,4]", e.Message);
    }

    [Fact]
    public void AnMlpNamesItsParametersAsPyTorchsSequentialDoes()
    {
        var mlp = new Mlp([4, 8, 3], ActivationKind.Relu, new NumpyRandom(2));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], mlp.NamedParameters().Select(p => p.Name));
        Assert.Equal([8, 4], mlp.StateDict()["0.weight"].Shape);
        Assert.Equal(4 * 8 + 8 + 8 * 3 + 3, mlp.Parameters().Sum(p => p.Count));
    }

    [Fact]
    public void TheSameSeedGivesTheSameModel()
    {
        double[] a = new Mlp([4, 8, 3], ActivationKind.Tanh, new NumpyRandom(7)).Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        double[] b = new Mlp([4, 8, 3], ActivationKind.Tanh, new NumpyRandom(7)).Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        double[] c = new Mlp([4, 8, 3], ActivationKind.Tanh, new NumpyRandom(8)).Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void StateDictsRoundTripAndBadOnesAreRefusedByName()
    {
        var source = new Mlp([3, 5, 2], ActivationKind.Relu, new NumpyRandom(1));
        var target = new Mlp([3, 5, 2], ActivationKind.Relu, new NumpyRandom(2));
        target.LoadStateDict(source.StateDict());
        Assert.Equal(source.Parameters().SelectMany(p => p.ToDoubleArray()), target.Parameters().SelectMany(p => p.ToDoubleArray()));

        Dictionary<string, Tensor> missing = source.StateDict();
        missing.Remove("2.bias");
        Assert.Contains("missing: 2.bias", Assert.Throws<ArgumentException>(() => target.LoadStateDict(missing)).Message);
        Dictionary<string, Tensor> extra = source.StateDict();
        extra["9.weight"] = Tensor.Zeros(1);
        Assert.Contains("unexpected: 9.weight", Assert.Throws<ArgumentException>(() => target.LoadStateDict(extra)).Message);
        target.LoadStateDict(extra, strict: false);
        Dictionary<string, Tensor> misshaped = source.StateDict();
        misshaped["0.weight"] = Tensor.Zeros(3, 5);
        Assert.Contains("0.weight: expected Float32 [5,3], got Float32 [3,5]", Assert.Throws<ArgumentException>(() => target.LoadStateDict(misshaped)).Message);
    }

    [Fact]
    public void EvalTurnsDropoutOffAndTrainTurnsItOn()
    {
        var model = new Sequential(new Dropout(0.5, new NumpyRandom(3)));
        Tensor x = Tensor.Ones(1000);
        Assert.Contains(0f, model.Forward(x).ToArray<float>());
        model.Eval();
        Assert.False(model.IsTraining);
        Assert.All(model.Forward(x).ToArray<float>(), v => Assert.Equal(1f, v));
        model.Train();
        Assert.True(model.NamedModules().All(m => m.Module.IsTraining));
    }

    [Fact]
    public void HooksFireHoweverTheModuleIsCalledAndCanBeRemoved()
    {
        var inner = new Linear(2, 2, new NumpyRandom(4), dtype: DType.Float64);
        var model = new Sequential(inner, new Activation(ActivationKind.Tanh));
        int forwardCalls = 0;
        Tensor? gradient = null;
        using (inner.RegisterForwardHook((m, input, output) => forwardCalls++))
        using (inner.RegisterBackwardHook((m, g) => gradient = g))
        {
            Tensor x = Tensor.FromArray(new[] { 1.0, 2.0 }, 1, 2);
            model.Forward(x).Sum().Backward();
            inner.Forward(x);
        }
        Assert.Equal(2, forwardCalls);
        Assert.NotNull(gradient);
        Assert.Equal([1, 2], gradient!.Shape);
        model.Forward(Tensor.FromArray(new[] { 1.0, 2.0 }, 1, 2));
        Assert.Equal(2, forwardCalls);
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        Tensor x = Tensor.FromArray(new[] { 1.0, 10, 3, 20, 5, 30 }, 3, 2);
        double[] y = bn.Forward(x).ToDoubleArray();
        Assert.Equal(0.0, y[0] + y[2] + y[4], 12);                  // each column normalised to mean 0
        Assert.Equal(3.0, y[0] * y[0] + y[2] * y[2] + y[4] * y[4], 4); // and biased variance 1
        double[] runningMean = bn.RunningMean.ToDoubleArray(), runningVar = bn.RunningVar.ToDoubleArray();
        Assert.Equal(0.3, runningMean[0], 1e-12);
        Assert.Equal(2.0, runningMean[1], 1e-12);
        Assert.Equal(0.9 + 0.1 * 4, runningVar[0], 1e-12);   // the unbiased batch variance
        Assert.Equal(0.9 + 0.1 * 100, runningVar[1], 1e-12);
        Assert.Equal(1L, (long)bn.StateDict()["num_batches_tracked"].Item());
        bn.Eval();
        double[] evaluated = bn.Forward(x).ToDoubleArray();
        Assert.Equal((1 - 0.3) / Math.Sqrt(1.3 + 1e-5), evaluated[0], 12);
        Tensor input = Tensor.Randn(new NumpyRandom(5), [4, 3], DType.Float64).Detach();
        input.RequiresGrad = true;
        var trainingBn = new BatchNorm1d(3, dtype: DType.Float64);
        GradCheckResult check = GradCheck.Check(t => trainingBn.Forward(t[0]) * Tensor.Arange(1, 13, 1, DType.Float64).Reshape(4, 3), [input]);
        Assert.True(check.Passed, check.Message);
    }

    [Fact]
    public void EmbeddingAndLayerNormModulesHaveTheirShapesAndGradients()
    {
        var embedding = new Embedding(10, 4, new NumpyRandom(6), DType.Float64);
        Assert.Equal([2, 3, 4], embedding.Forward(Tensor.FromArray(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3)).Shape);
        var norm = new LayerNorm(4, dtype: DType.Float64);
        Tensor x = Tensor.Randn(new NumpyRandom(7), [3, 4], DType.Float64).Detach();
        x.RequiresGrad = true;
        GradCheckResult check = GradCheck.Check(t => norm.Forward(t[0]).Pow(3), [x]);
        Assert.True(check.Passed, check.Message);
    }

    [Fact]
    public void InitialisersHaveTheirDocumentedSpread()
    {
        var random = new NumpyRandom(9);
        Tensor w = Tensor.Zeros([400, 300], DType.Float64);
        double Std(Tensor t) => Math.Sqrt(t.ToDoubleArray().Select(v => v * v).Average());
        Init.XavierNormal(w, random);
        Assert.Equal(Math.Sqrt(2.0 / 700), Std(w), 2e-3);
        Init.KaimingNormal(w, random, nonlinearity: Nonlinearity.Relu);
        Assert.Equal(Math.Sqrt(2.0 / 300), Std(w), 2e-3);
        Init.XavierUniform(w, random);
        double a = Math.Sqrt(6.0 / 700);
        Assert.All(w.ToDoubleArray(), v => Assert.InRange(v, -a, a));
        Assert.Equal(a / Math.Sqrt(3), Std(w), 2e-3);
        Init.KaimingUniform(w, random, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Tanh);
        Assert.Equal(5.0 / 3 / Math.Sqrt(400), Std(w), 2e-3);
        Assert.Equal((300, 400), Init.Fans(w));
        Assert.Throws<ArgumentException>(() => Init.Fans(Tensor.Zeros(3)));
    }

    [Fact]
    public void AModuleMlpLearnsTwoMoons()
    {
        (double[][] points, int[] labels) = Backprop.Data.TwoMoons.Generate(200, 0.1, seed: 1);
        Tensor x = Tensor.FromArray(points.SelectMany(p => p.Select(v => (float)v)).ToArray(), 200, 2);
        Tensor y = Tensor.FromArray(labels.Select(l => (long)l).ToArray());
        var model = new Mlp([2, 16, 16, 2], ActivationKind.Relu, new NumpyRandom(2));
        var optimizer = new Adam(model.Parameters(), 0.05);
        for (int step = 0; step < 150; step++)
        {
            optimizer.ZeroGrad();
            Losses.CrossEntropy(model.Forward(x), y).Backward();
            optimizer.Step();
        }
        long[] predicted = model.Forward(x).Argmax(1).ToArray<long>();
        double accuracy = predicted.Zip(labels, (p, l) => p == l ? 1.0 : 0).Average();
        Assert.True(accuracy >= 0.99, $"accuracy {accuracy}");
    }
}
