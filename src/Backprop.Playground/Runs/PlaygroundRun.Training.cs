using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Playground.Runs;

/// <summary>The training half of a run: building model, data and task, stepping the trainer, and the NaN guard.</summary>
public sealed partial class PlaygroundRun
{
    /// <summary>Epochs between halvings of the learning rate under the step schedule.</summary>
    public const int StepScheduleEpochs = 100;

    /// <summary>Epochs the cosine schedule spans when no maxEpochs is set.</summary>
    public const int CosineScheduleEpochs = 1000;

    private float[] _targetValues = [];

    /// <summary>The model and data from the seed, epoch 0; under the lock.</summary>
    private void Rebuild()
    {
        DisposeModel();
        RunSettings s = _settings;
        _points = _customPoints is not null ? [.. _customPoints] : DataSets.Generate(s, unchecked(s.Seed + _regenerations));
        _trainCount = Math.Clamp((int)Math.Floor(_points.Length * s.TrainRatio / 100), 1, _points.Length - 1);
        _targetValues = [.. _points.Select(p => s.IsRegression ? (float)p.Label : p.Label >= 1 ? 1f : -1f)];
        _targets = s.IsCrossEntropy ? null : Tensor.FromArray(_targetValues, _targetValues.Length, 1);
        _train = MakeDataset(0, _trainCount);
        _test = MakeDataset(_trainCount, _points.Length - _trainCount);

        _model = Networks.Build(s);
        _linears = Networks.Layers(_model);
        Parameter[] parameters = [.. _model.Parameters()];
        _optimizer = s.Optimizer switch
        {
            "momentum" => new Sgd(parameters, s.LearningRate, momentum: 0.9),
            "adam" => new Adam(parameters, s.LearningRate),
            "rmsprop" => new RmsProp(parameters, s.LearningRate),
            _ => new Sgd(parameters, s.LearningRate),
        };
        _flow = GradientFlow.Attach(_model);
        _flow.ObservesForwardPasses = false; // on for the observed steps alone (LastStepObservedTask)
        _nodeGrads = [.. _linears.Select(l => new float[l.OutFeatures])];
        _activationGrads = [.. _linears.Select(_ => double.NaN)];
        NewTrainer(0, 0);
        _metrics = _task.Evaluate(0);
        StartTrajectory(); // the lab's landscape and race draw the path from here
        _weightsAfter = CopyWeights();
        _weightsBefore = _weightsAfter;
        if (_status != "running") _status = "paused";
        _message = null;
    }

