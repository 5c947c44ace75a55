using System.Runtime.Intrinsics;

namespace Backprop.Random;

/// <summary>
/// numpy's legacy <c>RandomState</c> (<c>np.random.seed</c>, <c>rand</c>, <c>randn</c>),
/// bit for bit: the MT19937 generator seeded with <c>init_genrand</c>, numpy's 53-bit doubles
/// and its cached polar-method Gaussians. Seeded with the same number, it draws exactly the
/// numbers numpy draws, so results computed in numpy can be reproduced to the last bit.
/// </summary>
/// <remarks>
/// Not thread-safe: give each thread its own generator. Not for cryptography.
/// </remarks>
public sealed class NumpyRandom
{
    private const int StateSize = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908B0DF;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7FFFFFFF;

    private readonly uint[] _key = new uint[StateSize];
    private int _pos;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Creates a generator in the state <c>np.random.seed(seed)</c> leaves.</summary>
    /// <param name="seed">Any 32-bit seed, as numpy accepts (0 to 2^32 - 1).</param>
    public NumpyRandom(uint seed) => Seed(seed);

    /// <summary>
    /// Resets the generator as <c>np.random.seed(seed)</c> does, discarding any cached
    /// Gaussian.
    /// </summary>
    /// <param name="seed">Any 32-bit seed.</param>
    public void Seed(uint seed)
    {
        // numpy's mt19937_seed: Knuth's init_genrand, not init_by_array.
        _key[0] = seed;
        for (uint i = 1; i < StateSize; i++)
        {
            uint previous = _key[i - 1];
            _key[i] = 1812433253u * (previous ^ (previous >> 30)) + i;
        }
        _pos = StateSize;
        _hasGauss = false;
        _gauss = 0.0;
    }

    /// <summary>The next 32 random bits (<c>mt19937_next</c>).</summary>
    public uint NextUInt32()
    {
        if (_pos == StateSize) Twist();
        uint y = _key[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// A uniform double in [0, 1) with 53 random bits, as <c>np.random.rand()</c> returns;
    /// consumes two 32-bit outputs.
    /// </summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the next uniform doubles, exactly the numbers
    /// as many <see cref="NextDouble"/> calls would return, several times faster: the 32-bit
    /// outputs are tempered a block at a time with SIMD, then paired.
    /// </summary>
    /// <param name="destination">Where the draws go; empty draws nothing.</param>
    public void NextDoubles(Span<double> destination)
    {
        Span<uint> bits = stackalloc uint[512];
        while (!destination.IsEmpty)
        {
            int count = Math.Min(destination.Length, bits.Length / 2);
            NextUInt32s(bits[..(2 * count)]);
            for (int i = 0; i < count; i++)
                destination[i] = ((bits[2 * i] >> 5) * 67108864.0 + (bits[2 * i + 1] >> 6)) / 9007199254740992.0;
            destination = destination[count..];
        }
    }

    /// <summary>Fills <paramref name="destination"/> with the next 32-bit outputs, as many <see cref="NextUInt32"/> calls would.</summary>
    /// <param name="destination">Where the outputs go.</param>
    public void NextUInt32s(Span<uint> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_pos == StateSize) Twist();
            int take = Math.Min(StateSize - _pos, destination.Length);
            Temper(_key.AsSpan(_pos, take), destination[..take]);
            _pos += take;
            destination = destination[take..];
        }
    }

