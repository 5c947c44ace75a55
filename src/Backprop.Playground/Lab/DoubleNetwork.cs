using Backprop.NN;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Lab;

/// <summary>
/// A run's network in double for one point: the forward pass, the point's loss, and dL/da of a
/// hidden neuron by the tensor engine (double tensors, fresh from the weights, so the run's own
/// parameters, gradients and hooks are untouched) and by finite differences.
/// </summary>
/// <param name="run">The run's internals (under its lock).</param>
public sealed class DoubleNetwork(RunInternals run)
{
    /// <summary>The slope of leaky ReLU below zero (the library's).</summary>
    public const double LeakySlope = 0.01;

    private readonly double[][] _weights = [.. run.Layers.Select(l => l.Weight.ToFloatArray().Select(v => (double)v).ToArray())];
    private readonly double[][] _biases = [.. run.Layers.Select(l => l.Bias!.ToFloatArray().Select(v => (double)v).ToArray())];

    /// <summary>The input of every Linear layer for <paramref name="input"/> (index k: the input of layer k).</summary>
    /// <param name="input">The point's features.</param>
    public double[][] Activations(double[] input)
    {
        var result = new double[run.Layers.Count][];
        result[0] = input;
        for (int k = 1; k < result.Length; k++) result[k] = [.. Linear(k - 1, result[k - 1]).Select(Activate)];
        return result;
    }

    /// <summary>The last layer's outputs (logits, before any output activation) from the input <paramref name="a"/> of layer <paramref name="layer"/>.</summary>
    /// <param name="layer">The layer <paramref name="a"/> feeds.</param>
    /// <param name="a">Its input.</param>
    public double[] Outputs(int layer, double[] a)
    {
        double[] x = a;
        for (int k = layer; k < run.Layers.Count; k++)
        {
            x = Linear(k, x);
            if (k + 1 < run.Layers.Count) x = [.. x.Select(Activate)];
        }
        return x;
    }

    /// <summary>The point's data loss from the last layer's outputs: ½(out − target)² (out through tanh for a classification) or softmax cross-entropy.</summary>
    /// <param name="outputs">The last layer's outputs.</param>
    /// <param name="point">The point.</param>
    public double Loss(double[] outputs, int point)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (run.Settings.IsCrossEntropy)
        {
            double max = outputs.Max();
            double logSum = max + Math.Log(outputs.Sum(v => Math.Exp(v - max)));
            return logSum - outputs[(int)run.Points[point].Label];
        }
        double o = Networks.HasOutputTanh(run.Settings) ? Math.Tanh(outputs[0]) : outputs[0];
        double d = o - run.Targets[point];
        return 0.5 * d * d;
    }

    /// <summary>
    /// dL/da for neuron <paramref name="neuron"/> of the activations <paramref name="a"/> that feed
    /// layer <paramref name="layer"/> + 1, by the library's tensor engine in double.
    /// </summary>
    /// <param name="layer">The neuron's layer.</param>
    /// <param name="a">The input of the neuron's layer.</param>
    /// <param name="neuron">The neuron.</param>
    /// <param name="point">The point.</param>
    public double UpstreamGradient(int layer, double[] a, int neuron, int point)
    {
        double[] activation = [.. Linear(layer, a).Select(Activate)];
        Tensor h = Tensor.FromArray(activation, 1, activation.Length);
        h.RequiresGrad = true;
        Tensor x = h;
        for (int k = layer + 1; k < run.Layers.Count; k++)
        {
            Linear l = run.Layers[k];
            x = x.MatMul(Tensor.FromArray(_weights[k], l.OutFeatures, l.InFeatures).Transpose()) + Tensor.FromArray(_biases[k], l.OutFeatures);
            if (k + 1 < run.Layers.Count) x = new Activation(Activation.Parse(run.Settings.Activation)).Forward(x);
        }
        Tensor loss;
        if (run.Settings.IsCrossEntropy)
        {
            loss = Losses.CrossEntropy(x, Tensor.FromArray([(long)run.Points[point].Label], 1));
        }
        else
        {
            if (Networks.HasOutputTanh(run.Settings)) x = x.Tanh();
            Tensor d = x - Tensor.FromArray([(double)run.Targets[point]], 1, 1);
            loss = (d * d).Sum() * 0.5;
        }
        loss.Backward();
        return h.Grad!.ToArray<double>()[neuron];
    }

    /// <summary>dL/da of the same neuron by central differences through the rest of the network in double.</summary>
    /// <param name="layer">The neuron's layer.</param>
    /// <param name="a">The input of the neuron's layer.</param>
    /// <param name="neuron">The neuron.</param>
    /// <param name="point">The point.</param>
    public double UpstreamFiniteDifference(int layer, double[] a, int neuron, int point)
    {
        double[] activation = [.. Linear(layer, a).Select(Activate)];
        double h = 1e-6 * Math.Max(1, Math.Abs(activation[neuron]));
        double LossWith(double nudge)
        {
            double[] moved = [.. activation];
            moved[neuron] += nudge;
            return Loss(Outputs(layer + 1, moved), point);
        }
        return (LossWith(h) - LossWith(-h)) / (2 * h);
    }

    private double[] Linear(int k, double[] x)
    {
        Linear l = run.Layers[k];
        var z = new double[l.OutFeatures];
        for (int o = 0; o < z.Length; o++)
        {
            double s = _biases[k][o];
            for (int i = 0; i < l.InFeatures; i++) s += _weights[k][(o * l.InFeatures) + i] * x[i];
            z[o] = s;
        }
        return z;
    }

    private double Activate(double z) => run.Settings.Activation switch
    {
        "tanh" => Math.Tanh(z),
        "sigmoid" => 1 / (1 + Math.Exp(-z)),
        "relu" => Math.Max(0, z),
        "leakyrelu" => z > 0 ? z : LeakySlope * z,
        _ => z,
    };
}
