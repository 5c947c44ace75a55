using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.Memory;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Training;

/// <summary>
/// Training a tensor <see cref="Module"/>: shuffled mini-batches, a loss (cross entropy unless
/// told otherwise), an optimizer, an optional learning-rate schedule stepped after every update,
/// and optional gradient-flow statistics.
/// </summary>
public sealed class ModuleTrainingTask : TrainingTask
{
    private readonly Module _model;
    private readonly Optimizer _optimizer;
    private readonly Dataset _train;
    private readonly Dataset? _test;
    private readonly DataLoader _loader;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly Parameter[] _parameters;
    private Tensor[]? _saved;
    private IEnumerator<Batch>? _batches;
    private bool _recording;
    private double _runningLoss;
    private long _runningCorrect;
    private long _runningCount;

    /// <summary>Sets up the task.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="train">The training examples.</param>
    /// <param name="test">The test examples scored after each epoch, or null.</param>
    /// <param name="batchSize">Examples per step (at least 1).</param>
    /// <param name="shuffleSeed">Seed of the batch order.</param>
    /// <param name="loss">The loss of a batch's outputs against its labels; null for <see cref="Losses.CrossEntropy"/>.</param>
    public ModuleTrainingTask(Module model, Optimizer optimizer, Dataset train, Dataset? test, int batchSize, uint shuffleSeed,
        Func<Tensor, Tensor, Tensor>? loss = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _test = test;
        _loader = new DataLoader(train, batchSize, shuffle: true, seed: shuffleSeed);
        _loss = loss ?? ((output, labels) => Losses.CrossEntropy(output, labels));
        _parameters = [.. model.Parameters()];
    }

    /// <summary>
    /// Sets up the task over a loader of one's own: in data-parallel training, a loader with a
    /// <see cref="Distributed.DistributedSampler"/> (whose epoch the task sets before each epoch)
    /// and a model wrapped in <see cref="Distributed.DistributedDataParallel"/>.
    /// </summary>
    /// <param name="model">The model to train.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="loader">The training batches; evaluation scores its whole <see cref="DataLoader.Dataset"/>.</param>
    /// <param name="test">The test examples scored after each epoch, or null.</param>
    /// <param name="loss">The loss of a batch's outputs against its labels; null for <see cref="Losses.CrossEntropy"/>.</param>
    public ModuleTrainingTask(Module model, Optimizer optimizer, DataLoader loader, Dataset? test, Func<Tensor, Tensor, Tensor>? loss = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _loader = loader ?? throw new ArgumentNullException(nameof(loader));
        _train = loader.Dataset;
        _test = test;
        _loss = loss ?? ((output, labels) => Losses.CrossEntropy(output, labels));
        _parameters = [.. model.Parameters()];
    }

    /// <summary>
    /// Turns this rank's batch loss into the loss the step reports and checks, or null to keep
    /// it: data-parallel training averages it over the ranks, so that every rank sees the same
    /// number and all stop together if it is not finite.
    /// </summary>
    public Func<double, double>? ReduceLoss { get; init; }

    /// <summary>A schedule stepped after every update, or null.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// How the evaluation after each epoch scores a batch (mean loss, examples right), or null
    /// for <see cref="Evaluation.Score"/>: give it when the loss is not cross entropy (a squared
    /// error, a regression), so the reported loss is the one being trained.
    /// </summary>
    public Func<Tensor, Tensor, (double Loss, long Correct)>? Score { get; init; }

