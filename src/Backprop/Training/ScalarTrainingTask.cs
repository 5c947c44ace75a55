using Backprop.Data;
using Backprop.NN.Scalar;
using Backprop.Random;

namespace Backprop.Training;

/// <summary>
/// Training with the scalar engine, as micrograd's demo does: an MLP of <see cref="Value"/>s with
/// one output score, the SVM max-margin loss averaged plus 1e-4·Σp², batches in the data's order,
/// plain SGD with the rate decaying linearly from <c>rate</c> to <c>0.1·rate</c> over the epochs.
/// Binary problems only (labels 0 and 1 become targets -1 and +1).
/// </summary>
public sealed class ScalarTrainingTask : TrainingTask
{
    private readonly NN.Scalar.Mlp _network;
    private readonly int[] _sizes;
    private readonly Dataset _train;
    private readonly Dataset? _test;
    private readonly Value[][] _inputs;
    private readonly double[] _targets;
    private readonly int _batchSize;
    private readonly double _rate;
    private readonly int _epochs;
    private readonly double[] _saved;
    private double _epochRate;

    /// <summary>Builds the network and turns the training data into <see cref="Value"/>s.</summary>
    /// <param name="train">The training examples (two classes).</param>
    /// <param name="test">The test examples scored after each epoch, or null.</param>
    /// <param name="hidden">Hidden layer widths (ReLU); the output layer has one linear unit.</param>
    /// <param name="rate">The learning rate of the first epoch.</param>
    /// <param name="epochs">Epochs planned (the rate decays over them).</param>
    /// <param name="batchSize">Examples per step; 0 or more than the data for the whole set.</param>
    /// <param name="random">The generator for the initial weights.</param>
    /// <exception cref="ArgumentException">The data does not have exactly two classes.</exception>
    public ScalarTrainingTask(Dataset train, Dataset? test, IReadOnlyList<int> hidden, double rate, int epochs, int batchSize, NumpyRandom random)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(hidden);
        if (train.Classes != 2)
            throw new ArgumentException($"the scalar engine trains binary classifiers (micrograd's demo); the data has {train.Classes} classes");
        _train = train;
        _test = test;
        int inputs = train.FeatureCount;
        _sizes = [inputs, .. hidden, 1];
        _network = new NN.Scalar.Mlp(inputs, [.. hidden, 1], random);
        float[] features = train.Features.ToFloatArray();
        long[] labels = train.Labels.ToArray<long>();
        _inputs = [.. Enumerable.Range(0, labels.Length).Select(i => Enumerable.Range(0, inputs).Select(j => new Value(features[i * inputs + j])).ToArray())];
        _targets = [.. labels.Select(l => l == 1 ? 1.0 : -1.0)];
        _batchSize = batchSize <= 0 ? labels.Length : Math.Min(batchSize, labels.Length);
        _rate = rate;
        _epochs = epochs;
        _saved = new double[_network.Parameters().Count];
    }

    /// <inheritdoc/>
    public override int StepsPerEpoch => (_inputs.Length + _batchSize - 1) / _batchSize;

    /// <inheritdoc/>
    public override void BeginEpoch(int epoch) => _epochRate = _rate * (1.0 - 0.9 * (epoch - 1) / _epochs);

    /// <inheritdoc/>
    public override double ComputeGradients(int epoch, int step, int globalStep)
    {
        int start = step * _batchSize, end = Math.Min(_inputs.Length, start + _batchSize);
        (Value total, _) = MaxMarginLoss.Compute(_network, _inputs.AsSpan(start..end), _targets.AsSpan(start..end));
        _network.ZeroGrad();
        total.Backward();
        return total.Data;
    }

    /// <inheritdoc/>
    public override void Update(int globalStep)
    {
        foreach (Value p in _network.Parameters()) p.Data -= _epochRate * p.Grad;
    }

    /// <inheritdoc/>
    public override EpochMetrics Evaluate(int epoch) => Evaluation.Epoch(ToTensorModel(), _train, _test, epoch);

    /// <inheritdoc/>
    public override void RememberWeights()
    {
        IReadOnlyList<Value> parameters = _network.Parameters();
        for (int i = 0; i < _saved.Length; i++) _saved[i] = parameters[i].Data;
    }

    /// <inheritdoc/>
    public override void RestoreWeights()
    {
        IReadOnlyList<Value> parameters = _network.Parameters();
        for (int i = 0; i < _saved.Length; i++) parameters[i].Data = _saved[i];
    }

    /// <inheritdoc/>
    public override bool WeightsAreFinite() => _network.Parameters().All(p => double.IsFinite(p.Data));

    /// <summary>
    /// The same network as a tensor <see cref="NN.Mlp"/> (ReLU, PyTorch layout), in evaluation
    /// mode: layer i's neuron weights become row i of its [out, in] weight.
    /// </summary>
    public NN.Mlp ToTensorModel()
    {
        var model = new NN.Mlp(_sizes, NN.ActivationKind.Relu, new NumpyRandom(0));
        IReadOnlyList<Value> parameters = _network.Parameters(); // neuron by neuron: weights, then bias
        var state = new Dictionary<string, Tensor>();
        int at = 0;
        for (int layer = 0; layer + 1 < _sizes.Length; layer++)
        {
            int fanIn = _sizes[layer], fanOut = _sizes[layer + 1];
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
