using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The scalars of one SGD step, in double as the optimizer holds them; the kernel rounds each
/// to the element type once, where the composed tensor formula did.
/// </summary>
/// <param name="LearningRate">lr.</param>
/// <param name="Momentum">μ; 0 for none (then the momentum buffer is not touched and may be empty).</param>
/// <param name="Dampening">Dampening of the momentum.</param>
/// <param name="WeightDecay">λ; 0 for none.</param>
/// <param name="Nesterov">Nesterov momentum.</param>
/// <param name="FirstStep">The buffer is new: it is set to the gradient rather than updated.</param>
internal readonly record struct SgdScalars(double LearningRate, double Momentum, double Dampening, double WeightDecay, bool Nesterov, bool FirstStep);

/// <summary>
/// One SGD step over a parameter in a single pass (parameter, gradient and momentum buffer
/// read once, parameter and buffer written in place; no temporaries, no allocation). For each
/// element, in this order and in the element type (each double scalar rounded to it first):
/// <code>
/// d = g + p·λ                                         (λ ≠ 0)
/// b = d  on the first step,  else  b = b·μ;  b = d·(1 - dampening) + b   (μ ≠ 0)
/// d = d + b·μ  (Nesterov)  or  d = b                   (μ ≠ 0)
/// p = d·(-lr) + p
/// </code>
/// the order of the composed tensor formula it replaces, so the results are identical bit for
/// bit, and identical between the Vector128/256/512 paths and the scalar tail.
/// </summary>
/// <remarks>
/// NaN or infinity in a gradient propagates, as IEEE arithmetic does, into that element's
/// buffer and parameter only. Empty spans do nothing. The gradient, and the buffer when μ ≠ 0,
/// must be as long as the parameter (else <see cref="ArgumentException"/>); none may overlap.
/// </remarks>
internal static class SgdKernel
{
    /// <summary>Applies the step to every element of <paramref name="parameter"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    // Compiled fully optimized on first use (a step is one long loop, and while tiering waits
    // to promote it, tier-0 and on-stack-replacement code ran it 2-3x slower for thousands of
    // calls), and never inlined: inlined into the optimizer's step, the operator's scalars no
    // longer stayed in registers and the loop ran 2x slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Step<T>(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> buffer, in SgdScalars scalars)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradient.Length != parameter.Length || (scalars.Momentum != 0 && buffer.Length != parameter.Length))
            throw new ArgumentException($"Sgd: parameter, gradient and momentum buffer differ in length ({parameter.Length}, {gradient.Length}, {buffer.Length})");
        var op = new SgdOperator<T>(scalars);
        ref T p = ref MemoryMarshal.GetReference(parameter);
        ref T g = ref MemoryMarshal.GetReference(gradient);
        // Without momentum the buffer is never read or written; point at the parameter so that
        // the loops below need no second shape.
        ref T b = ref scalars.Momentum != 0 ? ref MemoryMarshal.GetReference(buffer) : ref p;
        nuint n = (nuint)parameter.Length;

        // One by one up to the parameter's first aligned vector (the buffer is allocated at the
        // parameter's offset within a vector, so that it is aligned there too), and after the last.
        nuint i = VectorAlignment.Head(ref p, n);
        Scalar(op, ref p, ref g, ref b, 0, i);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
            {
                Vector512<T> pi = Vector512.LoadUnsafe(ref p, i), bi = op.HasBuffer ? Vector512.LoadUnsafe(ref b, i) : default;
                op.Invoke(ref pi, Vector512.LoadUnsafe(ref g, i), ref bi);
                if (op.HasBuffer) bi.StoreUnsafe(ref b, i);
                pi.StoreUnsafe(ref p, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
            {
                Vector256<T> pi = Vector256.LoadUnsafe(ref p, i), bi = op.HasBuffer ? Vector256.LoadUnsafe(ref b, i) : default;
                op.Invoke(ref pi, Vector256.LoadUnsafe(ref g, i), ref bi);
                if (op.HasBuffer) bi.StoreUnsafe(ref b, i);
                pi.StoreUnsafe(ref p, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
            {
                Vector128<T> pi = Vector128.LoadUnsafe(ref p, i), bi = op.HasBuffer ? Vector128.LoadUnsafe(ref b, i) : default;
                op.Invoke(ref pi, Vector128.LoadUnsafe(ref g, i), ref bi);
                if (op.HasBuffer) bi.StoreUnsafe(ref b, i);
                pi.StoreUnsafe(ref p, i);
            }
        }
        Scalar(op, ref p, ref g, ref b, i, n);
    }

    /// <summary>Elements [from, to) one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar<T>(SgdOperator<T> op, ref T p, ref T g, ref T b, nuint from, nuint to)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (nuint i = from; i < to; i++)
        {
            T pi = Unsafe.Add(ref p, i), bi = op.HasBuffer ? Unsafe.Add(ref b, i) : default;
            op.Invoke(ref pi, Unsafe.Add(ref g, i), ref bi);
            if (op.HasBuffer) Unsafe.Add(ref b, i) = bi;
            Unsafe.Add(ref p, i) = pi;
        }
    }
}

/// <summary>The per-element SGD update, as a scalar and at each vector width (the same operations in the same order).</summary>
internal readonly struct SgdOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _negativeRate, _momentum, _oneMinusDampening, _weightDecay;
    private readonly bool _useDecay, _nesterov, _first;

    public SgdOperator(in SgdScalars s)
    {
        _negativeRate = T.CreateTruncating(-s.LearningRate);
        _momentum = T.CreateTruncating(s.Momentum);
        _oneMinusDampening = T.CreateTruncating(1 - s.Dampening);
        _weightDecay = T.CreateTruncating(s.WeightDecay);
        _useDecay = s.WeightDecay != 0;
        HasBuffer = s.Momentum != 0;
        _nesterov = s.Nesterov;
        _first = s.FirstStep;
    }

    /// <summary>Whether a momentum buffer is read and written.</summary>
    public bool HasBuffer { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref T p, T d, ref T b)
    {
        if (_useDecay) d += p * _weightDecay;
        if (HasBuffer)
        {
            b = _first ? d : d * _oneMinusDampening + b * _momentum;
            d = _nesterov ? d + b * _momentum : b;
        }
        p = d * _negativeRate + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector128<T> p, Vector128<T> d, ref Vector128<T> b)
    {
        if (_useDecay) d += p * _weightDecay;
        if (HasBuffer)
        {
            b = _first ? d : d * _oneMinusDampening + b * _momentum;
            d = _nesterov ? d + b * _momentum : b;
        }
        p = d * _negativeRate + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector256<T> p, Vector256<T> d, ref Vector256<T> b)
    {
        if (_useDecay) d += p * _weightDecay;
        if (HasBuffer)
        {
            b = _first ? d : d * _oneMinusDampening + b * _momentum;
            d = _nesterov ? d + b * _momentum : b;
        }
        p = d * _negativeRate + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector512<T> p, Vector512<T> d, ref Vector512<T> b)
    {
        if (_useDecay) d += p * _weightDecay;
        if (HasBuffer)
        {
            b = _first ? d : d * _oneMinusDampening + b * _momentum;
            d = _nesterov ? d + b * _momentum : b;
        }
        p = d * _negativeRate + p;
    }
}
