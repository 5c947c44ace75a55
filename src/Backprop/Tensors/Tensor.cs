using Backprop.Kernels;
using Backprop.Memory;
using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// An n-dimensional array of float (the default) or double, with the same reverse-mode
/// semantics as <see cref="Value"/>: every op on tensors that require gradients records how to
/// pass gradients back, and <see cref="Backward"/> runs those rules in reverse topological
/// order.
/// </summary>
/// <remarks>
/// <para>
/// Storage is a managed array in row-major order, from <see cref="BufferPool"/> when it is large,
/// with a version counter that in-place writes bump. A tensor is a view of it through a shape,
/// strides and an offset, so <see cref="Transpose"/>, <see cref="Permute"/>, <see cref="Expand"/>,
/// slicing and most reshapes share storage instead of copying. Ops read views directly where
/// that pays and make a contiguous copy otherwise; results are always contiguous.
/// </para>
/// <para>
/// Tensors are not thread-safe for writes; reading the same tensors from several threads is
/// fine. Mixing float and double in one op is an error, never a silent conversion: use
/// <see cref="To(DType)"/>.
/// </para>
/// </remarks>
public partial class Tensor
{
    private readonly Storage _storage;
    private readonly int[] _shape;
    private readonly int[] _strides;
    private readonly int _offset;
    // Shape and strides never change after construction, so these are computed once: every op
    // asks for them, several times (Span, ToContiguous), and a tiny op's whole cost is such
    // bookkeeping.
    private readonly int _count;
    private readonly bool _contiguous;
    private bool _requiresGrad;

    /// <summary>The rule that made this tensor, or <see langword="null"/> for a leaf or a tensor made without grad.</summary>
    internal GradFn? GradFn;

    /// <summary>Backward scratch: consumers of this tensor still to pass their gradient (zero between passes).</summary>
    internal int PendingConsumers;

    /// <summary>Backward scratch: the gradient gathered so far during the current pass.</summary>
    internal Tensor? PendingGrad;

    // What few tensors have (a gradient, hooks), in an object of its own made on first use: every
    // op's result is a Tensor, and a tiny op's cost is largely its allocations.
    private TensorExtras? _extras;

    private TensorExtras Extras => _extras ??= new TensorExtras();

    private sealed class TensorExtras
    {
        public Tensor? Grad;
        public bool GradIsAccumulator;
        public List<HookSlot>? Hooks;
        public List<Action<Tensor>>? AccumulateHooks;
    }

    /// <summary>
    /// A new leaf over the same storage, shape and strides as <paramref name="data"/> (no copy),
    /// for types that are tensors with a role, such as <see cref="NN.Parameter"/>.
    /// </summary>
    /// <param name="data">The tensor whose elements to share.</param>
    protected Tensor(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _storage = data._storage;
        _shape = data._shape;
        _strides = data._strides;
        _offset = data._offset;
        _count = data._count;
        _contiguous = data._contiguous;
    }

    internal Tensor(Storage storage, int[] shape, int[] strides, int offset)
    {
        _storage = storage;
        _shape = shape;
        _strides = strides;
        _offset = offset;
        _count = ShapeMath.Count(shape);
        _contiguous = ComputeIsContiguous(shape, strides);
    }

    /// <summary>A new row-major tensor of <paramref name="count"/> elements at offset 0 (its strides the contiguous ones for <paramref name="shape"/>): nothing to count or check again.</summary>
    private Tensor(int count, Storage storage, int[] shape, int[] contiguousStrides)
    {
        _storage = storage;
        _shape = shape;
        _strides = contiguousStrides;
        _count = count;
        _contiguous = true;
    }

    /// <summary>A new contiguous tensor over <paramref name="storage"/>, which it takes over (no copy).</summary>
    internal static Tensor Wrap(Array storage, int[] shape)
    {
        DType dtype = storage switch { float[] => DType.Float32, double[] => DType.Float64, bool[] => DType.Bool, _ => DType.Int64 };
        return new(new Storage(storage, dtype, pooled: false), shape, ShapeMath.ContiguousStrides(shape), 0);
    }

    /// <summary>
    /// A new contiguous tensor whose elements are not cleared first, for op results that write
    /// every element (skipping the clear saves a pass over large buffers).
    /// </summary>
    internal static Tensor Uninitialized(DType dtype, int[] shape)
    {
        int count = ShapeMath.Count(shape);
        return new(count, RentStorage(dtype, count), shape, ShapeMath.ContiguousStrides(shape));
    }

