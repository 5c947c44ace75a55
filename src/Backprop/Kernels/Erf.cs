namespace Backprop.Kernels;

/// <summary>
/// The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt in double precision (.NET has none), for
/// GELU in its exact (erf) form.
/// </summary>
internal static class Erf
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.5641895835477563;

    /// <summary>
    /// erf(x), to about 1e-15 relative. Below |x| = 3 it sums the series
    /// erf(x) = 2/√π · e^(-x²) · Σ (2x²)ⁿ x / (2n+1)!!, whose terms are all positive (no
    /// cancellation); above, 1 - erfc(x) with erfc from its continued fraction. NaN gives NaN.
    /// </summary>
    public static double Of(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double result;
        if (a < 3)
        {
            double twoX2 = 2 * a * a;
            double term = a, sum = a;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
            {
                term *= twoX2 / (2 * n + 1);
                sum += term;
            }
            result = TwoOverSqrtPi * Math.Exp(-a * a) * sum;
        }
        else
        {
            // erfc(a) = e^(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated from the tail.
            double f = a;
            for (int n = 60; n >= 1; n--) f = a + n / 2.0 / f;
            result = 1 - OneOverSqrtPi * Math.Exp(-a * a) / f;
        }
        return x < 0 ? -result : result;
    }
}