    /// <summary>
    /// A data set of points [start, start + count): features as the settings enable them; labels
    /// the classes for cross entropy, else each point's index into the targets (the library's
    /// <see cref="Dataset"/> holds class indices, and the square loss looks its ±1 or regression
    /// target up by index, so one data set type serves both).
    /// </summary>
    private Dataset MakeDataset(int start, int count)
    {
        var xy = new (double X1, double X2)[count];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            DataPoint p = _points[start + i];
            xy[i] = (p.X1, p.X2);
            labels[i] = _settings.IsCrossEntropy ? (long)p.Label : start + i;
        }
        Tensor features = Tensor.FromArray(InputFeatures.Rows(_settings.Features, xy), count, _settings.Features.Count);
        return new Dataset(features, Tensor.FromArray(labels, count), _settings.IsCrossEntropy ? _settings.Classes : null);
    }

    /// <summary>The loss the task trains: the data loss plus the L1 or L2 penalty on the weights (not the biases, as TF).</summary>
    private Tensor Loss(Tensor output, Tensor labels)
    {
        Tensor loss = _settings.IsCrossEntropy ? Losses.CrossEntropy(output, labels) : SquareLoss(output, labels);
        if (_settings.Regularization == "none" || _settings.RegularizationRate == 0) return loss;
        foreach (Linear layer in _linears)
        {
            Tensor penalty = _settings.Regularization == "l1" ? layer.Weight.Abs().Sum() : (layer.Weight * layer.Weight).Sum() * 0.5;
            loss = loss + penalty * _settings.RegularizationRate;
        }
        return loss;
    }

    /// <summary>TF's square loss, mean of ½(output − target)², the targets looked up by the labels (point indices).</summary>
    private Tensor SquareLoss(Tensor output, Tensor labels) => Losses.MseLoss(output, _targets!.IndexSelect(0, labels)) * 0.5;

    /// <summary>How the evaluation scores a batch under the square loss: ½(o − t)² and, for a classification, the sign right.</summary>
    private (double Loss, long Correct) SquareScore(Tensor output, Tensor labels)
    {
        float[] o = output.ToFloatArray();
        long[] index = labels.ToArray<long>();
        double sum = 0;
        long right = 0;
        for (int i = 0; i < index.Length; i++)
        {
            double t = _targetValues[index[i]];
            sum += 0.5 * (o[i] - t) * (o[i] - t);
            right += (o[i] > 0) == (t > 0) ? 1 : 0;
        }
        return (sum / Math.Max(1, index.Length), right);
    }

    /// <summary>
    /// A task and trainer for the current live settings, carrying on the numbering (a new
    /// batch size needs a new data loader, so a new task); the learning rate and its schedule are
    /// set again from the settings, the schedule advanced to the current step.
    /// </summary>
    private void NewTrainer(int epochs, int steps)
    {
        RunSettings s = _settings;
        int perEpoch = (_train.Count + s.BatchSize - 1) / s.BatchSize;
        _optimizer.LearningRate = s.LearningRate;
        _schedule = s.Schedule switch
        {
            "step" => new StepSchedule(_optimizer, StepScheduleEpochs * perEpoch, 0.5),
            "cosine" => new CosineSchedule(_optimizer, (s.MaxEpochs > 0 ? s.MaxEpochs : CosineScheduleEpochs) * perEpoch),
            _ => null,
        };
        for (int i = 0; i < steps && _schedule is not null; i++) _schedule.Step();
        _task = new ModuleTrainingTask(_model, _optimizer, _train, _test, s.BatchSize, unchecked(s.Seed + (uint)epochs), Loss)
        {
            Score = s.IsCrossEntropy ? null : SquareScore,
            ClipNorm = s.ClipNorm,
            Schedule = _schedule,
        };
        // The weights are kept where a divergence left them, so the NaN guard can replay them
        // under anomaly detection and name the layer and op.
        _trainer = new Trainer(new LastStepObservedTask(_task, this), 1) { KeepFiniteWeights = false, CompletedEpochs = epochs, CompletedSteps = steps };
    }

    void IStepObserver.StartObserving()
    {
        _flow.ObservesForwardPasses = true;
        AttachGradientHooks();
    }

    void IStepObserver.GradientsComputed(int globalStep)
    {
        _flow.RecordGradients(globalStep);
        _weightsBefore = CopyWeights();
    }

    void IStepObserver.UpdateApplied(int globalStep)
    {
        _flow.RecordUpdate(globalStep);
        _weightsAfter = CopyWeights();
    }

    void IStepObserver.StopObserving()
    {
        _flow.ObservesForwardPasses = false;
        DetachGradientHooks();
    }

    /// <summary>Live settings changed: the same model and optimizer state, a new task from the next step.</summary>
    private void ApplyLiveSettings()
    {
        NewTrainer(_trainer.CompletedEpochs, _trainer.CompletedSteps);
        _metrics = _task.Evaluate(_trainer.CompletedEpochs);
    }

    /// <summary>Trains up to <paramref name="epochs"/> epochs, stopping at a divergence or a stop condition; under the lock.</summary>
    private void TrainEpochs(int epochs)
    {
        for (int i = 0; i < epochs && _status != "diverged"; i++)
        {
            TrainingResult result = _trainer.Continue(1);
            RecordTrajectory();
            _flow.ForgetOlderSteps();
            if (result.Final is not null) _metrics = result.Final;
            if (result.Outcome == TrainingOutcome.Diverged)
            {
                StopPlaying("diverged");
                _status = "diverged";
                _message = DivergenceMessage(result.Divergence!);
                return;
            }
            RunSettings s = _settings;
            double watched = _metrics.TestLoss ?? _metrics.TrainLoss;
            if (s.MaxEpochs > 0 && _trainer.CompletedEpochs >= s.MaxEpochs)
            {
                Finish($"stopped after {s.MaxEpochs} epochs (maxEpochs)");
                return;
            }
            if (s.TargetLoss > 0 && watched < s.TargetLoss)
            {
                Finish($"stopped at epoch {_trainer.CompletedEpochs}: {(_metrics.TestLoss is null ? "train" : "test")} loss {watched:G4} is below targetLoss {RunSettings.Format(s.TargetLoss)}");
                return;
            }
        }
    }

    private void Finish(string message)
    {
        StopPlaying("done");
        _status = "done";
        _message = message;
    }

    /// <summary>
    /// The NaN guard's line: replays the training data through the weights that diverged under
    /// the library's anomaly detection, which throws at the first op whose output (forward) or
    /// gradient (backward) is not finite, and names the Linear layer that op belongs to.
    /// </summary>
    private string DivergenceMessage(TrainingStep divergence)
    {
        string kind = double.IsNaN(divergence.Loss) ? "NaN" : "infinity";
        string where = FindAnomaly() ?? "the loss";
        return $"{kind} in {where} at epoch {divergence.Epoch}, step {divergence.Step}; try a lower learning rate or gradient clipping";
    }

    private string? FindAnomaly()
    {
        IReadOnlyList<Module> modules = _model.Layers;
        var layerOf = new int[modules.Count];
        for (int k = 0, layer = -1; k < modules.Count; k++)
        {
            if (modules[k] is Linear) layer++;
            layerOf[k] = layer;
        }
        int lastForward = -1, lastBackward = -1;
        bool backward = false;
        double largestOutput = 0;
        var hooks = new List<IDisposable>();
        for (int k = 0; k < modules.Count; k++)
        {
            int index = k;
            hooks.Add(modules[k].RegisterForwardHook((_, _, output) =>
            {
                lastForward = index;
                if (index == modules.Count - 1) largestOutput = output.ToFloatArray().Max(Math.Abs);
            }));
            // Backward reaches module k's output before the ops inside module k run backward, so the last hook to fire names the module whose op failed.
            hooks.Add(modules[k].RegisterBackwardHook((_, _) => lastBackward = index));
        }
        try
        {
            using (Autograd.DetectAnomaly())
            using (Tensor.Scope())
            {
                Tensor loss = Loss(_model.Forward(_train.Features), _train.Labels);
                backward = true;
                loss.Backward();
            }
            return null;
        }
        catch (AnomalyException e)
        {
            string op = $"{e.Op.ToLowerInvariant()} {(backward ? "backward" : "forward")}";
            int module = backward ? lastBackward : lastForward + 1;
            // The loss itself overflowed (a regression's output grew past √float.MaxValue): name the layer that made the output.
            if (module < 0 || module >= modules.Count) return $"the loss ({op}) of layer {layerOf[^1] + 1}'s output (up to {largestOutput.ToString("G3", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal)})";
            return $"layer {layerOf[module] + 1} ({op})";
        }
        finally
        {
            foreach (IDisposable hook in hooks) hook.Dispose();
        }
    }

    /// <summary>Backward hooks that keep, per Linear layer, mean dL/dz per neuron and mean |dL/da| of the last batch.</summary>
    private void AttachGradientHooks()
    {
        IReadOnlyList<Module> modules = _model.Layers;
        for (int k = 0, layer = -1; k < modules.Count; k++)
        {
            if (modules[k] is Linear) layer++;
            int index = layer;
            if (modules[k] is Linear)
            {
                _hooks.Add(modules[k].RegisterBackwardHook((_, grad) =>
                {
                    float[] g = grad.ToFloatArray();
                    int width = grad.Shape[^1], rows = g.Length / width;
                    float[] mean = _nodeGrads[index];
                    Array.Clear(mean);
                    for (int r = 0; r < rows; r++) for (int j = 0; j < width; j++) mean[j] += g[r * width + j] / rows;
                }));
            }
            bool endsLayer = k + 1 == modules.Count || modules[k + 1] is Linear;
            if (endsLayer)
            {
                _hooks.Add(modules[k].RegisterBackwardHook((_, grad) =>
                {
                    float[] g = grad.ToFloatArray();
                    double sum = 0;
                    foreach (float v in g) sum += Math.Abs(v);
                    _activationGrads[index] = sum / Math.Max(1, g.Length);
                }));
            }
        }
    }

    private void DetachGradientHooks()
    {
        foreach (IDisposable hook in _hooks) hook.Dispose();
        _hooks.Clear();
    }

    /// <summary>Each layer's weights then biases, as arrays (2 per layer).</summary>
    private float[][] CopyWeights()
    {
        var copy = new float[_linears.Length * 2][];
        for (int i = 0; i < _linears.Length; i++)
        {
            copy[2 * i] = _linears[i].Weight.ToFloatArray();
            copy[2 * i + 1] = _linears[i].Bias!.ToFloatArray();
        }
        return copy;
    }

    private void DisposeModel()
    {
        DetachGradientHooks();
        _flow?.Dispose();
    }
}
