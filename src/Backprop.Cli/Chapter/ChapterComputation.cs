using Backprop.Random;

namespace Backprop.Cli.Chapter;

/// <summary>
/// The chapter's three computations, reproduced bit for bit: the same numbers numpy computes,
/// in the same order, from the same random stream.
/// </summary>
public static class ChapterComputation
{
    /// <summary>The chapter's seed for <c>np.random.seed</c>.</summary>
    public const uint Seed = 42;

    private const int Neurons = 5;
    private const double XVal = 1.5;
    private const int Trials = 100;
    private const int Layers = 12;
    private const int Batch = 32;

    /// <summary>Runs all three sections, the second and third sharing one random stream as in the chapter.</summary>
    public static ChapterResults Run()
    {
        var random = new NumpyRandom(Seed);
        SingleNeuron neuron = RunSingleNeuron();
        GradientFlow flow = RunGradientFlow(random);
        Vanishing vanishing = RunVanishing(random);
        return new ChapterResults(neuron, flow, vanishing);
    }

    /// <summary>
    /// <c>out = relu(w*x + b)</c>, <c>loss = (out + (-target))^2</c> with x = 2, w = 0.5,
    /// b = 0.3, target = 5, computed and differentiated by <see cref="Value"/>.
    /// </summary>
    public static SingleNeuron RunSingleNeuron()
    {
        const double target = 5.0;
        var x = new Value(2.0, "x");
        var w = new Value(0.5, "w");
        var b = new Value(0.3, "b");
        Value z = w * x + b;
        Value output = z.Relu();
        Value loss = (output + new Value(-target)).Pow(2);
        loss.Backward();
        return new SingleNeuron(x.Data, w.Data, b.Data, target, z.Data, output.Data, loss.Data, w.Grad, b.Grad, x.Grad);
    }

    /// <summary>
    /// 100 trials of <c>L = (w2 · relu(w1*x) - 1)^2</c> with random weights (0.5 · randn),
    /// differentiated by hand as the chapter does, and again by <see cref="Value"/> to check
    /// that both agree. Consumes 1,000 normal draws from <paramref name="random"/>.
    /// </summary>
    /// <param name="random">The generator, freshly seeded with <see cref="Seed"/> to match the chapter.</param>
    public static GradientFlow RunGradientFlow(NumpyRandom random)
    {
        var layer2 = new double[Trials];
        var layer1 = new double[Trials];
        double[] trial0Layer2 = [], trial0Layer1 = [];
        bool agrees = true;
        for (int trial = 0; trial < Trials; trial++)
        {
            double[] w1 = Scale(random.Randn(Neurons), 0.5);
            double[] w2 = Scale(random.Randn(Neurons), 0.5);
            (double[] dw2, double[] dw1) = HandDerivedGradients(w1, w2);
            layer2[trial] = NumpyMath.Mean(Abs(dw2));
            layer1[trial] = NumpyMath.Mean(Abs(dw1));
            if (trial == 0) (trial0Layer2, trial0Layer1) = (dw2, dw1);

            (double[] vw2, double[] vw1) = ValueEngineGradients(w1, w2);
            agrees &= SameNumbers(vw2, dw2) && SameNumbers(vw1, dw1);
        }
        return new GradientFlow(layer2, layer1, NumpyMath.Mean(layer2), NumpyMath.Mean(layer1),
            trial0Layer2, trial0Layer1, agrees);
    }

    /// <summary>
    /// The chapter's manual backward pass for one trial, written as numpy evaluates it
    /// (element by element, with b1 = 0 added as numpy adds it).
    /// </summary>
    private static (double[] DW2, double[] DW1) HandDerivedGradients(double[] w1, double[] w2)
    {
        const double target = 1.0;
        var h = new double[Neurons];
        for (int i = 0; i < Neurons; i++) h[i] = Math.Max(0, w1[i] * XVal + 0.0);
        double output = NumpyMath.Dot(w2, h);
        double dOut = 2 * (output - target);
        var dw2 = new double[Neurons];
        var dw1 = new double[Neurons];
        for (int i = 0; i < Neurons; i++)
        {
            dw2[i] = dOut * h[i];
            double dz = dOut * w2[i] * (h[i] > 0 ? 1.0 : 0.0);
            dw1[i] = dz * XVal;
        }
        return (dw2, dw1);
    }

    /// <summary>The same trial built from <see cref="Value"/> nodes and differentiated by <see cref="Value.Backward"/>.</summary>
    private static (double[] DW2, double[] DW1) ValueEngineGradients(double[] w1, double[] w2)
    {
        Value[] v1 = Array.ConvertAll(w1, w => new Value(w));
        Value[] v2 = Array.ConvertAll(w2, w => new Value(w));
        Value output = new(0.0);
        for (int i = 0; i < Neurons; i++) output += v2[i] * (v1[i] * XVal + 0.0).Relu();
        Value loss = (output - 1.0).Pow(2);
        loss.Backward();
        return (Array.ConvertAll(v2, v => v.Grad), Array.ConvertAll(v1, v => v.Grad));
    }

    /// <summary>
    /// Twelve sigmoid layers: the gradient is multiplied by σ'(p) = σ(p)(1 - σ(p)) at each,
    /// with 32 pre-activations p = 0.5 · randn drawn after 32 unused inputs, continuing the
    /// stream of <see cref="RunGradientFlow"/> without reseeding, as the chapter does.
    /// </summary>
    /// <param name="random">The generator, in the state the gradient-flow trials left it.</param>
    public static Vanishing RunVanishing(NumpyRandom random)
    {
        _ = random.Randn(Batch); // the chapter's x_in: drawn, never used
        double[] preactivations = Scale(random.Randn(Batch), 0.5);
        var localGrad = new double[Batch];
        for (int i = 0; i < Batch; i++)
        {
            double s = 1 / (1 + Math.Exp(-preactivations[i]));
            localGrad[i] = s * (1 - s);
        }

        var grad = new double[Batch];
        Array.Fill(grad, 1.0);
        var norms = new double[Layers + 1];
        norms[0] = NumpyMath.Mean(Abs(grad));
        for (int layer = 1; layer <= Layers; layer++)
        {
            for (int i = 0; i < Batch; i++) grad[i] *= localGrad[i];
            norms[layer] = NumpyMath.Mean(Abs(grad));
        }
        return new Vanishing(norms);
    }

    /// <summary>Element-wise <c>==</c>: equal values, with 0.0 equal to -0.0.</summary>
    private static bool SameNumbers(double[] a, double[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i]) return false;
        }
        return true;
    }

    private static double[] Scale(double[] values, double factor) => Array.ConvertAll(values, v => v * factor);

    private static double[] Abs(double[] values) => Array.ConvertAll(values, Math.Abs);
}
