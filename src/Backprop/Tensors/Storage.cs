using Backprop.Memory;

namespace Backprop;

/// <summary>
/// The memory behind a tensor and all its views: one array, the number of in-place writes made
/// to it, and who will release it (a <see cref="TensorScope"/>, or nobody, leaving it to the GC).
/// </summary>
/// <remarks>
/// <para>
/// Views (<see cref="Tensor.Transpose"/>, <see cref="Tensor.Detach"/>, reshapes, slices) share
/// their base's <see cref="Storage"/>, and so its <see cref="Version"/>: a write through any of
/// them is seen by every backward rule that saved any of them (PyTorch's rule).
/// </para>
/// <para>
/// Released storage has no array: reading a tensor over it throws
/// <see cref="ObjectDisposedException"/> naming why, never returns another tensor's numbers.
/// </para>
/// </remarks>
internal sealed class Storage
{
    private Array? _buffer;
    private readonly bool _pooled;

    /// <summary>Wraps <paramref name="buffer"/>; registers it with the current scope, if any.</summary>
    /// <param name="buffer">The elements (possibly longer than any tensor over it needs).</param>
    /// <param name="dtype">The element type of <paramref name="buffer"/>.</param>
    /// <param name="pooled">Whether <paramref name="buffer"/> came from <see cref="BufferPool"/> and goes back to it on release.</param>
    public Storage(Array buffer, DType dtype, bool pooled) : this(buffer, dtype, pooled, TensorScope.Current)
    {
    }

    /// <summary>Wraps <paramref name="buffer"/> and registers it with <paramref name="scope"/> (the current one, read by the caller), if any.</summary>
    public Storage(Array buffer, DType dtype, bool pooled, TensorScope? scope)
    {
        _buffer = buffer;
        DType = dtype;
        _pooled = pooled;
        scope?.Adopt(this);
    }

    /// <summary>The element type (still known after release, for messages).</summary>
    public DType DType { get; }

    /// <summary>How many in-place writes this storage has seen; backward rules compare it with what they saved.</summary>
    public int Version;

    /// <summary>The scope that will release this storage, or null (the GC will).</summary>
    public TensorScope? Scope;

    /// <summary>This storage's slot in <see cref="Scope"/>'s list, for removal without a search.</summary>
    public int ScopeSlot;

    /// <summary>Why the storage was released, for the message a later read throws.</summary>
    private string? _releasedBy;

    /// <summary>Whether the array has been given back.</summary>
    public bool IsReleased => _buffer is null;

    /// <summary>The elements.</summary>
    /// <exception cref="ObjectDisposedException">The storage was released (its scope ended, or its gradient was cleared).</exception>
    public Array Buffer => _buffer ?? throw Released();

    /// <summary>
    /// Gives the array back (to the pool when it came from there). Every tensor over this
    /// storage becomes unreadable: its reads throw rather than see the array's next owner.
    /// </summary>
    /// <param name="by">What released it, for the message (e.g. "the Tensor.Scope() it was made in ended").</param>
    public void Release(string by) => Release(by, ThreadMemory.Current);

    /// <summary><see cref="Release(string)"/> with the calling thread's memory already at hand (a scope releasing all it owns).</summary>
    public void Release(string by, ThreadMemory thread)
    {
        Array? buffer = _buffer;
        if (buffer is null) return;
        _buffer = null;
        _releasedBy = by;
        if (_pooled) BufferPool.Return(buffer, thread);
    }

    private ObjectDisposedException Released() => new(
        nameof(Tensor),
        $"The tensor's memory was released when {_releasedBy}; keep what you need beyond that with MoveToOuterScope() or Clone() it outside the scope");
}
