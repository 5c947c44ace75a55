using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The scalars of one RMSprop step, in double as the optimizer holds them; the kernel rounds
/// each to the element type once, where the composed tensor formula did.
/// </summary>
/// <param name="LearningRate">lr.</param>
/// <param name="Alpha">α, the decay of the averages.</param>
/// <param name="Eps">ε, added to the denominator.</param>
/// <param name="WeightDecay">λ; 0 for none.</param>
/// <param name="Momentum">μ; momentum is used when μ &gt; 0 (else the momentum buffer is not touched and may be empty).</param>
/// <param name="Centered">Keep the gradient's average and divide by the variance's root (else the average span may be empty).</param>
internal readonly record struct RmsPropScalars(double LearningRate, double Alpha, double Eps, double WeightDecay, double Momentum, bool Centered);

/// <summary>
/// One RMSprop step over a parameter in a single pass (parameter, gradient and state read once,
/// parameter and state written in place; no temporaries, no allocation). For each element, in
/// this order and in the element type (each double scalar rounded to it first):
/// <code>
/// g = g + p·λ                                  (λ ≠ 0)
/// s = s·α;  s = (g·g)·(1 - α) + s
/// a = a·α;  a = g·(1 - α) + a;  q = g / (√(s - a·a) + ε)      (centered)
///                               q = g / (√s + ε)              (otherwise)
/// b = b·μ;  b = b + q;  p = b·(-lr) + p        (μ &gt; 0)
/// p = q·(-lr) + p                              (otherwise)
/// </code>
/// the order of the composed tensor formula it replaces, so the results are identical bit for
/// bit, and identical between the Vector128/256/512 paths and the scalar tail.
/// </summary>
/// <remarks>
/// NaN or infinity in a gradient propagates, as IEEE arithmetic does, into that element's
/// state and parameter only; a centered variance that rounds below zero gives NaN, as the
/// composed formula did. Empty spans do nothing. The gradient, the square average, and the
/// average and momentum buffer when used, must be as long as the parameter (else
/// <see cref="ArgumentException"/>); none may overlap.
/// </remarks>
internal static class RmsPropKernel
{
    /// <summary>Applies the step to every element of <paramref name="parameter"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    // Compiled fully optimized on first use (a step is one long loop, and while tiering waits
    // to promote it, tier-0 and on-stack-replacement code ran it 2-3x slower for thousands of
    // calls), and never inlined: inlined into the optimizer's step, the operator's scalars no
    // longer stayed in registers and the loop ran 2x slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Step<T>(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> square, Span<T> average, Span<T> momentum, in RmsPropScalars scalars)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n0 = parameter.Length;
        if (gradient.Length != n0 || square.Length != n0 || (scalars.Centered && average.Length != n0) || (scalars.Momentum > 0 && momentum.Length != n0))
            throw new ArgumentException($"RmsProp: parameter, gradient and state differ in length ({n0}, {gradient.Length}, {square.Length}, {average.Length}, {momentum.Length})");
        var op = new RmsPropOperator<T>(scalars);
        ref T p = ref MemoryMarshal.GetReference(parameter);
        ref T g = ref MemoryMarshal.GetReference(gradient);
        ref T s = ref MemoryMarshal.GetReference(square);
        // Unused state is never read or written; point at the square average so that the loops
        // below need no other shape.
        ref T a = ref scalars.Centered ? ref MemoryMarshal.GetReference(average) : ref s;
        ref T b = ref scalars.Momentum > 0 ? ref MemoryMarshal.GetReference(momentum) : ref s;
        nuint n = (nuint)n0;

