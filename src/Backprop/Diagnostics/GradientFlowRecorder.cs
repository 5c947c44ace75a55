using Backprop.NN;

namespace Backprop.Diagnostics;

/// <summary>
/// Records, step by step, the gradient statistics of every <see cref="Linear"/> and convolution layer of a model; made by
/// <see cref="GradientFlow.Attach"/>. Call <see cref="RecordGradients"/> after <c>Backward()</c> and, if you
/// want update ratios, <see cref="RecordUpdate"/> after the optimizer's <c>Step()</c>. Dispose it to remove its
/// forward hooks.
/// </summary>
/// <remarks>
/// Activation statistics (saturation, dead units) come from forward hooks on the activation after each layer and
/// describe the most recent forward pass before <see cref="RecordGradients"/>. Statistics are computed in double
/// precision from copies of the tensors; the model is never changed.
/// </remarks>
public sealed class GradientFlowRecorder : IDisposable
{
    private readonly Tracked[] _layers;
    private readonly List<(Activation Module, Tracked Owner)> _observed = [];
    private readonly List<IDisposable> _hooks = [];
    private readonly List<GradientFlowStep> _steps = [];
    private double[][]? _weightsBefore;
    private double[][] _magnitudes = [];
    private bool _disposed;
    private bool _observing;

    internal GradientFlowRecorder(Module model)
    {
        var layers = new List<Tracked>();
        foreach ((string name, Module module) in model.NamedModules())
        {
            // Layers with a weight matrix or kernel: their gradients are what the statistics describe.
            Tracked? layer = module switch
            {
                Linear linear => new Tracked(layers.Count, name.Length == 0 ? "linear" : name, linear.Weight, "Linear", linear.InFeatures, linear.OutFeatures),
                Conv2d conv => new Tracked(layers.Count, name.Length == 0 ? "conv" : name, conv.Weight, "Conv2d", conv.InChannels, conv.OutChannels),
                Conv1d conv => new Tracked(layers.Count, name.Length == 0 ? "conv" : name, conv.Weight, "Conv1d", conv.InChannels, conv.OutChannels),
                ConvTranspose2d conv => new Tracked(layers.Count, name.Length == 0 ? "conv" : name, conv.Weight, "ConvTranspose2d", conv.InChannels, conv.OutChannels),
                _ => null,
            };
            if (layer is not null)
            {
                layers.Add(layer);
            }
            else if (module is Activation activation && layers.Count > 0 && layers[^1].Activation is null)
            {
                Tracked owner = layers[^1];
                owner.Activation = activation.Kind;
                if (activation.Kind is ActivationKind.Tanh or ActivationKind.Sigmoid or ActivationKind.Relu)
                    _observed.Add((activation, owner));
            }
        }
        if (layers.Count == 0)
            throw new ArgumentException($"GradientFlow.Attach: {model.GetType().Name} has no Linear or convolution layer to record", nameof(model));
        _layers = [.. layers];
        ObservesForwardPasses = true;
    }

