using System.Globalization;
using Backprop.NN;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Lab;

/// <summary>
/// The chain-rule stepper's graph for one neuron of a live run and one training point, built
/// from <see cref="Value"/> nodes with the run's current weights: z = Σ w·a + b, the activation,
/// and then either the point's real loss (an output neuron) or, for a hidden neuron, one node
/// carrying dL/da for this point from the tensor engine (in double), which stands for the rest of
/// the network.
/// </summary>
public static class RunNeuronGraph
{
    /// <summary>Builds and walks the graph.</summary>
    /// <param name="run">The run's internals (under its lock).</param>
    /// <param name="layer">The Linear layer of the neuron, 0 nearest the input.</param>
    /// <param name="neuron">The neuron (output) of that layer.</param>
    /// <param name="point">A training point's index.</param>
    /// <exception cref="LabRequestException">An index out of range.</exception>
    public static StepperGraph Build(RunInternals run, int layer, int neuron, int point)
    {
        ArgumentNullException.ThrowIfNull(run);
        IReadOnlyList<Linear> layers = run.Layers;
        if (layer >= layers.Count) throw new LabRequestException($"layer must be in [0, {layers.Count - 1}], got {layer}");
        if (neuron >= layers[layer].OutFeatures) throw new LabRequestException($"neuron must be in [0, {layers[layer].OutFeatures - 1}], got {neuron}");
        if (point >= run.TrainCount) throw new LabRequestException($"point must be a training point in [0, {run.TrainCount - 1}], got {point}");

        var net = new DoubleNetwork(run);
        DataPoint p = run.Points[point];
        double[] input = [.. InputFeatures.Rows(run.Settings.Features, [(p.X1, p.X2)]).Select(v => (double)v)];
        double[][] activations = net.Activations(input); // activations[k] = the input of Linear layer k
        double[] a = activations[layer];
        double pointLoss = net.Loss(net.Outputs(layer, a), point);

        Linear linear = layers[layer];
        float[] w = linear.Weight.ToFloatArray();
        float b = linear.Bias!.ToFloatArray()[neuron];
        string[] inputNames = layer == 0
            ? [.. run.Settings.Features]
            : [.. Enumerable.Range(1, linear.InFeatures).Select(i => string.Create(CultureInfo.InvariantCulture, $"a{layer}.{i}"))];
        var weights = new Value[linear.InFeatures];
        var terms = new List<Value>();
        for (int i = 0; i < linear.InFeatures; i++)
        {
            weights[i] = new Value(w[(neuron * linear.InFeatures) + i], $"w{i + 1}");
            Value product = weights[i] * new Value(a[i], inputNames[i]);
            product.Label = $"w{i + 1}·{inputNames[i]}";
            terms.Add(product);
        }
        // Summed pairwise, so 16 inputs make a tree 4 additions deep rather than a chain of 15.
        while (terms.Count > 1)
        {
            var next = new List<Value>();
            for (int i = 0; i + 1 < terms.Count; i += 2) next.Add(terms[i] + terms[i + 1]);
            if (terms.Count % 2 == 1) next.Add(terms[^1]);
            terms = next;
        }
        var bias = new Value(b, "b");
        Value z = terms[0] + bias;
        z.Label = "z";

        bool output = layer == layers.Count - 1;
        Value loss;
        string? note;
        if (output)
        {
            loss = OutputLoss(run, net, z, neuron, activations[layer], point);
            note = run.Settings.Regularization != "none" && run.Settings.RegularizationRate > 0
                ? "The loss is this point's data loss; the regularisation penalty is left out (it does not depend on the point)."
                : null;
        }
        else
        {
            Value act = Activate(z, run.Settings.Activation);
            act.Label = "a";
            double upstream = net.UpstreamGradient(layer, a, neuron, point);
            double fd = net.UpstreamFiniteDifference(layer, a, neuron, point);
            var g = new Value(upstream, "dL/da");
            loss = act * g;
            loss.Label = "L≈a·dL/da";
            note = string.Create(CultureInfo.InvariantCulture,
                $"The rest of the network is one node: dL/da = {upstream:G6} for this point, from the tensor engine (double); a finite difference of the real loss gives {fd:G6}. The last node's value is a·dL/da, not the loss; the loss for this point is {pointLoss:G6}.");
        }
        return ChainRuleStepper.Walk(loss, () => new StepperSummary(z.Data, pointLoss, [.. weights.Select(v => v.Grad)], bias.Grad), note);
    }

    /// <summary>The activation with <see cref="Value"/> ops: what the run's hidden layers apply.</summary>
    private static Value Activate(Value z, string activation) => activation switch
    {
        "tanh" => z.Tanh(),
        "sigmoid" => z.Sigmoid(),
        "relu" => z.Relu(),
        // leaky ReLU as a composition of the engine's ops: 0.99·relu(z) + 0.01·z
        "leakyrelu" => (z.Relu() * (1 - DoubleNetwork.LeakySlope)) + (z * DoubleNetwork.LeakySlope),
        _ => z * 1.0, // linear: a node of its own, so the graph still shows a
    };

    /// <summary>The point's loss when the neuron is an output: TF's ½(out − target)² or softmax cross-entropy.</summary>
    private static Value OutputLoss(RunInternals run, DoubleNetwork net, Value z, int neuron, double[] lastInput, int point)
    {
        if (run.Settings.IsCrossEntropy)
        {
            double[] logits = net.Outputs(run.Layers.Count - 1, lastInput);
            int label = (int)run.Points[point].Label;
            Value? sumExp = null;
            Value? truth = null;
            for (int k = 0; k < logits.Length; k++)
            {
                Value logit = k == neuron ? z : new Value(logits[k], $"z{k + 1}");
                Value e = logit.Exp();
                sumExp = sumExp is null ? e : sumExp + e;
                if (k == label) truth = logit;
            }
            Value logSum = sumExp!.Log();
            logSum.Label = "log Σ e^z";
            Value ce = logSum - truth!;
            ce.Label = "L";
            return ce;
        }
        Value output = Networks.HasOutputTanh(run.Settings) ? z.Tanh() : z * 1.0;
        output.Label = "out";
        Value error = output + new Value(-run.Targets[point], "-target");
        error.Label = "out - target";
        Value square = error.Pow(2) * 0.5;
        square.Label = "L";
        return square;
    }
}
