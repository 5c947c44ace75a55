using Backprop.Kernels;

namespace Backprop.Optim;

/// <summary>
/// One step of a fused optimizer over all its parameters as a single elementwise pass: the
/// optimizer queues each parameter's update (<see cref="Add"/>), then <see cref="Run"/> lays the
/// parameters end to end and splits the total across threads once (<see cref="ParallelSlices"/>),
/// chunks crossing parameter boundaries. One dispatch a step instead of one per long parameter,
/// every thread an equal share, and the short parameters (biases) no longer left to the calling
/// thread alone.
/// </summary>
/// <remarks>
/// Each element is updated by the same operations in whichever chunk it falls, so the results
/// are bit for bit those of updating the parameters one by one, for any thread count. Reused
/// from step to step: a step allocates nothing here once the arrays have grown to the
/// parameter count.
/// </remarks>
/// <typeparam name="TUpdate">What one parameter's update reads and writes (its tensors and the step's scalars).</typeparam>
internal sealed class FusedStep<TUpdate>
{
    private readonly Action<TUpdate, int, int> _update;
    private readonly bool _immediate;
    private TUpdate[] _updates = [];
    private Tensor[] _parameters = [];
    private long[] _ends = []; // _ends[k]: elements in parameters 0..k together
    private int _count;

    /// <summary>Creates the step.</summary>
    /// <param name="update">The fused kernel over elements [start, start + count) of one parameter.</param>
    /// <param name="totalElements">The elements of all the optimizer's parameters together.</param>
    public FusedStep(Action<TUpdate, int, int> update, long totalElements)
    {
        _update = update;
        // A pass this short is never split (ParallelSlices keeps it on the calling thread), so
        // queueing buys nothing: each update runs as it is added. On TF Playground's network
        // (14 parameters, 400 elements) the queue's bookkeeping cost more than the arithmetic.
        _immediate = ParallelSlices.Threads(totalElements) == 1;
    }

    /// <summary>Queues the update of <paramref name="parameter"/>; it runs in <see cref="Run"/> (at once when the optimizer's parameters are too few to split).</summary>
    /// <param name="parameter">The parameter (its version is bumped once the update has run).</param>
    /// <param name="update">Its tensors and scalars.</param>
    public void Add(Tensor parameter, TUpdate update)
    {
        if (_immediate)
        {
            _update(update, 0, parameter.Count);
            parameter.BumpVersion();
            return;
        }
        if (_count == _updates.Length)
        {
            int capacity = Math.Max(4, _count * 2);
            Array.Resize(ref _updates, capacity);
            Array.Resize(ref _parameters, capacity);
            Array.Resize(ref _ends, capacity);
        }
        _updates[_count] = update;
        _parameters[_count] = parameter;
        _ends[_count] = (_count == 0 ? 0 : _ends[_count - 1]) + parameter.Count;
        _count++;
    }

    /// <summary>Runs every queued update, then bumps the parameters' versions and forgets them.</summary>
    public void Run()
    {
        try
        {
            if (_count > 0) ParallelSlices.Run(_ends[_count - 1], this, static (step, start, count) => step.RunRange(start, count));
            for (int k = 0; k < _count; k++) _parameters[k].BumpVersion();
        }
        finally
        {
            // Drop the references (gradient copies, tensors) until the next step queues its own.
            Array.Clear(_updates, 0, _count);
            Array.Clear(_parameters, 0, _count);
            _count = 0;
        }
    }

    /// <summary>The updates of elements [start, start + count) of the parameters laid end to end.</summary>
    private void RunRange(long start, long count)
    {
        long end = start + count;
        // The first parameter that ends after start (the ends are increasing).
        int k = Array.BinarySearch(_ends, 0, _count, start);
        k = k < 0 ? ~k : k + 1;
        for (; k < _count; k++)
        {
            long first = k == 0 ? 0 : _ends[k - 1];
            if (first >= end) break;
            long from = Math.Max(start, first), to = Math.Min(end, _ends[k]);
            if (to > from) _update(_updates[k], (int)(from - first), (int)(to - from));
        }
    }
}