    /// <summary>
    /// Whether the recorder's forward hooks watch the activations (for the saturated and dead
    /// shares); true from <see cref="GradientFlow.Attach"/>. A model with hooks runs each layer
    /// and its activation as two ops (a hooked activation must see its own input), so a loop
    /// that records only some steps can set this false in between and true before the forward
    /// pass of a step it records: the other steps then run the fused layers, at full speed.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Set after the recorder was disposed.</exception>
    public bool ObservesForwardPasses
    {
        get => _observing;
        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _observing = value;
            if (value && _hooks.Count == 0)
            {
                foreach ((Activation activation, Tracked owner) in _observed)
                    _hooks.Add(activation.RegisterForwardHook((_, _, output) => owner.Observe(output)));
            }
            else if (!value)
            {
                foreach (IDisposable hook in _hooks) hook.Dispose();
                _hooks.Clear();
            }
        }
    }

    /// <summary>The dotted names of the recorded <see cref="Linear"/> and convolution layers, input first.</summary>
    public IReadOnlyList<string> LayerNames => [.. _layers.Select(l => l.Name)];

    /// <summary>Every recorded step, in the order recorded.</summary>
    public IReadOnlyList<GradientFlowStep> Steps => _steps;

    /// <summary>The most recently recorded step, or null before the first.</summary>
    public GradientFlowStep? Latest => _steps.Count == 0 ? null : _steps[^1];

    /// <summary>
    /// |∂L/∂W| of every element of every layer's weight at the latest <see cref="RecordGradients"/>, input layer
    /// first (for histograms); empty before the first.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double>> LatestGradientMagnitudes => _magnitudes;

    /// <summary>
    /// Records the gradient statistics of step <paramref name="step"/>: call it after <c>Backward()</c> and before
    /// the optimizer changes the weights. Keeps a copy of the weights for <see cref="RecordUpdate"/>.
    /// </summary>
    /// <param name="step">The step number (any integer; it labels the step in <see cref="Steps"/> and plots).</param>
    /// <returns>The recorded step.</returns>
    /// <exception cref="ObjectDisposedException">The recorder was disposed.</exception>
    /// <exception cref="InvalidOperationException">A layer's weight has no gradient (no backward pass reached it); the message names the layer.</exception>
    public GradientFlowStep RecordGradients(int step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var layers = new GradientFlowLayer[_layers.Length];
        var before = new double[_layers.Length][];
        var magnitudes = new double[_layers.Length][];
        for (int i = 0; i < _layers.Length; i++)
        {
            Tracked t = _layers[i];
            Tensor grad = t.Weight.Grad
                ?? throw new InvalidOperationException(
                    $"GradientFlow.RecordGradients(step {step}): layer '{t.Name}' ({t.Kind} {t.InFeatures}\u2192{t.OutFeatures}) has no weight gradient; call Backward() on the loss first");
            double[] g = grad.ToDoubleArray();
            double[] w = t.Weight.ToDoubleArray();
            double sumG = 0, maxG = 0, sumW = 0;
            for (int k = 0; k < g.Length; k++)
            {
                double a = Math.Abs(g[k]);
                g[k] = a;
                sumG += a;
                maxG = Math.Max(maxG, a); // NaN when any element is NaN
                sumW += Math.Abs(w[k]);
            }
            double meanG = sumG / g.Length, meanW = sumW / w.Length;
            layers[i] = new GradientFlowLayer(
                t.Index, t.Name, t.InFeatures, t.OutFeatures, t.Activation,
                meanG, maxG, meanW, meanG / meanW, UpdateRatioLog10: null,
                SaturatedShare: t.Activation is ActivationKind.Tanh or ActivationKind.Sigmoid ? t.LastActivationShare : null,
                DeadShare: t.Activation is ActivationKind.Relu ? t.LastActivationShare : null);
            before[i] = w;
            magnitudes[i] = g;
        }
        var recorded = new GradientFlowStep(step, layers);
        _steps.Add(recorded);
        _weightsBefore = before;
        _magnitudes = magnitudes;
        return recorded;
    }

    /// <summary>
    /// Adds to step <paramref name="step"/> the update-to-weight ratio of every layer, log10(‖W_after − W_before‖ /
    /// ‖W_before‖): call it after the optimizer's <c>Step()</c>, once per <see cref="RecordGradients"/>.
    /// </summary>
    /// <param name="step">The step number given to the latest <see cref="RecordGradients"/>.</param>
    /// <returns>The step, now with <see cref="GradientFlowLayer.UpdateRatioLog10"/> filled in.</returns>
    /// <exception cref="ObjectDisposedException">The recorder was disposed.</exception>
    /// <exception cref="InvalidOperationException">
    /// No <see cref="RecordGradients"/> is waiting for its update, or it was for another step number.
    /// </exception>
    public GradientFlowStep RecordUpdate(int step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_weightsBefore is null)
            throw new InvalidOperationException($"GradientFlow.RecordUpdate(step {step}): call RecordGradients({step}) before the optimizer step, then RecordUpdate({step}) after it");
        GradientFlowStep pending = _steps[^1];
        if (pending.Step != step)
            throw new InvalidOperationException($"GradientFlow.RecordUpdate(step {step}): the latest RecordGradients was for step {pending.Step}");

        var layers = new GradientFlowLayer[_layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            double[] before = _weightsBefore[i];
            double[] after = _layers[i].Weight.ToDoubleArray();
            double delta = 0, norm = 0;
            for (int k = 0; k < before.Length; k++)
            {
                double d = after[k] - before[k];
                delta += d * d;
                norm += before[k] * before[k];
            }
            layers[i] = pending.Layers[i] with { UpdateRatioLog10 = Math.Log10(Math.Sqrt(delta) / Math.Sqrt(norm)) };
        }
        var updated = pending with { Layers = layers };
        _steps[^1] = updated;
        _weightsBefore = null;
        return updated;
    }

    /// <summary>
    /// Forgets every recorded step but the latest (which a pending <see cref="RecordUpdate"/> may
    /// still complete), so a recorder that lives as long as an interactive run keeps its memory
    /// flat; <see cref="Latest"/> and <see cref="Diagnose"/> are unchanged.
    /// </summary>
    public void ForgetOlderSteps()
    {
        if (_steps.Count > 1) _steps.RemoveRange(0, _steps.Count - 1);
    }

    /// <summary>The verdict on the latest recorded step; see <see cref="GradientFlow.Diagnose"/>.</summary>
    /// <exception cref="InvalidOperationException">Nothing was recorded yet.</exception>
    public GradientFlowVerdict Diagnose() =>
        GradientFlow.Diagnose((Latest ?? throw new InvalidOperationException("GradientFlow.Diagnose: nothing recorded yet; call RecordGradients(step) after Backward()")).Layers);

    /// <summary>Removes the forward hooks; recorded steps stay readable.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _observing = false;
        foreach (IDisposable hook in _hooks) hook.Dispose();
        _hooks.Clear();
    }

    /// <summary>A recorded layer and what its activation showed in the latest forward pass.</summary>
    private sealed class Tracked(int index, string name, Parameter weight, string kind, int inFeatures, int outFeatures)
    {
        public int Index { get; } = index;
        public string Name { get; } = name;
        public Parameter Weight { get; } = weight;
        public string Kind { get; } = kind;
        public int InFeatures { get; } = inFeatures;
        public int OutFeatures { get; } = outFeatures;
        public ActivationKind? Activation { get; set; }

        /// <summary>Saturated share (tanh, sigmoid) or dead share (ReLU) of the latest forward pass; null before one.</summary>
        public double? LastActivationShare { get; private set; }

        public void Observe(Tensor output)
        {
            // Units are the last dimension of a Linear layer's output and the channels (dimension 1) of a convolution's.
            if (output.Rank > 2) output = output.Transpose(1, -1);
            double[] y = output.ToDoubleArray();
            if (y.Length == 0)
            {
                LastActivationShare = null;
                return;
            }
            LastActivationShare = Activation switch
            {
                ActivationKind.Tanh => Share(y, v => Math.Abs(v) > GradientFlow.TanhSaturation),
                ActivationKind.Sigmoid => Share(y, v => v < GradientFlow.SigmoidSaturation || v > 1 - GradientFlow.SigmoidSaturation),
                _ => DeadShare(y, output.Rank == 0 ? 1 : output.Shape[^1]),
            };
        }

        private static double Share(double[] values, Func<double, bool> saturated) =>
            (double)values.Count(saturated) / values.Length;

        /// <summary>The share of units (last dimension) that are 0 in every row.</summary>
        private static double DeadShare(double[] values, int units)
        {
            int rows = values.Length / units, dead = 0;
            for (int u = 0; u < units; u++)
            {
                bool alwaysZero = true;
                for (int r = 0; r < rows && alwaysZero; r++) alwaysZero = values[(r * units) + u] == 0;
                if (alwaysZero) dead++;
            }
            return (double)dead / units;
        }
    }
}
