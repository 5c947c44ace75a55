using System.Collections.Concurrent;
using System.Diagnostics;
using Backprop.NN;

namespace Backprop.Distributed;

/// <summary>
/// Data-parallel training, as PyTorch's <c>DistributedDataParallel</c>: wrap the model on every
/// rank, train each rank on its own shard (<see cref="DistributedSampler"/>), and every
/// <c>Backward()</c> returns with each gradient replaced by its mean over the ranks, so the
/// optimizers on all ranks take the same step and the weights stay identical.
/// </summary>
/// <remarks>
/// <para>
/// At construction rank 0's parameters and buffers are copied to every rank. The gradients are
/// grouped into buckets of about <see cref="BucketBytes"/> (25 MiB by default, as PyTorch), in
/// reverse registration order — roughly the order backward produces them. When a bucket's last
/// gradient has been accumulated, its all-reduce starts on a background thread while the
/// backward pass goes on computing the earlier layers' gradients; at the end of the pass
/// (<see cref="Autograd.QueueCallback"/>) Backward waits for the last buckets. Buckets are
/// launched in their fixed order on every rank, so the ranks' collectives always match.
/// </para>
/// <para>
/// Inside <see cref="NoSync"/> gradients only accumulate locally (gradient accumulation); the
/// first backward pass after it all-reduces the accumulated sum. A parameter the loss does not
/// reach gets a zero gradient, so its bucket still completes. In training mode the buffers
/// (batch norm's running statistics) are copied from rank 0 before each forward pass, as
/// PyTorch's <c>broadcast_buffers</c>; batch statistics themselves are per rank (there is no
/// SyncBatchNorm), so a model with batch norm is not exactly a model trained on the whole batch.
/// </para>
/// </remarks>
public sealed class DistributedDataParallel : Module, IDisposable
{
    /// <summary>The default bucket size: 25 MiB, as PyTorch's <c>bucket_cap_mb</c>.</summary>
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ICommunicator _communicator;
    private readonly GradientBucket[] _buckets;
    private readonly Dictionary<Parameter, GradientBucket> _bucketOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<IDisposable> _hooks = [];
    private readonly BlockingCollection<GradientBucket> _queue = [];
    private readonly Thread _worker;
    private readonly List<StepTiming> _timeline = [];
    private readonly object _done = new();
    private int _launched;
    private int _finished;
    private Exception? _failure;
    private bool _syncing;
    private int _noSync;
    private long _backwardStart;

