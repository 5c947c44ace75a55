using System.Diagnostics;
using Backprop.Plots;
using Backprop.Random;
using Backprop.NN.Scalar;
using ScalarMlp = Backprop.NN.Scalar.Mlp;

namespace Backprop.Cli.Training;

/// <summary>
/// Trains with the scalar engine, as micrograd's demo does: an MLP of <see cref="Value"/>s with
/// one output score, the SVM max-margin loss averaged plus 1e-4·Σp², full batch (or
/// mini-batches), plain SGD with the rate decaying linearly from <c>lr</c> to <c>0.1·lr</c> over
/// the epochs. Binary problems only (two classes).
/// </summary>
public static class ScalarTrainer
{
    /// <summary>Runs the training.</summary>
    /// <returns>The trained network as a tensor <see cref="NN.Mlp"/> (same weights, PyTorch layout) and the report.</returns>
    /// <exception cref="ArgumentException">The data has more than two classes.</exception>
    public static (NN.Mlp Model, TrainingReport Report) Run(TrainOptions options, DataSource data, ITrainingProgress progress, CancellationToken cancel)
    {
        if (data.Train.Classes != 2)
            throw new ArgumentException($"--engine scalar trains binary classifiers (micrograd's demo); '{data.Name}' has {data.Train.Classes} classes");
        var random = new NumpyRandom(options.Seed);
        int inputs = data.Train.FeatureCount;
        var network = new ScalarMlp(inputs, [.. options.Hidden, 1], random);
        float[] features = data.Train.Features.ToFloatArray();
        long[] labels = data.Train.Labels.ToArray<long>();
        int count = labels.Length;
        Value[][] xs = Enumerable.Range(0, count).Select(i => Enumerable.Range(0, inputs).Select(j => new Value(features[i * inputs + j])).ToArray()).ToArray();
        double[] ys = labels.Select(l => l == 1 ? 1.0 : -1.0).ToArray();
        double baseRate = options.LearningRate ?? 1.0;
        int batchSize = options.BatchSize <= 0 ? count : Math.Min(options.BatchSize, count);
        int batches = (count + batchSize - 1) / batchSize;

        progress.Start(options.Epochs, batches);
        var epochs = new List<EpochMetrics>();
        var clock = new Stopwatch();
        int steps = 0;
        bool interrupted = false;
        for (int epoch = 1; epoch <= options.Epochs && !interrupted; epoch++)
        {
            clock.Start();
            double rate = baseRate * (1.0 - 0.9 * (epoch - 1) / options.Epochs);
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, end = Math.Min(count, start + batchSize);
                (Value total, _) = MaxMarginLoss.Compute(network, xs.AsSpan(start..end), ys.AsSpan(start..end));
                network.ZeroGrad();
                total.Backward();
                foreach (Value p in network.Parameters()) p.Data -= rate * p.Grad;
                steps++;
                progress.Batch(epoch, b + 1, total.Data);
                if (cancel.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }
            }
            clock.Stop();
            NN.Mlp snapshot = ToTensorModel(network, inputs, options);
            EpochMetrics metrics = TensorTrainer.Evaluate(snapshot, data, epoch);
            epochs.Add(metrics);
            progress.Epoch(metrics, clock.Elapsed.TotalSeconds);
        }
        return (ToTensorModel(network, inputs, options), new TrainingReport(epochs, steps, clock.Elapsed.TotalSeconds, interrupted));
    }

    /// <summary>The same network as a tensor <see cref="NN.Mlp"/>: layer i's neuron weights become row i of its [out, in] weight.</summary>
    private static NN.Mlp ToTensorModel(ScalarMlp network, int inputs, TrainOptions options)
    {
        int[] sizes = [inputs, .. options.Hidden, 1];
        var model = new NN.Mlp(sizes, NN.ActivationKind.Relu, new NumpyRandom(0));
        IReadOnlyList<Value> parameters = network.Parameters(); // neuron by neuron: weights, then bias
        var state = new Dictionary<string, Tensor>();
        int at = 0;
        for (int layer = 0; layer + 1 < sizes.Length; layer++)
        {
            int fanIn = sizes[layer], fanOut = sizes[layer + 1];
            var weight = new float[fanOut * fanIn];
            var bias = new float[fanOut];
            for (int o = 0; o < fanOut; o++)
            {
                for (int i = 0; i < fanIn; i++) weight[o * fanIn + i] = (float)parameters[at++].Data;
                bias[o] = (float)parameters[at++].Data;
            }
            state[$"{2 * layer}.weight"] = Tensor.FromArray(weight, fanOut, fanIn);
            state[$"{2 * layer}.bias"] = Tensor.FromArray(bias, fanOut);
        }
        model.LoadStateDict(state);
        model.Eval();
        return model;
    }
}
