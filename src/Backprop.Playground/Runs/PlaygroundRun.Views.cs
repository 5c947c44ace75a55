using Backprop.Diagnostics;
using Backprop.NN;

namespace Backprop.Playground.Runs;

/// <summary>What a run shows: its frames and snapshots.</summary>
public sealed partial class PlaygroundRun
{
    private readonly Dictionary<FrameView, (long Version, Frame Frame)> _frames = [];

    /// <summary>The frame of the current version (built once per version and view); under the lock.</summary>
    private Frame BuildFrame(FrameView view)
    {
        if (_frames.TryGetValue(view, out (long Version, Frame Frame) cached) && cached.Version == _version) return cached.Frame;
        bool classification = !_settings.IsRegression;
        var frame = new Frame
        {
            Id = Id,
            Version = _version,
            Epoch = _trainer.CompletedEpochs,
            Steps = _trainer.CompletedSteps,
            Status = _status,
            Message = _message,
            TrainLoss = WireFormat.Number(_metrics.TrainLoss),
            TestLoss = WireFormat.Number(_metrics.TestLoss),
            TrainAccuracy = classification ? WireFormat.Number(_metrics.TrainAccuracy) : null,
            TestAccuracy = classification ? WireFormat.Number(_metrics.TestAccuracy) : null,
            Layers = LayerStates(view == FrameView.Gradients, view == FrameView.Updates, biasGrads: false),
            Heatmaps = NeuronHeatmaps.Compute(_model, _settings),
            GradientFlow = FlowState(),
        };
        _frames[view] = (_version, frame);
        return frame;
    }

    /// <summary>The snapshot: the frame with every per-link array, plus points, input heatmaps and settings; under the lock.</summary>
    private Snapshot BuildSnapshot()
    {
        Frame f = BuildFrame(FrameView.Weights);
        var points = new float[_points.Length * 3];
        for (int i = 0; i < _points.Length; i++)
        {
            points[3 * i] = (float)_points[i].X1;
            points[3 * i + 1] = (float)_points[i].X2;
            points[3 * i + 2] = (float)_points[i].Label;
        }
        return new Snapshot
        {
            Id = f.Id,
            Version = f.Version,
            Epoch = f.Epoch,
            Steps = f.Steps,
            Status = f.Status,
            Message = f.Message,
            TrainLoss = f.TrainLoss,
            TestLoss = f.TestLoss,
            TrainAccuracy = f.TrainAccuracy,
            TestAccuracy = f.TestAccuracy,
            Layers = LayerStates(gradients: true, updates: true, biasGrads: true),
            Heatmaps = f.Heatmaps,
            GradientFlow = f.GradientFlow,
            InputHeatmaps = NeuronHeatmaps.Inputs(_settings),
            Points = WireFormat.Floats(points),
            TrainCount = _trainCount,
            Settings = _settings,
        };
    }

    /// <summary>
    /// The layers; frames leave out dL/db (<paramref name="biasGrads"/> false) because it is the
    /// batch size times nodeGrads (the bias gradient of a mean loss sums dL/dz over the batch), and
    /// without it a 6×8 network's gradient frame stays under 16 KB.
    /// </summary>
    private LayerState[] LayerStates(bool gradients, bool updates, bool biasGrads)
    {
        var states = new LayerState[_linears.Length];
        for (int i = 0; i < _linears.Length; i++)
        {
            Linear l = _linears[i];
            float[] w = l.Weight.ToFloatArray(), b = l.Bias!.ToFloatArray();
            states[i] = new LayerState
            {
                Inputs = l.InFeatures,
                Outputs = l.OutFeatures,
                Weights = WireFormat.Floats(w),
                Biases = WireFormat.Floats(b),
                WeightGrads = gradients ? WireFormat.Floats(l.Weight.Grad?.ToFloatArray() ?? new float[w.Length]) : null,
                BiasGrads = gradients && biasGrads ? WireFormat.Floats(l.Bias!.Grad?.ToFloatArray() ?? new float[b.Length]) : null,
                WeightUpdates = updates ? WireFormat.Floats(Difference(_weightsAfter[2 * i], _weightsBefore[2 * i])) : null,
                BiasUpdates = updates ? WireFormat.Floats(Difference(_weightsAfter[2 * i + 1], _weightsBefore[2 * i + 1])) : null,
                NodeGrads = WireFormat.Floats(_nodeGrads[i]),
            };
        }
        return states;
    }

    private static float[] Difference(float[] after, float[] before)
    {
        var d = new float[after.Length];
        for (int i = 0; i < d.Length; i++) d[i] = after[i] - before[i];
        return d;
    }

    /// <summary>The library recorder's latest step (what <c>backprop gradflow</c> prints), with |dL/da| from the run's hooks.</summary>
    private GradientFlowState FlowState()
    {
        GradientFlowStep? latest = _flow.Latest;
        IReadOnlyList<string> names = _flow.LayerNames;
        var layers = new GradientFlowLayerState[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            GradientFlowLayer? l = latest?.Layers[i];
            layers[i] = new GradientFlowLayerState
            {
                Name = names[i],
                WeightGrad = l is null ? null : WireFormat.Number(l.MeanAbsGrad),
                ActivationGrad = latest is null ? null : WireFormat.Number(_activationGrads[i]),
                Saturation = WireFormat.Number(l?.SaturatedShare ?? l?.DeadShare),
                UpdateRatioLog10 = WireFormat.Number(l?.UpdateRatioLog10),
            };
        }
        double? ratio = latest is null ? null : WireFormat.Number(latest.Layers[0].MeanAbsGrad / latest.Layers[^1].MeanAbsGrad);
        return new GradientFlowState { Layers = layers, FirstToLast = ratio };
    }
}