    /// <summary><see cref="Uninitialized"/> for a [rows, cols] result, its shape and strides shared (<see cref="MatrixShapes"/>).</summary>
    internal static Tensor UninitializedMatrix(DType dtype, int rows, int cols)
    {
        ThreadMemory thread = ThreadMemory.Current;
        (int[] shape, int[] strides) = thread.Shapes.Of(rows, cols);
        int count = rows * cols;
        return new(count, RentStorage(dtype, count, thread), shape, strides);
    }

    /// <summary><see cref="Uninitialized"/> for a [length] result, its shape and stride shared (<see cref="MatrixShapes"/>).</summary>
    internal static Tensor UninitializedVector(DType dtype, int length)
    {
        ThreadMemory thread = ThreadMemory.Current;
        (int[] shape, int[] strides) = thread.Shapes.OfVector(length);
        return new(length, RentStorage(dtype, length, thread), shape, strides);
    }

    /// <summary>
    /// <see cref="Uninitialized"/> of <paramref name="like"/>'s type and shape, sharing its shape
    /// array and, when they are the contiguous ones, its strides (neither is ever written): a
    /// tiny op's result then allocates no bookkeeping arrays.
    /// </summary>
    internal static Tensor UninitializedLike(Tensor like)
    {
        int[] strides = ShapeMath.AreContiguousStrides(like._shape, like._strides) ? like._strides : ShapeMath.ContiguousStrides(like._shape);
        return new(like._count, RentStorage(like.DType, like._count), like._shape, strides);
    }

    private static Storage RentStorage(DType dtype, int count) => RentStorage(dtype, count, ThreadMemory.Current);

    /// <summary>A storage of <paramref name="count"/> elements from <paramref name="thread"/>'s memory (the calling thread's, read once for both the array and the scope that adopts it).</summary>
    private static Storage RentStorage(DType dtype, int count, ThreadMemory thread)
    {
        bool pooled;
        Array storage = dtype switch
        {
            DType.Float32 => BufferPool.Rent<float>(count, thread, out pooled),
            DType.Float64 => BufferPool.Rent<double>(count, thread, out pooled),
            DType.Bool => BufferPool.Rent<bool>(count, thread, out pooled),
            _ => BufferPool.Rent<long>(count, thread, out pooled),
        };
        return new Storage(storage, dtype, pooled, thread.Scope);
    }

    /// <summary>A new zero-filled contiguous tensor.</summary>
    internal static Tensor Empty(DType dtype, int[] shape)
    {
        Tensor t = Uninitialized(dtype, shape);
        int count = ShapeMath.Count(shape);
        switch (t.StorageArray)
        {
            case float[] f: f.AsSpan(0, count).Clear(); break;
            case double[] d: d.AsSpan(0, count).Clear(); break;
            case bool[] b: b.AsSpan(0, count).Clear(); break;
            default: ((long[])t.StorageArray).AsSpan(0, count).Clear(); break;
        }
        return t;
    }

    /// <summary>The size of each dimension (read-only).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of dimensions; 0 for a scalar.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Count => _count;

    /// <summary>The number of elements, as PyTorch's <c>numel()</c> (the same as <see cref="Count"/>).</summary>
    public int Numel() => _count;

