using System.Text.Json;
using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.Playground.Runs;

/// <summary>
/// One live run: a network, its optimizer and its data, trained by the library's
/// <see cref="Trainer"/> over a <see cref="ModuleTrainingTask"/> one epoch at a time (the
/// trainer carries the epoch and step numbering on), so the page can step, play and pause.
/// Every command takes <see cref="Gate"/>; while playing, one background loop trains and the
/// commands wait for the epoch in progress.
/// </summary>
public sealed partial class PlaygroundRun : IDisposable, IStepObserver
{
    private readonly List<IDisposable> _hooks = [];
    private TaskCompletionSource _changed = NewSignal();
    private CancellationTokenSource? _playing;
    private RunSettings _settings;
    private DataPoint[]? _customPoints;
    private uint _regenerations;
    private bool _disposed;

    // Built by Rebuild: the model and everything trained with it.
    private Mlp _model = null!;
    private Linear[] _linears = null!;
    private Optimizer _optimizer = null!;
    private LearningRateSchedule? _schedule;
    private GradientFlowRecorder _flow = null!;
    private ModuleTrainingTask _task = null!;
    private Trainer _trainer = null!;
    private Dataset _train = null!;
    private Dataset _test = null!;
    private Tensor? _targets;
    private DataPoint[] _points = [];
    private int _trainCount;
    private EpochMetrics _metrics = null!;
    private float[][] _nodeGrads = [];
    private double[] _activationGrads = [];
    private float[][] _weightsBefore = [];
    private float[][] _weightsAfter = [];
    private string _status = "paused";
    private string? _message;
    private long _version;