    /// <summary>Wraps <paramref name="module"/> and copies rank 0's parameters and buffers to every rank.</summary>
    /// <param name="module">The model (the same architecture on every rank).</param>
    /// <param name="communicator">The ranks.</param>
    /// <param name="bucketBytes">The most bytes of gradient per bucket (a larger parameter gets a bucket of its own).</param>
    /// <param name="broadcastBuffers">Whether to copy rank 0's buffers to every rank before each training forward pass.</param>
    /// <exception cref="ArgumentException">No parameter requires grad, or a parameter is neither float32 nor float64.</exception>
    public DistributedDataParallel(Module module, ICommunicator communicator, long bucketBytes = DefaultBucketBytes, bool broadcastBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, 1);
        Inner = RegisterModule("module", module);
        _communicator = communicator;
        BucketBytes = bucketBytes;
        BroadcastBuffers = broadcastBuffers;
        Parameter[] trained = [.. module.Parameters().Where(p => p.RequiresGrad)];
        if (trained.Length == 0) throw new ArgumentException("DistributedDataParallel: the module has no parameter that requires grad", nameof(module));
        if (trained.FirstOrDefault(p => p.DType is not (DType.Float32 or DType.Float64)) is Parameter odd)
            throw new ArgumentException($"DistributedDataParallel: parameters must be float32 or float64, got {odd.DType}", nameof(module));
        SyncFromRankZero(module);
        _buckets = MakeBuckets(trained, bucketBytes);
        foreach (GradientBucket bucket in _buckets)
        {
            foreach (Parameter p in bucket.Parameters)
            {
                _bucketOf[p] = bucket;
                _hooks.Add(p.RegisterPostAccumulateGradHook(OnGradientReady));
            }
        }
        _worker = new Thread(Communicate) { IsBackground = true, Name = $"all-reduce (rank {communicator.Rank})" };
        _worker.Start();
    }

    /// <summary>The wrapped model (saved as it is: its names carry no <c>module.</c> prefix).</summary>
    public Module Inner { get; }

    /// <summary>The most bytes of gradient per bucket.</summary>
    public long BucketBytes { get; }

    /// <summary>Whether rank 0's buffers are copied to every rank before each training forward pass.</summary>
    public bool BroadcastBuffers { get; }

    /// <summary>The buckets' parameter names (as <see cref="Module.NamedParameters"/> of the wrapped model gives them), in launch order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Buckets
    {
        get
        {
            var names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
            foreach ((string name, Parameter p) in Inner.NamedParameters()) names[p] = name;
            return [.. _buckets.Select(b => (IReadOnlyList<string>)[.. b.Parameters.Select(p => names[p])])];
        }
    }

    /// <summary>Whether to keep every synchronised step's <see cref="StepTiming"/> in <see cref="Timeline"/> (otherwise only the last).</summary>
    public bool RecordTimeline { get; set; }

    /// <summary>The timelines of the synchronised steps: all of them with <see cref="RecordTimeline"/>, else the last one.</summary>
    public IReadOnlyList<StepTiming> Timeline => _timeline;

    /// <summary>
    /// Until disposed, backward passes only accumulate gradients locally, with no communication
    /// (PyTorch's <c>no_sync()</c>): run k − 1 micro-batches inside it and the k-th outside, and
    /// that one's Backward all-reduces the sum of all k.
    /// </summary>
    public IDisposable NoSync()
    {
        _noSync++;
        return new Resume(this);
    }

    /// <summary>Stops the background thread and removes the gradient hooks.</summary>
    public void Dispose()
    {
        foreach (IDisposable hook in _hooks) hook.Dispose();
        _hooks.Clear();
        _queue.CompleteAdding();
        _worker.Join();
    }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (IsTraining && BroadcastBuffers && _communicator.Size > 1) BroadcastBufferValues(Inner);
        Tensor output = Inner.Forward(input);
        if (output.RequiresGrad && _noSync == 0)
        {
            // Reached first in the backward pass: the timeline's zero.
            output.RegisterHook(_ =>
            {
                _backwardStart = Stopwatch.GetTimestamp();
                return null;
            });
        }
        return output;
    }

    private void OnGradientReady(Tensor leaf)
    {
        if (_noSync > 0) return;
        if (!_syncing)
        {
            _syncing = true;
            if (_backwardStart == 0) _backwardStart = Stopwatch.GetTimestamp();
            Autograd.QueueCallback(FinishSync);
        }
        GradientBucket bucket = _bucketOf[(Parameter)leaf];
        if (bucket.MarkReady())
        {
            bucket.ReadyMs = Now();
            LaunchReady();
        }
    }

    /// <summary>Launches, in bucket order, every bucket that is ready and whose predecessors are launched.</summary>
    private void LaunchReady()
    {
        while (_launched < _buckets.Length && _buckets[_launched].IsReady)
        {
            GradientBucket bucket = _buckets[_launched++];
            bucket.Gather();
            _queue.Add(bucket);
        }
    }

    /// <summary>At the end of the backward pass: completes the buckets of unused parameters and waits for every all-reduce.</summary>
    private void FinishSync()
    {
        double backwardMs = Now();
        foreach (GradientBucket bucket in _buckets)
        {
            while (!bucket.IsReady)
            {
                if (bucket.MarkReady()) bucket.ReadyMs = backwardMs;
            }
        }
        LaunchReady();
        lock (_done)
        {
            while (_finished < _buckets.Length && _failure is null) Monitor.Wait(_done);
        }
        Exception? failure = _failure;
        _launched = 0;
        _finished = 0;
        _syncing = false;
        foreach (GradientBucket bucket in _buckets) bucket.Reset();
        if (failure is not null)
        {
            _failure = null;
            _backwardStart = 0;
            throw failure as CommunicatorException ?? new CommunicatorException($"DistributedDataParallel: the all-reduce failed: {failure.Message}", failure);
        }
        foreach (GradientBucket bucket in _buckets) bucket.Scatter();
        var step = new StepTiming(backwardMs, Now(), [.. _buckets.Select(b => new BucketTiming(b.Index, b.Bytes, b.ReadyMs, b.StartMs, b.FinishMs))]);
        if (!RecordTimeline) _timeline.Clear();
        _timeline.Add(step);
        _backwardStart = 0;
    }

    /// <summary>The background thread: all-reduces the buckets in the order they come.</summary>
    private void Communicate()
    {
        foreach (GradientBucket bucket in _queue.GetConsumingEnumerable())
        {
            try
            {
                bucket.StartMs = Now();
                if (_failure is null) bucket.Reduce(_communicator);
                bucket.FinishMs = Now();
            }
            catch (Exception e)
            {
                lock (_done) _failure ??= e;
            }
            lock (_done)
            {
                _finished++;
                Monitor.PulseAll(_done);
            }
        }
    }

    private double Now() => Stopwatch.GetElapsedTime(_backwardStart).TotalMilliseconds;

    private void SyncFromRankZero(Module module)
    {
        using (Autograd.NoGrad())
        {
            foreach (Parameter p in module.Parameters()) BroadcastTensor(p);
        }
        BroadcastBufferValues(module);
    }

    private void BroadcastBufferValues(Module module)
    {
        foreach ((_, Tensor buffer) in module.NamedBuffers()) BroadcastTensor(buffer);
    }

    private void BroadcastTensor(Tensor t)
    {
        if (!t.IsContiguous) throw new InvalidOperationException($"DistributedDataParallel: a {t.DType} tensor of shape [{string.Join(",", t.Shape)}] is not contiguous and cannot be broadcast in place");
        switch (t.DType)
        {
            case DType.Float32: _communicator.Broadcast(t.Span<float>(), 0); break;
            case DType.Float64: _communicator.Broadcast(t.Span<double>(), 0); break;
            default: _communicator.Broadcast(t.Span<long>(), 0); break;
        }
    }

    /// <summary>Buckets in reverse registration order, each of one type and at most <paramref name="bucketBytes"/> (or one parameter).</summary>
    private static GradientBucket[] MakeBuckets(Parameter[] parameters, long bucketBytes)
    {
        var buckets = new List<GradientBucket>();
        var open = new Dictionary<DType, List<Parameter>>();
        var openBytes = new Dictionary<DType, long>();
        for (int i = parameters.Length - 1; i >= 0; i--)
        {
            Parameter p = parameters[i];
            DType type = p.DType;
            long bytes = (long)p.Count * (type == DType.Float32 ? 4 : 8);
            if (open.TryGetValue(type, out List<Parameter>? members) && openBytes[type] + bytes > bucketBytes)
            {
                buckets.Add(new GradientBucket(buckets.Count, members));
                open.Remove(type);
            }
            if (!open.TryGetValue(type, out members))
            {
                open[type] = members = [];
                openBytes[type] = 0;
            }
            members.Add(p);
            openBytes[type] += bytes;
        }
        foreach (DType type in (DType[])[DType.Float32, DType.Float64])
        {
            if (open.TryGetValue(type, out List<Parameter>? members)) buckets.Add(new GradientBucket(buckets.Count, members));
        }
        return [.. buckets];
    }

    private sealed class Resume(DistributedDataParallel owner) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            owner._noSync--;
        }
    }
}