    /// <summary>
    /// When positive, the gradients are clipped to this joint L2 norm before each update
    /// (<see cref="Optimizer.ClipGradNorm"/>); 0 (the default) leaves them as they are.
    /// </summary>
    public double ClipNorm
    {
        get;
        init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "ModuleTrainingTask: the clip norm must be a finite number >= 0.");
    }

    /// <summary>
    /// Applied to each training batch's features before the forward pass (data augmentation,
    /// such as <see cref="Data.RandomShift.Apply"/>), or null; evaluation sees the data as it is.
    /// </summary>
    public Func<Tensor, Tensor>? Augment { get; init; }

    /// <summary>
    /// How the training split's loss and accuracy after each epoch are measured:
    /// <see cref="TrainMetrics.Evaluate"/> (the default) scores the whole split again,
    /// <see cref="TrainMetrics.Running"/> averages what the epoch's steps computed. The test
    /// split is always scored with the epoch's final weights.
    /// </summary>
    public TrainMetrics TrainMetrics { get; init; }

    /// <summary>A recorder attached to the model (<see cref="GradientFlow.Attach"/>), or null.</summary>
    public GradientFlowRecorder? GradientFlow { get; init; }

    /// <summary>Record gradient flow every this many steps (from step 0), when <see cref="GradientFlow"/> is set.</summary>
    public int GradientFlowEvery { get; init; } = 1;

    /// <inheritdoc/>
    public override int StepsPerEpoch => _loader.BatchCount;

    /// <inheritdoc/>
    public override void BeginEpoch(int epoch)
    {
        _model.Train();
        _loader.Sampler?.SetEpoch(epoch);
        _batches?.Dispose();
        _batches = _loader.GetEnumerator();
        (_runningLoss, _runningCorrect, _runningCount) = (0, 0, 0);
    }

    /// <inheritdoc/>
    public override double ComputeGradients(int epoch, int step, int globalStep)
    {
        // The batch (fetched inside, so that its memory is the step's), the activations and the
        // backward pass's temporaries go back to the buffer pool when the step ends; what lives
        // on (parameters, their gradients, optimizer state) the library keeps outside scopes.
        using TensorScope scope = Tensor.Scope();
        if (_batches is null || !_batches.MoveNext())
            throw new InvalidOperationException($"ModuleTrainingTask: step {step + 1} of epoch {epoch} has no batch (BeginEpoch not called?)");
        Batch batch = _batches.Current;
        _optimizer.ZeroGrad();
        _recording = GradientFlow is not null && globalStep % Math.Max(1, GradientFlowEvery) == 0;
        // Recording every few steps: the recorder's forward hooks watch only the steps it
        // records, so the others run the fused layers.
        if (GradientFlowEvery > 1 && GradientFlow is not null) GradientFlow.ObservesForwardPasses = _recording;
        Tensor features = Augment is null ? batch.Features : Augment(batch.Features);
        Tensor output = _model.Forward(features);
        Tensor loss = _loss(output, batch.Labels);
        loss.Backward();
        if (_recording) GradientFlow!.RecordGradients(globalStep);
        double value = loss.Item();
        if (ReduceLoss is not null) value = ReduceLoss(value);
        if (TrainMetrics == TrainMetrics.Running) Tally(output, batch, value);
        return value;
    }

    /// <summary>Adds a step's loss (the reduced one, so that every rank's mean agrees) and its examples right to the epoch's running figures.</summary>
    private void Tally(Tensor output, Batch batch, double loss)
    {
        using (Autograd.NoGrad())
        {
            (_, long right) = (Score ?? Evaluation.Score)(output.Detach(), batch.Labels);
            _runningCorrect += right;
        }
        _runningLoss += loss * batch.Count;
        _runningCount += batch.Count;
    }

    /// <inheritdoc/>
    public override void Update(int globalStep)
    {
        if (ClipNorm > 0) Optimizer.ClipGradNorm(_parameters, ClipNorm);
        _optimizer.Step();
        if (_recording) GradientFlow!.RecordUpdate(globalStep);
        Schedule?.Step();
    }

    /// <inheritdoc/>
    public override EpochMetrics Evaluate(int epoch)
    {
        if (TrainMetrics == TrainMetrics.Evaluate || _runningCount == 0) return Evaluation.Epoch(_model, _train, _test, epoch, Score);
        (double? testLoss, double? testAccuracy) = (null, null);
        if (_test is not null) (testLoss, testAccuracy) = Evaluation.Measure(_model, _test, Score ?? Evaluation.Score);
        return new EpochMetrics(epoch, _runningLoss / _runningCount, (double)_runningCorrect / _runningCount, testLoss, testAccuracy);
    }

    /// <inheritdoc/>
    public override void RememberWeights()
    {
        _saved ??= [.. _parameters.Select(p => Tensor.ZerosLike(p).KeepBeyondScopes())];
        // The copies do not require grad, so writing them needs no NoGrad scope (whose
        // AsyncLocal switch costs more than copying a small network's weights); both sides are
        // contiguous and of one type, so the elements are copied as spans (CopyFrom's checks
        // and untyped Array.Copy cost a tiny network more than the copy).
        for (int i = 0; i < _parameters.Length; i++) CopyWeights(_parameters[i], _saved[i]);
    }

    private static void CopyWeights(Tensor parameter, Tensor copy)
    {
        if (!parameter.IsContiguous)
        {
            copy.CopyFrom(parameter);
            return;
        }
        if (parameter.DType == DType.Float32) parameter.Span<float>().CopyTo(copy.Span<float>());
        else parameter.Span<double>().CopyTo(copy.Span<double>());
        copy.BumpVersion();
    }

    /// <inheritdoc/>
    public override void RestoreWeights()
    {
        if (_saved is null) return; // nothing was remembered: the initial weights are still in place
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < _parameters.Length; i++) _parameters[i].CopyFrom(_saved[i]);
        }
    }

    /// <inheritdoc/>
    public override bool WeightsAreFinite() =>
        _parameters.All(p => p.DType == DType.Float64 ? p.ToArray<double>().All(double.IsFinite) : p.ToFloatArray().All(float.IsFinite));

    /// <inheritdoc/>
    public override void End()
    {
        _batches?.Dispose();
        _batches = null;
        _model.Eval();
    }
}
