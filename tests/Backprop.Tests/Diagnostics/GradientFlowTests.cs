using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.Diagnostics;

/// <summary>The gradient-flow recorder's numbers against independent computations, and its verdicts.</summary>
public sealed class GradientFlowTests
{
    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>Sets a layer's weight and bias (float64 layers) from plain arrays.</summary>
    private static void Set(Linear layer, double[] weight, double[] bias)
    {
        using (Autograd.NoGrad())
        {
            layer.Weight.CopyFrom(Tensor.FromArray(weight, layer.OutFeatures, layer.InFeatures));
            layer.Bias!.CopyFrom(Tensor.FromArray(bias, layer.OutFeatures));
        }
    }

    private static double[] Identity(int n)
    {
        var w = new double[n * n];
        for (int i = 0; i < n; i++) w[(i * n) + i] = 1;
        return w;
    }

    [Fact]
    public void ASigmoidChainWithIdentityWeightsShrinksTheGradientBySigmaPrimePerLayer()
    {
        // The chapter's closed form: with W = I and b = 0, z_l = a_(l-1), a_l = σ(z_l), and the gradient reaching
        // z_l is the one reaching z_(l+1) times σ'(z_l); dL/dW_l[i,j] = Σ_batch δ_l[i]·a_(l-1)[j].
        const int layers = 6, n = 3;
        double[][] input = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]];
        var random = new NumpyRandom(0);
        var model = new Sequential();
        for (int l = 0; l < layers; l++)
        {
            var linear = new Linear(n, n, random, dtype: DType.Float64);
            Set(linear, Identity(n), new double[n]);
            model.Add(linear).Add(new Activation(ActivationKind.Sigmoid));
        }
        using GradientFlowRecorder flow = GradientFlow.Attach(model);
        Tensor x = Tensor.FromArray(input.SelectMany(r => r).ToArray(), input.Length, n);
        model.Forward(x).Sum().Backward();
        GradientFlowStep step = flow.RecordGradients(7);

        // Forward by hand: a[l][b][i], a[0] = input.
        var a = new double[layers + 1][][];
        a[0] = input;
        for (int l = 1; l <= layers; l++) a[l] = [.. a[l - 1].Select(row => row.Select(Sigmoid).ToArray())];
        // Backward by hand: δ for the last layer is σ'(z) (dL/da = 1), then δ_l = δ_(l+1)·σ'(z_l).
        var delta = new double[input.Length][];
        for (int b = 0; b < input.Length; b++) delta[b] = [.. Enumerable.Repeat(1.0, n)];
        for (int l = layers; l >= 1; l--)
        {
            for (int b = 0; b < input.Length; b++)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = a[l][b][i];
                    delta[b][i] *= s * (1 - s); // σ'(z) = σ(z)(1 - σ(z)), z_l = a_(l-1)
                }
            }
            double sum = 0, max = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double g = Math.Abs(Enumerable.Range(0, input.Length).Sum(b => delta[b][i] * a[l - 1][b][j]));
                    sum += g;
                    max = Math.Max(max, g);
                }
            }
            GradientFlowLayer recorded = step.Layers[l - 1];
            Assert.Equal(sum / (n * n), recorded.MeanAbsGrad, 1e-14);
            Assert.Equal(max, recorded.MaxAbsGrad, 1e-14);
            Assert.Equal(1.0 / n, recorded.MeanAbsWeight, 1e-15);
            Assert.Equal(recorded.MeanAbsGrad * n, recorded.GradToWeightRatio, 1e-13);
            Assert.Equal(ActivationKind.Sigmoid, recorded.Activation);
        }

        Assert.Equal(7, step.Step);
        // Each layer back costs at least a factor σ' ≤ 1/4: the gradient falls toward the input.
        for (int l = 1; l < layers; l++) Assert.True(step.Layers[l - 1].MeanAbsGrad < step.Layers[l].MeanAbsGrad / 2);
    }

    [Fact]
    public void MeanAndMaxGradEqualThoseOfTheParametersGradientsComputedDirectly()
    {
        var model = new Mlp([5, 8, 8, 3], ActivationKind.Tanh, new NumpyRandom(3));
        var random = new NumpyRandom(4);
        using GradientFlowRecorder flow = GradientFlow.Attach(model);
        Losses.CrossEntropy(model.Forward(Tensor.Randn(random, 16, 5)), Tensor.FromArray(new long[16])).Backward();
        GradientFlowStep step = flow.RecordGradients(0);

        Assert.Equal(["0", "2", "4"], flow.LayerNames);
        Linear[] linears = [.. model.Layers.OfType<Linear>()];
        Assert.Equal(linears.Length, step.Layers.Count);
        for (int i = 0; i < linears.Length; i++)
        {
            double[] g = linears[i].Weight.Grad!.ToDoubleArray();
            double[] w = linears[i].Weight.ToDoubleArray();
            Assert.Equal(g.Select(Math.Abs).Average(), step.Layers[i].MeanAbsGrad, 1e-12);
            Assert.Equal(g.Select(Math.Abs).Max(), step.Layers[i].MaxAbsGrad);
            Assert.Equal(w.Select(Math.Abs).Average(), step.Layers[i].MeanAbsWeight, 1e-12);
            Assert.Equal(g.Select(Math.Abs), flow.LatestGradientMagnitudes[i]);
            Assert.Equal(linears[i].Weight.Grad!.Abs().Mean().Item(), step.Layers[i].MeanAbsGrad, 1e-6); // and the engine's own reduction
        }
        Assert.Null(step.Layers[^1].Activation);
        Assert.Null(step.Layers[^1].SaturatedShare);
    }

    [Fact]
    public void DeadReluShareCountsUnitsThatAreZeroForEveryExample()
    {
        var random = new NumpyRandom(0);
        var first = new Linear(2, 4, random, dtype: DType.Float64);
        // Unit 0 and 2: weight 0, bias -1, always 0 after ReLU (dead). Unit 1: +x0 (alive for some examples only).
        // Unit 3: bias 1 (always alive).
        Set(first, [0, 0, 1, 0, 0, 0, 0, 0], [-1, 0, -1, 1]);
        var model = new Sequential(first, new Activation(ActivationKind.Relu), new Linear(4, 2, random, dtype: DType.Float64));
        using GradientFlowRecorder flow = GradientFlow.Attach(model);
        Tensor x = Tensor.FromArray(new double[] { 1, 2, -3, 4, 0.5, -1 }, 3, 2);
        model.Forward(x).Sum().Backward();
        GradientFlowStep step = flow.RecordGradients(0);
        Assert.Equal(0.5, step.Layers[0].DeadShare);
        Assert.Null(step.Layers[0].SaturatedShare);
        Assert.Equal(ActivationKind.Relu, step.Layers[0].Activation);
    }

    [Fact]
    public void SaturationCountsTanhAndSigmoidOutputsBeyondTheThresholds()
    {
        var random = new NumpyRandom(0);
        // Pre-activations 10x, 2x, 0.1x, 0 for x in {1, -1}: tanh gives ±1.0, ±0.964, ±0.0997, 0.
        var tanhLayer = new Linear(1, 4, random, dtype: DType.Float64);
        Set(tanhLayer, [10, 2, 0.1, 0], [0, 0, 0, 0]);
        var tanhModel = new Sequential(tanhLayer, new Activation(ActivationKind.Tanh), new Linear(4, 1, random, dtype: DType.Float64));
        // Pre-activations 5, -5, 3, 0: sigmoid 0.9933 and 0.0067 are saturated, 0.953 and 0.5 are not.
        var sigmoidLayer = new Linear(1, 4, random, dtype: DType.Float64);
        Set(sigmoidLayer, [0, 0, 0, 0], [5, -5, 3, 0]);
        var sigmoidModel = new Sequential(sigmoidLayer, new Activation(ActivationKind.Sigmoid), new Linear(4, 1, random, dtype: DType.Float64));

        Tensor x = Tensor.FromArray(new double[] { 1, -1 }, 2, 1);
        using GradientFlowRecorder tanhFlow = GradientFlow.Attach(tanhModel);
        tanhModel.Forward(x).Sum().Backward();
        Assert.Equal(2.0 / 8, tanhFlow.RecordGradients(0).Layers[0].SaturatedShare); // only the 10x unit: |tanh(2)| = 0.964 < 0.97
        using GradientFlowRecorder sigmoidFlow = GradientFlow.Attach(sigmoidModel);
        sigmoidModel.Forward(x).Sum().Backward();
        GradientFlowLayer sigmoid = sigmoidFlow.RecordGradients(0).Layers[0];
        Assert.Equal(4.0 / 8, sigmoid.SaturatedShare);
        Assert.Null(sigmoid.DeadShare);
    }

    [Fact]
    public void ForwardHooksComeOffBetweenObservedPassesAndTheSharesDescribeTheLastObservedOne()
    {
        var random = new NumpyRandom(0);
        var layer = new Linear(1, 4, random, dtype: DType.Float64);
        Set(layer, [10, 2, 0.1, 0], [0, 0, 0, 0]);
        var tanh = new Activation(ActivationKind.Tanh);
        var model = new Sequential(layer, tanh, new Linear(4, 1, random, dtype: DType.Float64));
        Tensor saturating = Tensor.FromArray(new double[] { 1, -1 }, 2, 1); // 2 of 8 outputs beyond 0.97
        Tensor calm = Tensor.FromArray(new double[] { 0, 0 }, 2, 1);         // none

        using GradientFlowRecorder flow = GradientFlow.Attach(model);
        Assert.True(flow.ObservesForwardPasses);
        Assert.True(tanh.HasHooks);
        model.Forward(saturating).Sum().Backward();
        flow.ObservesForwardPasses = false;
        Assert.False(tanh.HasHooks); // an unhooked Sequential fuses the layer and its activation
        model.Forward(calm).Sum().Backward();
        Assert.Equal(2.0 / 8, flow.RecordGradients(0).Layers[0].SaturatedShare); // the unobserved pass left no trace

        flow.ObservesForwardPasses = true;
        flow.ObservesForwardPasses = true; // twice: still one hook
        model.Forward(calm).Sum().Backward();
        Assert.Equal(0.0, flow.RecordGradients(1).Layers[0].SaturatedShare);
        flow.ObservesForwardPasses = false;
        model.Forward(saturating).Sum().Backward();
        Assert.Equal(0.0, flow.RecordGradients(2).Layers[0].SaturatedShare);

        flow.Dispose();
        Assert.False(flow.ObservesForwardPasses);
        Assert.Throws<ObjectDisposedException>(() => flow.ObservesForwardPasses = true);
        Assert.False(tanh.HasHooks);
    }

    [Fact]
    public void UpdateRatioIsLog10OfTheUpdateNormOverTheWeightNorm()
    {
        var model = new Mlp([4, 6, 2], ActivationKind.Relu, new NumpyRandom(1));
        var optimizer = new Sgd(model.Parameters(), learningRate: 0.05);
        using GradientFlowRecorder flow = GradientFlow.Attach(model);
        var random = new NumpyRandom(2);
        for (int step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            Losses.CrossEntropy(model.Forward(Tensor.Randn(random, 8, 4)), Tensor.FromArray(new long[8])).Backward();
            double[][] before = [.. model.Layers.OfType<Linear>().Select(l => l.Weight.ToDoubleArray())];
            double[][] grads = [.. model.Layers.OfType<Linear>().Select(l => l.Weight.Grad!.ToDoubleArray())];
            Assert.Null(flow.RecordGradients(step).Layers[0].UpdateRatioLog10);
            optimizer.Step();
            GradientFlowStep recorded = flow.RecordUpdate(step);
            for (int i = 0; i < before.Length; i++)
            {
                // Plain SGD: ΔW = -lr·g, so ‖ΔW‖ / ‖W‖ = lr·‖g‖ / ‖W‖.
                double expected = Math.Log10(0.05 * Norm(grads[i]) / Norm(before[i]));
                Assert.Equal(expected, recorded.Layers[i].UpdateRatioLog10!.Value, 1e-5);
            }
        }
        Assert.Equal([0, 1, 2], flow.Steps.Select(s => s.Step));
        Assert.All(flow.Steps, s => Assert.All(s.Layers, l => Assert.NotNull(l.UpdateRatioLog10)));

        static double Norm(double[] v) => Math.Sqrt(v.Sum(e => e * e));
    }

    [Fact]
    public void TwelveSigmoidLayersWithDefaultInitVanishAndReluWithKaimingDoesNot()
    {
        GradientFlowVerdict Verdict(ActivationKind activation, bool kaiming)
        {
            var random = new NumpyRandom(1);
            Tensor x = Tensor.Randn(random, 64, 32);
            long[] labels = [.. Enumerable.Range(0, 64).Select(_ => (long)random.NextInterval(9))];
            var model = new Mlp([.. Enumerable.Repeat(32, 12), 10], activation, random);
            if (kaiming)
            {
                foreach (Linear linear in model.Layers.OfType<Linear>())
                {
                    Init.KaimingNormal(linear.Weight, random, nonlinearity: Nonlinearity.Relu);
                    Init.Constant(linear.Bias!, 0);
                }
            }
            using GradientFlowRecorder flow = GradientFlow.Attach(model);
            Losses.CrossEntropy(model.Forward(x), Tensor.FromArray(labels)).Backward();
            flow.RecordGradients(0);
            return flow.Diagnose();
        }

        GradientFlowVerdict sigmoid = Verdict(ActivationKind.Sigmoid, kaiming: false);
        Assert.Equal(GradientFlowKind.Vanishing, sigmoid.Kind);
        Assert.StartsWith("vanishing", sigmoid.Message);
        Assert.True(sigmoid.FirstToLastRatio < 1e-6, sigmoid.Message);
        Assert.Contains("times smaller", sigmoid.Message);

        GradientFlowVerdict relu = Verdict(ActivationKind.Relu, kaiming: true);
        Assert.Equal(GradientFlowKind.Healthy, relu.Kind);
        Assert.DoesNotContain("vanishing", relu.Message);
    }

    private static GradientFlowLayer Layer(int index, double mean, double max) =>
        new(index, index.ToString(System.Globalization.CultureInfo.InvariantCulture), 4, 4, null, mean, max, 1, mean, null, null, null);

    [Fact]
    public void DiagnoseNamesExplodingGradientsNonFiniteOnesAndHealthyOnes()
    {
        GradientFlowVerdict growing = GradientFlow.Diagnose([Layer(0, 5, 9), Layer(1, 0.5, 1), Layer(2, 0.01, 0.1)]);
        Assert.Equal(GradientFlowKind.Exploding, growing.Kind);
        Assert.Equal(500, growing.FirstToLastRatio, 1e-12);
        Assert.Contains("500 times larger", growing.Message);

        GradientFlowVerdict nan = GradientFlow.Diagnose([Layer(0, double.NaN, double.NaN), Layer(1, 0.5, 1)]);
        Assert.Equal(GradientFlowKind.Exploding, nan.Kind);
        Assert.Contains("non-finite", nan.Message);
        Assert.Contains("'0'", nan.Message);

        GradientFlowVerdict huge = GradientFlow.Diagnose([Layer(0, 1, 2e5), Layer(1, 1, 2)]);
        Assert.Equal(GradientFlowKind.Exploding, huge.Kind);

        GradientFlowVerdict fine = GradientFlow.Diagnose([Layer(0, 0.02, 0.1), Layer(1, 0.05, 0.2)]);
        Assert.Equal(GradientFlowKind.Healthy, fine.Kind);
        Assert.Equal(fine.Message, fine.ToString());
        Assert.Equal(GradientFlowKind.Vanishing, GradientFlow.Diagnose([Layer(0, 1e-4, 1e-3), Layer(1, 0.01, 0.1)]).Kind); // exactly 100x
        Assert.Throws<ArgumentException>(() => GradientFlow.Diagnose([]));
    }

    [Fact]
    public void MisuseFailsWithMessagesThatSayWhatToDo()
    {
        var model = new Mlp([3, 4, 2], ActivationKind.Tanh, new NumpyRandom(0));
        var flow = GradientFlow.Attach(model);
        Assert.Contains("Backward()", Assert.Throws<InvalidOperationException>(() => flow.RecordGradients(0)).Message);
        Assert.Contains("RecordGradients", Assert.Throws<InvalidOperationException>(() => flow.RecordUpdate(0)).Message);
        Assert.Contains("nothing recorded", Assert.Throws<InvalidOperationException>(() => flow.Diagnose()).Message);

        model.Forward(Tensor.Ones(2, 3)).Sum().Backward();
        flow.RecordGradients(5);
        Assert.Contains("step 5", Assert.Throws<InvalidOperationException>(() => flow.RecordUpdate(6)).Message);

        // After disposal the recorder refuses to record; what it recorded stays readable.
        flow.Dispose();
        Assert.Throws<ObjectDisposedException>(() => flow.RecordGradients(1));
        Assert.Single(flow.Steps);
        Assert.Contains("no Linear or convolution layer", Assert.Throws<ArgumentException>(() => GradientFlow.Attach(new Activation(ActivationKind.Relu))).Message);
    }
}
