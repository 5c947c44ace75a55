using Backprop.NN;

namespace Backprop.Distributed;

/// <summary>
/// Parameters of one type whose gradients are all-reduced together: one flat buffer they are
/// copied into when the last of them is ready, reduced as one message, and copied back.
/// </summary>
internal sealed class GradientBucket
{
    private readonly float[]? _floats;
    private readonly double[]? _doubles;
    private int _pending;

    public GradientBucket(int index, IReadOnlyList<Parameter> parameters)
    {
        Index = index;
        Parameters = [.. parameters];
        DType = Parameters[0].DType;
        long count = Parameters.Sum(p => (long)p.Count);
        if (count > Array.MaxLength) throw new ArgumentException($"DistributedDataParallel: bucket {index} would hold {count} values, more than one array can");
        if (DType == DType.Float32) _floats = new float[count];
        else _doubles = new double[count];
        Bytes = count * (DType == DType.Float32 ? 4 : 8);
        _pending = Parameters.Length;
    }

    public int Index { get; }

    public Parameter[] Parameters { get; }

    public DType DType { get; }

    public long Bytes { get; }

    public double ReadyMs, StartMs, FinishMs;

    /// <summary>Counts one parameter's gradient as ready; true when it was the last.</summary>
    public bool MarkReady() => --_pending == 0;

    /// <summary>Whether every gradient has been counted since the last <see cref="Reset"/>.</summary>
    public bool IsReady => _pending == 0;

    public void Reset() => _pending = Parameters.Length;

    /// <summary>Copies the gradients into the flat buffer (a missing gradient is zeros).</summary>
    public void Gather()
    {
        int at = 0;
        foreach (Parameter p in Parameters)
        {
            if (_floats is not null) Copy(p, _floats.AsSpan(at, p.Count));
            else Copy(p, _doubles.AsSpan(at, p.Count));
            at += p.Count;
        }
    }

    /// <summary>All-reduces the flat buffer (the mean over the ranks).</summary>
    public void Reduce(ICommunicator communicator)
    {
        if (_floats is not null) communicator.AllReduce(_floats, ReduceOp.Mean);
        else communicator.AllReduce(_doubles!, ReduceOp.Mean);
    }

    /// <summary>Copies the reduced values back into the gradients.</summary>
    public void Scatter()
    {
        int at = 0;
        foreach (Parameter p in Parameters)
        {
            Tensor grad = p.Grad!;
            if (_floats is not null) _floats.AsSpan(at, p.Count).CopyTo(grad.Span<float>());
            else _doubles.AsSpan(at, p.Count).CopyTo(grad.Span<double>());
            at += p.Count;
        }
    }

    private static void Copy<T>(Parameter p, Span<T> into) where T : unmanaged
    {
        if (p.Grad is null)
        {
            // An unused parameter (no path from the loss) contributes zeros, and gets the others' mean.
            p.SetAccumulatedGrad(Tensor.ZerosLike(p.Detach()).KeepBeyondScopes());
        }
        else if (!p.Grad.IsContiguous || p.Grad.DType != p.DType)
        {
            throw new InvalidOperationException($"DistributedDataParallel: a gradient of {p.Grad.DType} {string.Join("x", p.Grad.Shape)} that is not contiguous cannot be all-reduced in place");
        }
        p.Grad!.CopyTo(into);
    }
}
