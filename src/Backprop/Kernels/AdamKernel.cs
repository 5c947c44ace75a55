using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The scalars of one Adam step, in double as the optimizer computes them. The kernel rounds
/// each to the element type once, exactly where the composed tensor formula did (a double
/// operand of a float tensor op is rounded to float), so that the fused step keeps its bits.
/// </summary>
/// <param name="Beta1">β₁, the decay of the first moment.</param>
/// <param name="Beta2">β₂, the decay of the second moment.</param>
/// <param name="Eps">ε, added to the denominator.</param>
/// <param name="WeightDecay">λ; 0 for none.</param>
/// <param name="Decoupled">Decay the parameter by 1 - lr·λ (AdamW) rather than add λp to the gradient (Adam's L2).</param>
/// <param name="LearningRate">lr.</param>
/// <param name="Step">t, the number of this step (from 1), for the bias corrections.</param>
internal readonly record struct AdamScalars(double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled, double LearningRate, int Step)
{
    /// <summary>1 - β₁ᵗ.</summary>
    public double BiasCorrection1 => 1 - Math.Pow(Beta1, Step);

    /// <summary>1 - β₂ᵗ.</summary>
    public double BiasCorrection2 => 1 - Math.Pow(Beta2, Step);
}

/// <summary>
/// One Adam (or AdamW) step over a parameter, in a single pass that reads the parameter, its
/// gradient and both moments and writes the parameter and the moments in place: no
/// temporaries, no allocation. For each element, in this order and in the element type
/// (each double scalar rounded to it first):
/// <code>
/// p = p·(1 - lr·λ)                      (AdamW, λ ≠ 0)
/// g = g + p·λ                           (Adam, λ ≠ 0)
/// m = m·β₁;  m = g·(1 - β₁) + m
/// v = v·β₂;  v = (g·g)·(1 - β₂) + v
/// p = (m / (√v · (1 / √(1 - β₂ᵗ)) + ε))·(-lr / (1 - β₁ᵗ)) + p
/// </code>
/// (the factor 1 / √(1 - β₂ᵗ) is computed in double and rounded once, and is exactly 1 once
/// √(1 - β₂ᵗ) rounds to 1, where the composed formula's division is exact; without decoupled
/// decay the parameter is multiplied by exactly 1, which changes no bit).
/// </summary>
/// <remarks>
/// <para>
/// <b>Rounding.</b> The composed tensor formula this kernel replaced divided √v by √(1 - β₂ᵗ);
/// the kernel multiplies by the reciprocal instead (seventh session), which takes one of the
/// three divider operations (√, ÷, ÷) off every element (7–8% of a step in a harness, where
/// the third of the loop's divider time it saves was hoped for; docs/performance.md). That one
/// change of order moves the denominator √v·(1 / √(1 - β₂ᵗ)) + ε by a few units in its last
/// place from the composed formula's, and so the update m / (… + ε)·(-lr / (1 - β₁ᵗ)) by at
/// most twelve relative units (2⁻²⁴ in float, 2⁻⁵³ in double); the parameter then differs from
/// the composed formula's by at most one unit in its last place plus that much of the update
/// (<c>FusedOptimizerTests</c> asserts the bound, which one unit instead of twelve fails, and checks the kernel
/// against a double-precision reference). The moments are computed exactly as before. Every
/// operation is still IEEE-exact per element, so the Vector128/256/512 paths and the scalar
/// tail agree bit for bit, and so do any number of threads.
/// </para>
/// <para>
/// <b>Speed.</b> Each vector width runs in a loop of its own over pinned pointers, with the
/// step's constants broadcast once into vector registers (<see cref="AdamVectors256{T}"/>):
/// broadcast from scalars in every iteration, or kept in a struct the loop shared with the
/// spans' bookkeeping (where the JIT spilled the loop counter and constants to the stack), the
/// same arithmetic ran 25–35% slower on Zen 3 (docs/performance.md, "Optimizer steps").
/// </para>
/// <para>
/// NaN or infinity in a gradient propagates, as IEEE arithmetic does, into the moments and the
/// parameter of that element only. Empty spans do nothing. The parameter, the gradient and
/// both moments must have the same length (else <see cref="ArgumentException"/>) and must not
/// overlap.
/// </para>
/// </remarks>
internal static unsafe class AdamKernel
{
    /// <summary>Applies the step to every element of <paramref name="parameter"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    // Compiled fully optimized on first use (a step is one long loop, and while tiering waits
    // to promote it, tier-0 and on-stack-replacement code ran it 2-3x slower for thousands of
    // calls), and never inlined: inlined into the optimizer's step, the operator's scalars no
    // longer stayed in registers and the loop ran 2x slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Step<T>(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v, in AdamScalars scalars)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradient.Length != parameter.Length || m.Length != parameter.Length || v.Length != parameter.Length)
            throw new ArgumentException($"Adam: parameter, gradient and moments differ in length ({parameter.Length}, {gradient.Length}, {m.Length}, {v.Length})");
        var op = new AdamOperator<T>(scalars);
        fixed (T* p = parameter)
        fixed (T* g = gradient)
        fixed (T* mp = m)
        fixed (T* vp = v)
        {
            nuint n = (nuint)parameter.Length;
            // One by one up to the parameter's first aligned vector (the optimizers allocate the
            // moments at the parameter's offset within a vector, so that they are aligned there too).
            nuint i = VectorAlignment.Head(ref *p, n);
            Scalar(op, p, g, mp, vp, 0, i);
            if (Vector512.IsHardwareAccelerated) i = Loop512(new AdamVectors512<T>(op), p, g, mp, vp, i, n);
            if (Vector256.IsHardwareAccelerated) i = Loop256(new AdamVectors256<T>(op), p, g, mp, vp, i, n);
            if (Vector128.IsHardwareAccelerated) i = Loop128(new AdamVectors128<T>(op), p, g, mp, vp, i, n);
            Scalar(op, p, g, mp, vp, i, n);
        }
    }

    /// <summary>Elements [from, to) one by one.</summary>
    private static void Scalar<T>(AdamOperator<T> op, T* p, T* g, T* m, T* v, nuint from, nuint to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (nuint i = from; i < to; i++) op.Invoke(ref p[i], g[i], ref m[i], ref v[i]);
    }

    // The loops: each its own method, the operator passed by value, so that its constants and
    // the counter stay in registers. They return where they stopped (the first element left).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static nuint Loop512<T>(AdamVectors512<T> op, T* p, T* g, T* m, T* v, nuint i, nuint n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
        {
            Vector512<T> pi = Vector512.Load(p + i), mi = Vector512.Load(m + i), vi = Vector512.Load(v + i);
            op.Invoke(ref pi, Vector512.Load(g + i), ref mi, ref vi);
            pi.Store(p + i);
            mi.Store(m + i);
            vi.Store(v + i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static nuint Loop256<T>(AdamVectors256<T> op, T* p, T* g, T* m, T* v, nuint i, nuint n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
        {
            Vector256<T> pi = Vector256.Load(p + i), mi = Vector256.Load(m + i), vi = Vector256.Load(v + i);
            op.Invoke(ref pi, Vector256.Load(g + i), ref mi, ref vi);
            pi.Store(p + i);
            mi.Store(m + i);
            vi.Store(v + i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static nuint Loop128<T>(AdamVectors128<T> op, T* p, T* g, T* m, T* v, nuint i, nuint n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
        {
            Vector128<T> pi = Vector128.Load(p + i), mi = Vector128.Load(m + i), vi = Vector128.Load(v + i);
            op.Invoke(ref pi, Vector128.Load(g + i), ref mi, ref vi);
            pi.Store(p + i);
            mi.Store(m + i);
            vi.Store(v + i);
        }
        return i;
    }
}

/// <summary>The per-element Adam update on scalars, and the step's constants in the element type for the vector operators.</summary>
internal readonly struct AdamOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly T Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, InverseSqrtBiasCorrection2, Eps, StepSize, L2, Decay;
    public readonly bool UseL2;

    public AdamOperator(in AdamScalars s)
    {
        Beta1 = T.CreateTruncating(s.Beta1);
        OneMinusBeta1 = T.CreateTruncating(1 - s.Beta1);
        Beta2 = T.CreateTruncating(s.Beta2);
        OneMinusBeta2 = T.CreateTruncating(1 - s.Beta2);
        // A multiplication by 1 / √(1 - β₂ᵗ) instead of a division by √(1 - β₂ᵗ): one divider
        // operation fewer per element (see the kernel's remarks for what that does to the bits).
        // Once β₂ᵗ is below half a float ulp of 1 (t > 16,600 for β₂ = 0.999) √(1 - β₂ᵗ) rounds
        // to exactly 1, the composed formula's division by it is exact, and the factor is exactly
        // 1: from there on the results are those of the composed formula bit for bit.
        InverseSqrtBiasCorrection2 = T.CreateTruncating(Math.Sqrt(s.BiasCorrection2)) == T.One ? T.One : T.CreateTruncating(1 / Math.Sqrt(s.BiasCorrection2));
        Eps = T.CreateTruncating(s.Eps);
        StepSize = T.CreateTruncating(-s.LearningRate / s.BiasCorrection1);
        UseL2 = s.WeightDecay != 0 && !s.Decoupled;
        L2 = T.CreateTruncating(s.WeightDecay);
        // Exactly 1 unless the decay is decoupled (AdamW): p·1 is p, bit for bit, NaN and ±0 included.
        Decay = s.Decoupled ? T.CreateTruncating(1 - s.LearningRate * s.WeightDecay) : T.One;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref T p, T g, ref T m, ref T v)
    {
        p *= Decay;
        if (UseL2) g += p * L2;
        m = g * OneMinusBeta1 + m * Beta1;
        v = g * g * OneMinusBeta2 + v * Beta2;
        p = m / (T.Sqrt(v) * InverseSqrtBiasCorrection2 + Eps) * StepSize + p;
    }
}

/// <summary><see cref="AdamOperator{T}"/> on Vector128: the same operations in the same order, the constants broadcast once.</summary>
internal readonly struct AdamVectors128<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector128<T> _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _inverseSqrtBiasCorrection2, _eps, _stepSize, _l2, _decay;
    private readonly bool _useL2;

    public AdamVectors128(in AdamOperator<T> s)
    {
        (_beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2) = (Vector128.Create(s.Beta1), Vector128.Create(s.OneMinusBeta1), Vector128.Create(s.Beta2), Vector128.Create(s.OneMinusBeta2));
        (_inverseSqrtBiasCorrection2, _eps, _stepSize) = (Vector128.Create(s.InverseSqrtBiasCorrection2), Vector128.Create(s.Eps), Vector128.Create(s.StepSize));
        (_l2, _decay, _useL2) = (Vector128.Create(s.L2), Vector128.Create(s.Decay), s.UseL2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector128<T> p, Vector128<T> g, ref Vector128<T> m, ref Vector128<T> v)
    {
        p *= _decay;
        if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        p = m / (Vector128.Sqrt(v) * _inverseSqrtBiasCorrection2 + _eps) * _stepSize + p;
    }
}

/// <summary><see cref="AdamOperator{T}"/> on Vector256: the same operations in the same order, the constants broadcast once.</summary>
internal readonly struct AdamVectors256<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector256<T> _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _inverseSqrtBiasCorrection2, _eps, _stepSize, _l2, _decay;
    private readonly bool _useL2;

    public AdamVectors256(in AdamOperator<T> s)
    {
        (_beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2) = (Vector256.Create(s.Beta1), Vector256.Create(s.OneMinusBeta1), Vector256.Create(s.Beta2), Vector256.Create(s.OneMinusBeta2));
        (_inverseSqrtBiasCorrection2, _eps, _stepSize) = (Vector256.Create(s.InverseSqrtBiasCorrection2), Vector256.Create(s.Eps), Vector256.Create(s.StepSize));
        (_l2, _decay, _useL2) = (Vector256.Create(s.L2), Vector256.Create(s.Decay), s.UseL2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector256<T> p, Vector256<T> g, ref Vector256<T> m, ref Vector256<T> v)
    {
        p *= _decay;
        if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        p = m / (Vector256.Sqrt(v) * _inverseSqrtBiasCorrection2 + _eps) * _stepSize + p;
    }
}

/// <summary><see cref="AdamOperator{T}"/> on Vector512: the same operations in the same order, the constants broadcast once.</summary>
internal readonly struct AdamVectors512<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _inverseSqrtBiasCorrection2, _eps, _stepSize, _l2, _decay;
    private readonly bool _useL2;

    public AdamVectors512(in AdamOperator<T> s)
    {
        (_beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2) = (Vector512.Create(s.Beta1), Vector512.Create(s.OneMinusBeta1), Vector512.Create(s.Beta2), Vector512.Create(s.OneMinusBeta2));
        (_inverseSqrtBiasCorrection2, _eps, _stepSize) = (Vector512.Create(s.InverseSqrtBiasCorrection2), Vector512.Create(s.Eps), Vector512.Create(s.StepSize));
        (_l2, _decay, _useL2) = (Vector512.Create(s.L2), Vector512.Create(s.Decay), s.UseL2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector512<T> p, Vector512<T> g, ref Vector512<T> m, ref Vector512<T> v)
    {
        p *= _decay;
        if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        p = m / (Vector512.Sqrt(v) * _inverseSqrtBiasCorrection2 + _eps) * _stepSize + p;
    }
}
