namespace Backprop.Memory;

/// <summary>
/// Releases the memory of every tensor made inside it when disposed, giving the arrays back
/// to <see cref="BufferPool"/>: <c>using (Tensor.Scope()) { ... }</c> around a training step
/// or an inference batch, as TorchSharp's dispose scopes.
/// </summary>
/// <remarks>
/// <para>
/// A tensor belongs to the scope that was current on its thread when its storage was made
/// (views belong with their base). What should outlive the scope is moved out with
/// <see cref="Tensor.MoveToOuterScope"/>; parameters, module buffers, optimizer state and
/// accumulated gradients are kept by the library itself. Reading a released tensor throws
/// <see cref="ObjectDisposedException"/>: a mistake is loud, never a silently wrong number.
/// </para>
/// <para>
/// Scopes nest and belong to the thread that opened them; dispose them there, innermost first.
/// </para>
/// </remarks>
public sealed class TensorScope : IDisposable
{
    // The innermost scope, and the lists of the last scopes disposed on this thread, cleared,
    // for the next ones, are in the thread's ThreadMemory: a scope per training step (and one
    // per backward pass inside it) would otherwise grow new lists (and their arrays) every step.
    internal const int SpareLists = 4;

    private readonly TensorScope? _outer;
    private readonly string _releasedBy;
    private readonly List<Storage?> _owned;
    private bool _disposed;

    internal TensorScope(string releasedBy)
    {
        ThreadMemory thread = ThreadMemory.Current;
        _outer = thread.Scope;
        _releasedBy = releasedBy;
        _owned = TakeSpareList(thread.SpareLists);
        thread.Scope = this;
    }

    private static List<Storage?> TakeSpareList(List<Storage?>?[] spares)
    {
        for (int i = 0; i < SpareLists; i++)
        {
            if (spares[i] is { } list)
            {
                spares[i] = null;
                return list;
            }
        }
        return [];
    }

    private static void KeepSpareList(List<Storage?>?[] spares, List<Storage?> list)
    {
        for (int i = 0; i < SpareLists; i++)
        {
            if (spares[i] is null)
            {
                spares[i] = list;
                return;
            }
        }
    }

    /// <summary>The innermost scope open on this thread, or null.</summary>
    internal static TensorScope? Current => ThreadMemory.Current.Scope;

    /// <summary>The scope this one is nested in, or null.</summary>
    internal TensorScope? Outer => _outer;

    /// <summary>How many storages this scope will release.</summary>
    public int Count
    {
        get
        {
            int n = 0;
            if (_disposed) return n; // its list may be another scope's now
            foreach (Storage? s in _owned) if (s is not null) n++;
            return n;
        }
    }

    /// <summary>Makes <paramref name="storage"/> this scope's to release.</summary>
    internal void Adopt(Storage storage)
    {
        if (_disposed) return; // a scope that has ended releases nothing more (the GC will)
        storage.Scope = this;
        storage.ScopeSlot = _owned.Count;
        _owned.Add(storage);
    }

    /// <summary>Takes <paramref name="storage"/> out of its scope, if any; it is then the GC's (or whoever adopts it next).</summary>
    internal static void Disown(Storage storage)
    {
        TensorScope? scope = storage.Scope;
        if (scope is null) return;
        scope._owned[storage.ScopeSlot] = null;
        storage.Scope = null;
    }

    /// <summary>Moves <paramref name="storage"/>, if this scope owns it, to the outer scope (or the GC).</summary>
    internal void MoveOut(Storage storage)
    {
        if (storage.Scope != this) return;
        Disown(storage);
        _outer?.Adopt(storage);
    }

    /// <summary>
    /// Makes <paramref name="scope"/> the current one until the returned handle is disposed (for
    /// running user code, such as hooks, outside an internal scope).
    /// </summary>
    internal static CurrentScopeSwitch Switch(TensorScope? scope)
    {
        ThreadMemory thread = ThreadMemory.Current;
        var handle = new CurrentScopeSwitch(thread.Scope);
        thread.Scope = scope;
        return handle;
    }

    /// <summary>Releases every tensor made in this scope and not moved out; restores the outer scope.</summary>
    /// <exception cref="InvalidOperationException">A scope opened inside this one is still open on this thread.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        ThreadMemory thread = ThreadMemory.Current;
        if (!ReferenceEquals(thread.Scope, this))
            throw new InvalidOperationException("TensorScope: scopes must be disposed innermost first, on the thread that opened them");
        _disposed = true;
        thread.Scope = _outer;
        foreach (Storage? storage in _owned)
        {
            if (storage is null) continue;
            storage.Scope = null;
            storage.Release(_releasedBy, thread);
        }
        _owned.Clear();
        if (_owned.Capacity <= 1 << 16) KeepSpareList(thread.SpareLists, _owned);
    }

    /// <summary>Restores the scope that was current before <see cref="Switch"/>.</summary>
    internal readonly struct CurrentScopeSwitch(TensorScope? previous) : IDisposable
    {
        /// <summary>Restores the previous scope.</summary>
        public void Dispose() => ThreadMemory.Current.Scope = previous;
    }
}
