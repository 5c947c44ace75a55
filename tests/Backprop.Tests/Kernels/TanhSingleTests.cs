using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The single-precision tanh kernel against double-precision tanh, in units in the last place.</summary>
public class TanhSingleTests
{
    /// <summary>Distance in floats between <paramref name="a"/> and <paramref name="b"/> (0 for the same float; -0 and +0 are one apart).</summary>
    private static long Ulps(float a, float b)
    {
        static long Ordered(float f)
        {
            int bits = BitConverter.SingleToInt32Bits(f);
            return bits < 0 ? -(long)(bits & int.MaxValue) - 1 : bits;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }

    private static float Reference(float x) => (float)Math.Tanh(x);

    [Fact]
    public void Every16thFloatUpToTenIsWithinTheDocumentedUlps()
    {
        // Every 16th bit pattern from 0 to 10 (the clamp; above it tanh rounds to 1): 6.8e7
        // points, through the vector path (and its scalar tail) in chunks. The worst measured
        // when writing the kernel: 2 ulps, at x = 0.85946274 (every 8th pattern).
        const int chunk = 1 << 16;
        var x = new float[chunk];
        var y = new float[chunk];
        int last = BitConverter.SingleToInt32Bits(10f);
        long worst = 0;
        float worstAt = 0;
        for (int start = 0; start <= last; start += chunk * 16)
        {
            int n = 0;
            for (int bits = start; bits <= last && n < chunk; bits += 16) x[n++] = BitConverter.Int32BitsToSingle(bits);
            TanhSingle.Apply(x.AsSpan(0, n), y.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                long ulps = Ulps(y[i], Reference(x[i]));
                if (ulps > worst) (worst, worstAt) = (ulps, x[i]);
            }
        }
        Assert.True(worst <= TanhSingle.MaxUlpError, $"{worst} ulps at x = {worstAt:R}");
    }

    [Fact]
    public void NegativeArgumentsMirrorPositiveOnes()
    {
        var random = new System.Random(5);
        var x = new float[10_007];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-8, 2)));
        float[] negated = Array.ConvertAll(x, v => -v);
        var y = new float[x.Length];
        var z = new float[x.Length];
        TanhSingle.Apply(x, y);
        TanhSingle.Apply(negated, z);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(-y[i]), BitConverter.SingleToInt32Bits(z[i]));
            Assert.True(Ulps(y[i], Reference(x[i])) <= TanhSingle.MaxUlpError, $"x = {x[i]:R}: {y[i]:R} against {Reference(x[i]):R}");
        }
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, -1f)]
    [InlineData(10f, 1f)]
    [InlineData(-9.5f, -1f)]
    [InlineData(1e30f, 1f)]
    [InlineData(float.MaxValue, 1f)]
    [InlineData(-float.MaxValue, -1f)]
    [InlineData(float.Epsilon, float.Epsilon)]
    [InlineData(-float.Epsilon, -float.Epsilon)]
    [InlineData(1e-40f, 1e-40f)]
    [InlineData(1.17549435e-38f, 1.17549435e-38f)]
    [InlineData(1e-20f, 1e-20f)]
    public void EdgePointsAreExact(float x, float expected)
    {
        // In the vector lanes (a full vector of x) and in the scalar tail (one element).
        var lanes = Enumerable.Repeat(x, System.Numerics.Vector<float>.Count + 1).ToArray();
        var y = new float[lanes.Length];
        TanhSingle.Apply(lanes, y);
        foreach (float v in y) Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(v));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(TanhSingle.Of(x)));
    }

    [Fact]
    public void NegativeZeroStaysNegative()
    {
        var y = new float[System.Numerics.Vector<float>.Count + 1];
        TanhSingle.Apply(Enumerable.Repeat(-0f, y.Length).ToArray(), y);
        foreach (float v in y) Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(v));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(TanhSingle.Of(-0f)));
    }

    [Fact]
    public void NaNGivesNaNWithoutDisturbingItsNeighbours()
    {
        float[] x = [0.3f, float.NaN, 2f, -float.NaN, -0.7f, 0.1f, 5f, float.NaN, 1f];
        var y = new float[x.Length];
        TanhSingle.Apply(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i])) Assert.True(float.IsNaN(y[i]));
            else Assert.True(Ulps(y[i], Reference(x[i])) <= TanhSingle.MaxUlpError);
        }
    }

    [Fact]
    public void VectorLanesAndScalarTailGiveTheSameBits()
    {
        // An element's result does not depend on where it falls in the span.
        var random = new System.Random(11);
        var x = new float[1_003];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((random.NextDouble() * 2 - 1) * 12);
        var y = new float[x.Length];
        TanhSingle.Apply(x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(TanhSingle.Of(x[i])), BitConverter.SingleToInt32Bits(y[i]));
        for (int offset = 1; offset < 9; offset++)
        {
            var shifted = new float[x.Length - offset];
            TanhSingle.Apply(x.AsSpan(offset), shifted);
            Assert.Equal(y.AsSpan(offset).ToArray(), shifted);
        }
    }

    [Fact]
    public void TensorTanhUsesItForFloatsAndDoublesStayDouble()
    {
        Tensor x = Tensor.FromArray(new float[] { -3f, -0.5f, 0f, 0.25f, 0.54f, 0.56f, 4f }, 7);
        float[] y = x.Tanh().ToArray<float>();
        for (int i = 0; i < y.Length; i++) Assert.Equal(TanhSingle.Of(x.ToArray<float>()[i]), y[i]);
        double[] d = Tensor.FromArray(new double[] { -3, 0.56, 4 }, 3).Tanh().ToArray<double>();
        Assert.Equal(new[] { Math.Tanh(-3), Math.Tanh(0.56), Math.Tanh(4) }, d, (a, b) => Math.Abs(a - b) <= 1e-15);
    }
}
