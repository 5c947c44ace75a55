namespace Backprop.Tests.Support;

/// <summary>Checks <see cref="Value.Backward"/> against central finite differences of the same expression.</summary>
public static class ValueGradCheck
{
    /// <summary>The gradients <see cref="Value.Backward"/> gives for <paramref name="f"/> at <paramref name="x"/>.</summary>
    public static double[] Analytic(Func<Value[], Value> f, double[] x)
    {
        Value[] leaves = Array.ConvertAll(x, v => new Value(v));
        f(leaves).Backward();
        return Array.ConvertAll(leaves, l => l.Grad);
    }

    /// <summary>Asserts that backward and finite differences agree for <paramref name="f"/> at <paramref name="x"/>.</summary>
    public static void Check(Func<Value[], Value> f, double[] x, string what = "", double atol = 1e-5, double rtol = 1e-4)
    {
        double[] numeric = FiniteDifference.Gradient(p => f(Array.ConvertAll(p, v => new Value(v))).Data, x);
        FiniteDifference.AssertClose(Analytic(f, x), numeric, atol, rtol, what);
    }
}