    /// <summary>The element type.</summary>
    public DType DType => _storage.DType;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (inputs, parameters); a tensor
    /// computed from one that requires grad requires grad itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a tensor computed by an op (only leaves can be changed).</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad || GradFn is not null;
        set
        {
            if (GradFn is not null)
                throw new InvalidOperationException($"RequiresGrad can only be changed on leaf tensors; this one was computed by {GradFn.Name}. Use Detach() to make a leaf.");
            if (value && DType == DType.Int64)
                throw new InvalidOperationException("RequiresGrad: Int64 tensors hold indices and cannot require grad");
            if (value && DType == DType.Bool)
                throw new InvalidOperationException("RequiresGrad: Bool tensors hold masks and cannot require grad");
            _requiresGrad = value;
            // A leaf that learns lives across steps: no scope may release it.
            if (value) KeepBeyondScopes();
        }
    }

    /// <summary>Whether this tensor was not computed by a recorded op (an input, a parameter, a constant).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// The gradient accumulated into this leaf by <see cref="Backward"/>, shaped like it;
    /// <see langword="null"/> until then. Settable, so an optimizer can reset or replace it.
    /// </summary>
    public Tensor? Grad
    {
        get => _extras?.Grad;
        set
        {
            if (value is null && _extras is null) return;
            TensorExtras extras = Extras;
            extras.Grad = value;
            extras.GradIsAccumulator = false;
        }
    }

    /// <summary>
    /// Whether <see cref="Grad"/> is the buffer the backward pass keeps for this leaf (contiguous,
    /// owned by no scope, added into in place, released by <see cref="ZeroGrad()"/>), rather than a
    /// tensor the user set.
    /// </summary>
    internal bool GradIsAccumulator => _extras?.GradIsAccumulator ?? false;

    /// <summary>Makes <paramref name="accumulator"/> (contiguous, outside every scope) this leaf's gradient.</summary>
    internal void SetAccumulatedGrad(Tensor accumulator)
    {
        TensorExtras extras = Extras;
        extras.Grad = accumulator;
        extras.GradIsAccumulator = true;
    }

    /// <summary>The name of the op that made this tensor (<c>"MatMul"</c>, <c>"Add"</c>, …), or <see langword="null"/> for a leaf.</summary>
    public string? Op => GradFn?.Name;

    /// <summary>The strides of each dimension, in elements.</summary>
    internal ReadOnlySpan<int> Strides => _strides;

    /// <summary>The index of the first element in the storage.</summary>
    internal int Offset => _offset;

    /// <summary>The shape array itself, for ops (never mutate it).</summary>
    internal int[] ShapeArray => _shape;

    /// <summary>The underlying storage array (possibly longer than the tensor needs).</summary>
    internal Array StorageArray => _storage.Buffer;

    /// <summary>The storage object, shared with every view of it: its version counter and owner.</summary>
    internal Storage SharedStorage => _storage;

    /// <summary>How many in-place writes this tensor's storage has seen.</summary>
    internal int Version => _storage.Version;

    /// <summary>Whether the elements lie in storage in row-major order with no gaps.</summary>
    public bool IsContiguous => _contiguous;

    private static bool ComputeIsContiguous(int[] shape, int[] strides)
    {
        if (Array.IndexOf(shape, 0) >= 0) return true; // no elements: nothing to lay out
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>The storage as a <typeparamref name="T"/> array; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T[] Storage<T>() where T : unmanaged => (T[])_storage.Buffer;

    /// <summary>The elements of a contiguous tensor as a span over its storage.</summary>
    internal Span<T> Span<T>() where T : unmanaged
    {
        if (!_contiguous) throw new InvalidOperationException("internal: Span() of a non-contiguous tensor");
        return new Span<T>((T[])_storage.Buffer, _offset, _count);
    }

    /// <summary>This tensor if it is contiguous, else a contiguous copy (recorded for autograd like any op).</summary>
    public Tensor Contiguous() => IsContiguous ? this : ShapeOps.Copy(this);

    /// <summary>The single element of a one-element tensor, as a double.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public double Item()
    {
        if (Count != 1)
            throw new InvalidOperationException($"Item: the tensor has {Count} elements (shape {ShapeMath.Format(_shape)}); only one-element tensors convert to a number");
        return _storage.Buffer switch
        {
            float[] f => f[_offset],
            double[] d => d[_offset],
            long[] l => l[_offset],
            bool[] b => b[_offset] ? 1 : 0,
            _ => throw new InvalidOperationException("internal: unknown storage type"),
        };
    }

    /// <summary>The elements in row-major order, as a new array of the tensor's own element type.</summary>
    /// <typeparam name="T"><see cref="float"/> for <see cref="DType.Float32"/>, <see cref="double"/> for <see cref="DType.Float64"/>, <see cref="long"/> for <see cref="DType.Int64"/>, <see cref="bool"/> for <see cref="DType.Bool"/>.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="DType"/>.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (_storage.Buffer is not T[])
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}>: the tensor holds {DType}; use ToArray<{DTypes.ClrName(DType)}>() or To(DType) first");
        return StridedCopy.ToContiguous(this).Span<T>().ToArray();
    }

    /// <summary>
    /// Writes the elements in row-major order into <paramref name="destination"/>, which the
    /// caller keeps and reuses: reading activations every frame (a playground's heatmaps)
    /// without a new array each time.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> for <see cref="DType.Float32"/>, <see cref="double"/> for <see cref="DType.Float64"/>, <see cref="long"/> for <see cref="DType.Int64"/>, <see cref="bool"/> for <see cref="DType.Bool"/>.</typeparam>
    /// <param name="destination">At least <see cref="Count"/> elements; the rest is left as it is.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="DType"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        if (_storage.Buffer is not T[] source)
            throw new InvalidOperationException($"CopyTo<{typeof(T).Name}>: the tensor holds {DType}; use a span of {DTypes.ClrName(DType)}, or To(DType) first");
        int count = Count;
        if (destination.Length < count)
            throw new ArgumentException($"CopyTo: the destination has {destination.Length} elements; the tensor {ShapeMath.Format(_shape)} has {count}", nameof(destination));
        if (IsContiguous) source.AsSpan(_offset, count).CopyTo(destination);
        else StridedCopy.Copy(source, _offset, _shape, _strides, destination[..count]);
    }

    /// <summary>The elements in row-major order, converted to double (true is 1, false 0).</summary>
    public double[] ToDoubleArray() => DType switch
    {
        DType.Float64 => ToArray<double>(),
        DType.Float32 => Array.ConvertAll(ToArray<float>(), v => (double)v),
        DType.Bool => Array.ConvertAll(ToArray<bool>(), v => v ? 1.0 : 0.0),
        _ => Array.ConvertAll(ToArray<long>(), v => (double)v),
    };

    /// <summary>The elements in row-major order, converted to float (true is 1, false 0).</summary>
    public float[] ToFloatArray() => DType switch
    {
        DType.Float32 => ToArray<float>(),
        DType.Float64 => Array.ConvertAll(ToArray<double>(), v => (float)v),
        DType.Bool => Array.ConvertAll(ToArray<bool>(), v => v ? 1f : 0f),
        _ => Array.ConvertAll(ToArray<long>(), v => (float)v),
    };

    /// <summary>
    /// A tensor with the same data that is a leaf and does not require grad: gradients will not
    /// flow through it. Shares storage with this one.
    /// </summary>
    public Tensor Detach()
    {
        var result = new Tensor(_storage, _shape, _strides, _offset);
        // A trace sees through a detach: the values still come from this tensor.
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Detach", [this]) : result;
    }

    /// <summary>A view with another shape and strides over the same storage (no autograd).</summary>
    internal Tensor View(int[] shape, int[] strides, int offset) => new(_storage, shape, strides, offset);

    /// <summary>
    /// Records that this tensor's elements were written in place (every in-place write calls
    /// it, so that backward rules that saved the old values can tell).
    /// </summary>
    internal void BumpVersion() => _storage.Version++;

    /// <summary>
    /// Opens a scope that releases every tensor made inside it (on this thread) when disposed,
    /// giving their memory back to the pool: <c>using (Tensor.Scope()) { ... }</c> around a
    /// training step or an inference batch. See <see cref="TensorScope"/>.
    /// </summary>
    public static TensorScope Scope() => new("the Tensor.Scope() it was made in ended");

    /// <summary>
    /// A copy of this tensor in storage of its own (contiguous), recorded for autograd: the
    /// gradient passes straight through, as PyTorch's <c>clone()</c>.
    /// </summary>
    public Tensor Clone() => ShapeOps.Copy(this);

    /// <summary>
    /// Moves this tensor's memory out of the <see cref="TensorScope"/> it was made in, to the
    /// scope around that one (or, outside every scope, to the GC), so that it stays readable
    /// after the inner scope ends. Views move with their base. Returns this tensor.
    /// </summary>
    public Tensor MoveToOuterScope()
    {
        _storage.Scope?.MoveOut(_storage);
        return this;
    }

    /// <summary>Takes this tensor's memory out of every scope: the library keeps it (parameters, optimizer state, gradients).</summary>
    internal Tensor KeepBeyondScopes()
    {
        TensorScope.Disown(_storage);
        return this;
    }

    /// <summary>Hooks registered with <see cref="RegisterHook"/>, in order; empty when none.</summary>
    internal IReadOnlyList<HookSlot> Hooks => (IReadOnlyList<HookSlot>?)_extras?.Hooks ?? [];

    /// <summary>Whether any gradient hook is registered (read by the backward pass for every tensor, so without an interface call).</summary>
    internal bool HasGradHooks => _extras?.Hooks is { Count: > 0 };

    /// <summary>
    /// Registers <paramref name="hook"/> to run each time the gradient of this tensor is
    /// computed during a backward pass. It receives the gradient and may return a replacement
    /// (or <see langword="null"/> to keep it). Dispose the returned handle to remove it.
    /// </summary>
    /// <param name="hook">The function to call with the gradient.</param>
    /// <exception cref="InvalidOperationException">The tensor does not require grad.</exception>
    public IDisposable RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad)
            throw new InvalidOperationException("RegisterHook: the tensor does not require grad, so no gradient will reach it");
        var slot = new HookSlot(hook);
        (Extras.Hooks ??= []).Add(slot);
        return new HookHandle(this, slot);
    }

    /// <summary>A registered hook.</summary>
    /// <param name="Hook">The function.</param>
    internal sealed record HookSlot(Func<Tensor, Tensor?> Hook);

    private sealed class HookHandle(Tensor owner, HookSlot slot) : IDisposable
    {
        public void Dispose() => owner._extras?.Hooks?.Remove(slot);
    }
}