    /// <summary>MT19937's tempering of each state word (the same four steps as <see cref="NextUInt32"/>).</summary>
    private static void Temper(ReadOnlySpan<uint> state, Span<uint> output)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var b = Vector256.Create(0x9D2C5680u);
            var c = Vector256.Create(0xEFC60000u);
            for (; i <= state.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                Vector256<uint> y = Vector256.Create(state.Slice(i, Vector256<uint>.Count));
                y ^= y >>> 11;
                y ^= (y << 7) & b;
                y ^= (y << 15) & c;
                y ^= y >>> 18;
                y.CopyTo(output.Slice(i, Vector256<uint>.Count));
            }
        }
        for (; i < state.Length; i++)
        {
            uint y = state[i];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9D2C5680;
            y ^= (y << 15) & 0xEFC60000;
            y ^= y >> 18;
            output[i] = y;
        }
    }

    /// <summary>
    /// A standard normal draw, as <c>np.random.randn()</c> returns (numpy's <c>legacy_gauss</c>:
    /// the Marsaglia polar method). Each accepted pair yields two draws; the second is cached
    /// and returned by the next call.
    /// </summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            double cached = _gauss;
            _gauss = 0.0;
            return cached;
        }

        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);

        // Math.Log is the C library's log on Linux (glibc), the same function numpy calls;
        // a correctly rounded log would differ in the last bit for a few draws.
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary><paramref name="n"/> standard normal draws, as <c>np.random.randn(n)</c>.</summary>
    /// <param name="n">How many; zero gives an empty array.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public double[] Randn(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var draws = new double[n];
        for (int i = 0; i < n; i++) draws[i] = NextGaussian();
        return draws;
    }

    /// <summary><paramref name="n"/> uniform draws in [0, 1), as <c>np.random.rand(n)</c>.</summary>
    /// <param name="n">How many; zero gives an empty array.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public double[] Rand(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var draws = new double[n];
        NextDoubles(draws);
        return draws;
    }

    /// <summary>
    /// A uniform draw in [<paramref name="low"/>, <paramref name="high"/>), as
    /// <c>np.random.uniform(low, high)</c> computes it: <c>low + (high - low) * rand()</c>.
    /// </summary>
    /// <param name="low">Lower bound (inclusive).</param>
    /// <param name="high">Upper bound (exclusive).</param>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>
    /// A normal draw with mean <paramref name="loc"/> and standard deviation
    /// <paramref name="scale"/>, as <c>np.random.normal(loc, scale)</c>: <c>loc + scale * randn()</c>.
    /// </summary>
    /// <param name="loc">Mean.</param>
    /// <param name="scale">Standard deviation.</param>
    public double Normal(double loc, double scale) => loc + scale * NextGaussian();

    /// <summary>
    /// An integer in [0, <paramref name="max"/>], uniformly, as numpy's legacy
    /// <c>random_interval</c> draws it: the smallest all-ones bit mask covering
    /// <paramref name="max"/>, with rejection of masked values above it.
    /// </summary>
    /// <param name="max">The largest value that may be returned.</param>
    public uint NextInterval(uint max)
    {
        if (max == 0) return 0;
        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>
    /// Shuffles <paramref name="items"/> in place as numpy's legacy <c>shuffle</c> does a 1-D
    /// array: Fisher–Yates from the last element down, swapping with <see cref="NextInterval"/>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">The elements to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextInterval((uint)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private void Twist()
    {
        // The reference implementation's three loops (no modulo per element): positions whose
        // partner i + 397 lies ahead, those where it wraps, and the last, which pairs with 0.
        Span<uint> key = _key;
        int i = 0;
        for (; i < StateSize - Shift; i++)
        {
            uint y = (key[i] & UpperMask) | (key[i + 1] & LowerMask);
            key[i] = key[i + Shift] ^ (y >> 1) ^ ((0u - (y & 1)) & MatrixA);
        }
        for (; i < StateSize - 1; i++)
        {
            uint y = (key[i] & UpperMask) | (key[i + 1] & LowerMask);
            key[i] = key[i + Shift - StateSize] ^ (y >> 1) ^ ((0u - (y & 1)) & MatrixA);
        }
        uint last = (key[StateSize - 1] & UpperMask) | (key[0] & LowerMask);
        key[StateSize - 1] = key[Shift - 1] ^ (last >> 1) ^ ((0u - (last & 1)) & MatrixA);
        _pos = 0;
    }
}
