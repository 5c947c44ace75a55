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
/// (the factor 1 / √(1 - β₂ᵗ) is computed in double and rounded once; the multiplication is
/// skipped once √(1 - β₂ᵗ) rounds to 1, where the composed formula's division is exact).
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
/// NaN or infinity in a gradient propagates, as IEEE arithmetic does, into the moments and the
/// parameter of that element only. Empty spans do nothing. The parameter, the gradient and
/// both moments must have the same length (else <see cref="ArgumentException"/>) and must not
/// overlap.
/// </para>
/// </remarks>
internal static class AdamKernel
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
        ref T p = ref MemoryMarshal.GetReference(parameter);
        ref T g = ref MemoryMarshal.GetReference(gradient);
        ref T mr = ref MemoryMarshal.GetReference(m);
        ref T vr = ref MemoryMarshal.GetReference(v);
        nuint n = (nuint)parameter.Length, i = 0;

        // One by one up to the parameter's first aligned vector (the optimizers allocate the
        // moments at the parameter's offset within a vector, so that they are aligned there too).
        for (nuint head = VectorAlignment.Head(ref p, n); i < head; i++)
            op.Invoke(ref Unsafe.Add(ref p, i), Unsafe.Add(ref g, i), ref Unsafe.Add(ref mr, i), ref Unsafe.Add(ref vr, i));
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
            {
                Vector512<T> pi = Vector512.LoadUnsafe(ref p, i), mi = Vector512.LoadUnsafe(ref mr, i), vi = Vector512.LoadUnsafe(ref vr, i);
                op.Invoke(ref pi, Vector512.LoadUnsafe(ref g, i), ref mi, ref vi);
                pi.StoreUnsafe(ref p, i);
                mi.StoreUnsafe(ref mr, i);
                vi.StoreUnsafe(ref vr, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
            {
                Vector256<T> pi = Vector256.LoadUnsafe(ref p, i), mi = Vector256.LoadUnsafe(ref mr, i), vi = Vector256.LoadUnsafe(ref vr, i);
                op.Invoke(ref pi, Vector256.LoadUnsafe(ref g, i), ref mi, ref vi);
                pi.StoreUnsafe(ref p, i);
                mi.StoreUnsafe(ref mr, i);
                vi.StoreUnsafe(ref vr, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
            {
                Vector128<T> pi = Vector128.LoadUnsafe(ref p, i), mi = Vector128.LoadUnsafe(ref mr, i), vi = Vector128.LoadUnsafe(ref vr, i);
                op.Invoke(ref pi, Vector128.LoadUnsafe(ref g, i), ref mi, ref vi);
                pi.StoreUnsafe(ref p, i);
                mi.StoreUnsafe(ref mr, i);
                vi.StoreUnsafe(ref vr, i);
            }
        }
        for (; i < n; i++) op.Invoke(ref Unsafe.Add(ref p, i), Unsafe.Add(ref g, i), ref Unsafe.Add(ref mr, i), ref Unsafe.Add(ref vr, i));
    }
}

/// <summary>The per-element Adam update, as a scalar and at each vector width (the same operations in the same order).</summary>
internal readonly struct AdamOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _inverseSqrtBiasCorrection2, _eps, _stepSize, _l2, _decay;
    private readonly bool _useL2, _useDecay, _unitCorrection2;

    public AdamOperator(in AdamScalars s)
    {
        _beta1 = T.CreateTruncating(s.Beta1);
        _oneMinusBeta1 = T.CreateTruncating(1 - s.Beta1);
        _beta2 = T.CreateTruncating(s.Beta2);
        _oneMinusBeta2 = T.CreateTruncating(1 - s.Beta2);
        // A multiplication by 1 / √(1 - β₂ᵗ) instead of a division by √(1 - β₂ᵗ): one divider
        // operation fewer per element (see the kernel's remarks for what that does to the bits).
        _inverseSqrtBiasCorrection2 = T.CreateTruncating(1 / Math.Sqrt(s.BiasCorrection2));
        // Once β₂ᵗ is below half a float ulp of 1 (t > 16,600 for β₂ = 0.999) √(1 - β₂ᵗ) rounds
        // to exactly 1, the composed formula's division by it is exact, and the kernel skips the
        // multiplication: from there on the results are those of the composed formula bit for bit.
        _unitCorrection2 = T.CreateTruncating(Math.Sqrt(s.BiasCorrection2)) == T.One;
        _eps = T.CreateTruncating(s.Eps);
        _stepSize = T.CreateTruncating(-s.LearningRate / s.BiasCorrection1);
        _useL2 = s.WeightDecay != 0 && !s.Decoupled;
        _useDecay = s.WeightDecay != 0 && s.Decoupled;
        _l2 = T.CreateTruncating(s.WeightDecay);
        _decay = T.CreateTruncating(1 - s.LearningRate * s.WeightDecay);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref T p, T g, ref T m, ref T v)
    {
        if (_useDecay) p *= _decay;
        else if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        T root = T.Sqrt(v);
        if (!_unitCorrection2) root *= _inverseSqrtBiasCorrection2;
        p = m / (root + _eps) * _stepSize + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector128<T> p, Vector128<T> g, ref Vector128<T> m, ref Vector128<T> v)
    {
        if (_useDecay) p *= _decay;
        else if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        Vector128<T> root = Vector128.Sqrt(v);
        if (!_unitCorrection2) root *= _inverseSqrtBiasCorrection2;
        p = m / (root + Vector128.Create(_eps)) * _stepSize + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector256<T> p, Vector256<T> g, ref Vector256<T> m, ref Vector256<T> v)
    {
        if (_useDecay) p *= _decay;
        else if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        Vector256<T> root = Vector256.Sqrt(v);
        if (!_unitCorrection2) root *= _inverseSqrtBiasCorrection2;
        p = m / (root + Vector256.Create(_eps)) * _stepSize + p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref Vector512<T> p, Vector512<T> g, ref Vector512<T> m, ref Vector512<T> v)
    {
        if (_useDecay) p *= _decay;
        else if (_useL2) g += p * _l2;
        m = g * _oneMinusBeta1 + m * _beta1;
        v = g * g * _oneMinusBeta2 + v * _beta2;
        Vector512<T> root = Vector512.Sqrt(v);
        if (!_unitCorrection2) root *= _inverseSqrtBiasCorrection2;
        p = m / (root + Vector512.Create(_eps)) * _stepSize + p;
    }
}
