namespace Backprop.Tests.Support;

/// <summary>Central finite differences in double precision, the independent check on every backward rule.</summary>
public static class FiniteDifference
{
    /// <summary>
    /// d f / d x_i at <paramref name="x"/> for every i, by (f(x + h e_i) - f(x - h e_i)) / 2h.
    /// </summary>
    /// <param name="f">The function, evaluated on plain doubles.</param>
    /// <param name="x">The point.</param>
    /// <param name="h">The step.</param>
    public static double[] Gradient(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        var grad = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double[] plus = (double[])x.Clone();
            double[] minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            grad[i] = (f(plus) - f(minus)) / (2 * h);
        }
        return grad;
    }

    /// <summary>
    /// Asserts that <paramref name="analytic"/> matches <paramref name="numeric"/> within
    /// <c>atol + rtol·|numeric|</c> (PyTorch's gradcheck rule), naming the first element off.
    /// </summary>
    public static void AssertClose(double[] analytic, double[] numeric, double atol = 1e-5, double rtol = 1e-4, string what = "")
    {
        Assert.Equal(numeric.Length, analytic.Length);
        for (int i = 0; i < numeric.Length; i++)
        {
            double tolerance = atol + rtol * Math.Abs(numeric[i]);
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= tolerance,
                $"{what} d/dx[{i}]: backward gave {analytic[i]:R}, finite differences {numeric[i]:R} (tolerance {tolerance:R})");
        }
    }
}