        // One by one up to the parameter's first aligned vector (the state is allocated at the
        // parameter's offset within a vector, so that it is aligned there too), and after the last.
        nuint i = VectorAlignment.Head(ref p, n);
        Scalar(op, ref p, ref g, ref s, ref a, ref b, 0, i);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
            {
                Vector512<T> pi = Vector512.LoadUnsafe(ref p, i), si = Vector512.LoadUnsafe(ref s, i);
                Vector512<T> ai = op.Centered ? Vector512.LoadUnsafe(ref a, i) : default, bi = op.HasMomentum ? Vector512.LoadUnsafe(ref b, i) : default;
                op.Invoke(ref pi, Vector512.LoadUnsafe(ref g, i), ref si, ref ai, ref bi);
                si.StoreUnsafe(ref s, i);
                if (op.Centered) ai.StoreUnsafe(ref a, i);
                if (op.HasMomentum) bi.StoreUnsafe(ref b, i);
                pi.StoreUnsafe(ref p, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
            {
                Vector256<T> pi = Vector256.LoadUnsafe(ref p, i), si = Vector256.LoadUnsafe(ref s, i);
                Vector256<T> ai = op.Centered ? Vector256.LoadUnsafe(ref a, i) : default, bi = op.HasMomentum ? Vector256.LoadUnsafe(ref b, i) : default;
                op.Invoke(ref pi, Vector256.LoadUnsafe(ref g, i), ref si, ref ai, ref bi);
                si.StoreUnsafe(ref s, i);
                if (op.Centered) ai.StoreUnsafe(ref a, i);
                if (op.HasMomentum) bi.StoreUnsafe(ref b, i);
                pi.StoreUnsafe(ref p, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
            {
                Vector128<T> pi = Vector128.LoadUnsafe(ref p, i), si = Vector128.LoadUnsafe(ref s, i);
                Vector128<T> ai = op.Centered ? Vector128.LoadUnsafe(ref a, i) : default, bi = op.HasMomentum ? Vector128.LoadUnsafe(ref b, i) : default;
                op.Invoke(ref pi, Vector128.LoadUnsafe(ref g, i), ref si, ref ai, ref bi);
                si.StoreUnsafe(ref s, i);
                if (op.Centered) ai.StoreUnsafe(ref a, i);
                if (op.HasMomentum) bi.StoreUnsafe(ref b, i);
                pi.StoreUnsafe(ref p, i);
            }
        }
        Scalar(op, ref p, ref g, ref s, ref a, ref b, i, n);
    }

    /// <summary>Elements [from, to) one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar<T>(RmsPropOperator<T> op, ref T p, ref T g, ref T s, ref T a, ref T b, nuint from, nuint to)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (nuint i = from; i < to; i++)
        {
            T pi = Unsafe.Add(ref p, i), si = Unsafe.Add(ref s, i);
            T ai = op.Centered ? Unsafe.Add(ref a, i) : default, bi = op.HasMomentum ? Unsafe.Add(ref b, i) : default;
            op.Invoke(ref pi, Unsafe.Add(ref g, i), ref si, ref ai, ref bi);
            Unsafe.Add(ref s, i) = si;
            if (op.Centered) Unsafe.Add(ref a, i) = ai;
            if (op.HasMomentum) Unsafe.Add(ref b, i) = bi;
            Unsafe.Add(ref p, i) = pi;
        }
    }
}

/// <summary>The per-element RMSprop update, as a scalar and at each vector width (the same operations in the same order).</summary>
internal readonly struct RmsPropOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _negativeRate, _alpha, _oneMinusAlpha, _eps, _weightDecay, _momentum;
    private readonly bool _useDecay;

    public RmsPropOperator(in RmsPropScalars s)
    {
        _negativeRate = T.CreateTruncating(-s.LearningRate);
        _alpha = T.CreateTruncating(s.Alpha);
        _oneMinusAlpha = T.CreateTruncating(1 - s.Alpha);
        _eps = T.CreateTruncating(s.Eps);
        _weightDecay = T.CreateTruncating(s.WeightDecay);
        _momentum = T.CreateTruncating(s.Momentum);
        _useDecay = s.WeightDecay != 0;
        Centered = s.Centered;
        HasMomentum = s.Momentum > 0;
    }

    /// <summary>Whether the gradient's average is kept.</summary>
    public bool Centered { get; }

    /// <summary>Whether a momentum buffer is read and written.</summary>
    public bool HasMomentum { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref T p, T g, ref T s, ref T a, ref T b)
    {
        if (_useDecay) g += p * _weightDecay;
        s = g * g * _oneMinusAlpha + s * _alpha;
        T denominator;
        if (Centered)
        {
            a = g * _oneMinusAlpha + a * _alpha;
            denominator = T.Sqrt(s - a * a) + _eps;
        }
        else denominator = T.Sqrt(s) + _eps;
        if (HasMomentum)
        {
            b = b * _momentum + g / denominator;
            p = b * _negativeRate + p;
        }
        else p = g / denominator * _negativeRate + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector128<T> p, Vector128<T> g, ref Vector128<T> s, ref Vector128<T> a, ref Vector128<T> b)
    {
        if (_useDecay) g += p * _weightDecay;
        s = g * g * _oneMinusAlpha + s * _alpha;
        Vector128<T> denominator;
        if (Centered)
        {
            a = g * _oneMinusAlpha + a * _alpha;
            denominator = Vector128.Sqrt(s - a * a) + Vector128.Create(_eps);
        }
        else denominator = Vector128.Sqrt(s) + Vector128.Create(_eps);
        if (HasMomentum)
        {
            b = b * _momentum + g / denominator;
            p = b * _negativeRate + p;
        }
        else p = g / denominator * _negativeRate + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector256<T> p, Vector256<T> g, ref Vector256<T> s, ref Vector256<T> a, ref Vector256<T> b)
    {
        if (_useDecay) g += p * _weightDecay;
        s = g * g * _oneMinusAlpha + s * _alpha;
        Vector256<T> denominator;
        if (Centered)
        {
            a = g * _oneMinusAlpha + a * _alpha;
            denominator = Vector256.Sqrt(s - a * a) + Vector256.Create(_eps);
        }
        else denominator = Vector256.Sqrt(s) + Vector256.Create(_eps);
        if (HasMomentum)
        {
            b = b * _momentum + g / denominator;
            p = b * _negativeRate + p;
        }
        else p = g / denominator * _negativeRate + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector512<T> p, Vector512<T> g, ref Vector512<T> s, ref Vector512<T> a, ref Vector512<T> b)
    {
        if (_useDecay) g += p * _weightDecay;
        s = g * g * _oneMinusAlpha + s * _alpha;
        Vector512<T> denominator;
        if (Centered)
        {
            a = g * _oneMinusAlpha + a * _alpha;
            denominator = Vector512.Sqrt(s - a * a) + Vector512.Create(_eps);
        }
        else denominator = Vector512.Sqrt(s) + Vector512.Create(_eps);
        if (HasMomentum)
        {
            b = b * _momentum + g / denominator;
            p = b * _negativeRate + p;
        }
        else p = g / denominator * _negativeRate + p;
    }
}