    /// <summary>Creates the run and builds its model and data from the settings' seed.</summary>
    /// <param name="id">The run's id.</param>
    /// <param name="settings">Checked settings.</param>
    public PlaygroundRun(string id, RunSettings settings)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Touch();
        Rebuild();
    }

    /// <summary>The run's id (random and unguessable: the registry makes it).</summary>
    public string Id { get; }

    /// <summary>The lock every command and the play loop take.</summary>
    public object Gate { get; } = new();

    /// <summary>The current settings.</summary>
    public RunSettings Settings { get { lock (Gate) return _settings; } }

    /// <summary>Grows with every change the page should see.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Whether the play loop is on.</summary>
    public bool IsPlaying { get { lock (Gate) return _status == "running"; } }

    /// <summary>When the run was last asked for anything (<see cref="Environment.TickCount64"/>).</summary>
    public long LastTouched => Interlocked.Read(ref _lastTouched);

    private long _lastTouched;

    /// <summary>Frame streams reading the run now (a run with a reader is never idle).</summary>
    public int Readers => Volatile.Read(ref _readers);

    private int _readers;

    /// <summary>Marks the run as used now (the registry drops runs idle for too long).</summary>
    public void Touch() => Interlocked.Exchange(ref _lastTouched, Environment.TickCount64);

    /// <summary>Counts a frame stream in until the returned handle is disposed.</summary>
    public IDisposable AddReader()
    {
        Interlocked.Increment(ref _readers);
        return new Reader(this);
    }

    /// <summary>Completes when <see cref="Version"/> moves past <paramref name="seen"/> (at once if it already has).</summary>
    /// <param name="seen">The version the caller has.</param>
    /// <param name="cancel">Stops waiting.</param>
    public Task WaitForChangeAsync(long seen, CancellationToken cancel)
    {
        Task signal;
        lock (Gate)
        {
            if (_version != seen) return Task.CompletedTask;
            signal = _changed.Task;
        }
        return signal.WaitAsync(cancel);
    }

    /// <summary>The full state.</summary>
    public Snapshot Snapshot()
    {
        lock (Gate) return BuildSnapshot();
    }

    /// <summary>The state for a frame stream.</summary>
    /// <param name="view">Which per-link numbers to add.</param>
    public Frame Frame(FrameView view)
    {
        lock (Gate) return BuildFrame(view);
    }

    /// <summary>
    /// Applies a partial settings update: live settings (learning rate, batch size,
    /// regularisation, schedule, clipping, stop conditions) take effect from the next step; the
    /// others rebuild the model and data from the seed.
    /// </summary>
    /// <param name="patch">A JSON object of some settings.</param>
    /// <exception cref="SettingsException">A bad key or value.</exception>
    public Snapshot UpdateSettings(JsonElement patch)
    {
        lock (Gate)
        {
            RunSettings next = _settings.Apply(patch);
            if (next.Dataset == "custom" && _customPoints is null)
                throw new SettingsException("dataset custom needs points: POST them to /api/runs/{id}/points first");
            bool reset = _settings.NeedsReset(next);
            if (next.Dataset != "custom") _customPoints = null;
            _settings = next;
            if (reset) Rebuild();
            else ApplyLiveSettings();
            return Changed();
        }
    }

    /// <summary>Pauses, then trains <paramref name="epochs"/> epochs (fewer if the run diverges or reaches a stop condition).</summary>
    /// <param name="epochs">1 to 1000.</param>
    /// <exception cref="SettingsException">Out of range.</exception>
    public Snapshot Step(int epochs)
    {
        if (epochs is < 1 or > 1000) throw new SettingsException($"n must be in [1, 1000], got {epochs}");
        lock (Gate)
        {
            StopPlaying("paused");
            if (_status == "done") _status = "paused"; // an explicit step goes on past a stop condition
            TrainEpochs(epochs);
            return Changed();
        }
    }

    /// <summary>Starts the background loop (a diverged run stays stopped: reset it or change a setting that rebuilds).</summary>
    /// <param name="pace">The loop's pace: at least one epoch per tick, more while the tick's work budget lasts.</param>
    public Snapshot Play(TimeSpan pace)
    {
        lock (Gate)
        {
            if (_status is "running" or "diverged") return BuildSnapshot();
            _status = "running";
            _message = null;
            _playing = new CancellationTokenSource();
            CancellationToken token = _playing.Token;
            _ = Task.Run(() => PlayLoopGuarded(pace, token), CancellationToken.None);
            return Changed();
        }
    }

    /// <summary>Stops the background loop after the epoch in progress.</summary>
    public Snapshot Pause()
    {
        lock (Gate)
        {
            if (_status == "running") StopPlaying("paused");
            return Changed();
        }
    }

    /// <summary>New weights from the seed, same data; epoch back to 0.</summary>
    public Snapshot Reset()
    {
        lock (Gate)
        {
            StopPlaying("paused");
            Rebuild();
            return Changed();
        }
    }

    /// <summary>New data (the next data seed) and new weights.</summary>
    /// <exception cref="SettingsException">The data set is the user's own points.</exception>
    public Snapshot Regenerate()
    {
        lock (Gate)
        {
            if (_settings.Dataset == "custom") throw new SettingsException("dataset custom cannot be regenerated: its points are the ones you gave");
            StopPlaying("paused");
            _regenerations++;
            Rebuild();
            return Changed();
        }
    }

    /// <summary>Sets one weight, weight[to, from] of Linear layer <paramref name="layer"/>.</summary>
    /// <exception cref="SettingsException">An index out of range or a value that is not a finite number in [-1000, 1000].</exception>
    public Snapshot SetWeight(int layer, int to, int from, double value)
    {
        lock (Gate)
        {
            Linear linear = LayerAt(layer);
            CheckIndex("to", to, linear.OutFeatures);
            CheckIndex("from", from, linear.InFeatures);
            CheckValue(value);
            Edit(linear.Weight, to * linear.InFeatures + from, value);
            return Changed();
        }
    }

    /// <summary>Sets the bias of neuron <paramref name="neuron"/> of Linear layer <paramref name="layer"/>.</summary>
    /// <exception cref="SettingsException">An index out of range or a bad value.</exception>
    public Snapshot SetBias(int layer, int neuron, double value)
    {
        lock (Gate)
        {
            Linear linear = LayerAt(layer);
            CheckIndex("neuron", neuron, linear.OutFeatures);
            CheckValue(value);
            Edit(linear.Bias!, neuron, value);
            return Changed();
        }
    }

    /// <summary>
    /// Replaces the data with the user's points (data set "custom"), split by the train ratio
    /// in the given order, and rebuilds the model.
    /// </summary>
    /// <param name="points">2 to 2000 points; labels are classes 0 .. classes − 1 (−1 reads as class 0, TF's negative).</param>
    /// <exception cref="SettingsException">Too few or many points, a coordinate that is not finite or outside [-6, 6]... [-100, 100], or a bad label.</exception>
    public Snapshot SetPoints(IReadOnlyList<DataPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        lock (Gate)
        {
            if (points.Count is < 2 or > 2000) throw new SettingsException($"points must hold 2 to 2000 points, got {points.Count}");
            if (_settings.IsRegression) throw new SettingsException($"points: custom data is for classification; dataset {_settings.Dataset} is a regression");
            var checkedPoints = new DataPoint[points.Count];
            for (int i = 0; i < points.Count; i++)
            {
                DataPoint p = points[i];
                if (!(Math.Abs(p.X1) <= 100) || !(Math.Abs(p.X2) <= 100))
                    throw new SettingsException($"points[{i}]: x1 and x2 must be numbers in [-100, 100], got ({RunSettings.Format(p.X1)}, {RunSettings.Format(p.X2)})");
                double label = p.Label == -1 && _settings.Classes == 2 ? 0 : p.Label;
                if (label != Math.Floor(label) || label < 0 || label >= _settings.Classes)
                    throw new SettingsException($"points[{i}]: label must be a class 0 .. {_settings.Classes - 1} (or -1 for class 0 of two), got {RunSettings.Format(p.Label)}");
                checkedPoints[i] = p with { Label = label };
            }
            StopPlaying("paused");
            _customPoints = checkedPoints;
            _settings = _settings with { Dataset = "custom" };
            Rebuild();
            return Changed();
        }
    }

    /// <summary>Every point, training points first, and how many are for training.</summary>
    public (DataPoint[] Points, int TrainCount) Points()
    {
        lock (Gate) return ([.. _points], _trainCount);
    }

    /// <summary>Stops the play loop; the run cannot be used afterwards.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed) return;
            _disposed = true;
            StopPlaying("paused");
            DisposeModel();
        }
    }

    /// <summary>The play loop; an error it did not expect stops the run with the error as the message instead of vanishing with the task.</summary>
    private async Task PlayLoopGuarded(TimeSpan pace, CancellationToken token)
    {
        try
        {
            await PlayLoop(pace, token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (Gate)
            {
                if (_disposed || token.IsCancellationRequested) return;
                StopPlaying("paused");
                _message = $"training stopped: {e.Message.Split('\n')[0]}";
                Signal();
            }
        }
    }

    /// <summary>The share of each tick the play loop spends training (it always trains one epoch).</summary>
    internal const double TrainingShareOfTick = 0.25;

    private async Task PlayLoop(TimeSpan pace, CancellationToken token)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Ticks are due on a fixed grid (0, pace, 2·pace, …) rather than a pace after the last one
        // ended: Task.Delay wakes a millisecond or more late, and adding that up made 33 ms ticks
        // come 27 times a second instead of 30. After a stall (a long epoch, a busy machine) the
        // grid restarts from now instead of ticking in a burst to catch up.
        TimeSpan due = TimeSpan.Zero;
        while (!token.IsCancellationRequested)
        {
            TimeSpan tick = clock.Elapsed;
            due = tick - due > pace ? tick + pace : due + pace;
            lock (Gate)
            {
                if (token.IsCancellationRequested) return;
                // At least one epoch per tick; more while a quarter of the tick's time is left, so
                // a tiny network trains fast and the page still gets a frame every tick. A quarter,
                // not more: on a two-core machine the browser drawing the frames needs the rest.
                do TrainEpochs(1);
                while (_status == "running" && clock.Elapsed - tick < pace * TrainingShareOfTick);
                if (_status != "running") StopPlaying(_status);
                Signal();
            }
            TimeSpan rest = due - clock.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(rest, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Ends the play loop (if any) and sets the status; under the lock.</summary>
    private void StopPlaying(string status)
    {
        _playing?.Cancel();
        _playing?.Dispose();
        _playing = null;
        if (_status == "running") _status = status;
    }

    /// <summary>Bumps the version, wakes the frame streams and returns the snapshot; under the lock.</summary>
    private Snapshot Changed()
    {
        Signal();
        return BuildSnapshot();
    }

    /// <summary>
    /// Bumps the version and wakes the frame streams, building nothing: the play loop's ticks use
    /// this, since each reader builds the frame of its own view (a snapshot per tick that no one
    /// read cost a second grid forward and encoding every tick); under the lock.
    /// </summary>
    private void Signal()
    {
        Touch();
        Interlocked.Increment(ref _version);
        TaskCompletionSource done = _changed;
        _changed = NewSignal();
        done.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Linear LayerAt(int layer)
    {
        CheckIndex("layer", layer, _linears.Length);
        return _linears[layer];
    }

    private static void CheckIndex(string name, int value, int count)
    {
        if (value < 0 || value >= count) throw new SettingsException($"{name} must be in [0, {count - 1}], got {value}");
    }

    private static void CheckValue(double value)
    {
        if (!(Math.Abs(value) <= 1000)) throw new SettingsException($"value must be a number in [-1000, 1000], got {RunSettings.Format(value)}");
    }

    private void Edit(Parameter parameter, int index, double value)
    {
        float[] values = parameter.ToFloatArray();
        values[index] = (float)value;
        using (Autograd.NoGrad()) parameter.CopyFrom(Tensor.FromArray(values, [.. parameter.Shape]));
        _weightsAfter = CopyWeights(); // the next step's update is measured from the edited weights
        _metrics = _task.Evaluate(_trainer.CompletedEpochs);
        RecordTrajectory(); // an edit moves the weights too: the path follows
    }

    private sealed class Reader(PlaygroundRun run) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                run.Touch();
                Interlocked.Decrement(ref run._readers);
            }
        }
    }
}
