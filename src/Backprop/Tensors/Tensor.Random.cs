using Backprop.Random;

namespace Backprop;

// The default generator: torch.manual_seed(42) is Tensor.ManualSeed(42). (Backprop.Random is the
// namespace of the generators, so it cannot also be a class with a ManualSeed method.)

public partial class Tensor
{
    /// <summary>The seed <see cref="DefaultGenerator"/> starts from, so a program that never seeds is reproducible too.</summary>
    public const uint DefaultSeed = 0;

    /// <summary>
    /// The generator that layers (<c>new Linear(2, 16)</c>), dropout and <see cref="Rand(int[])"/>
    /// draw from when no generator is passed, as PyTorch's default generator: one for the
    /// process, seeded with <see cref="DefaultSeed"/> until <see cref="ManualSeed"/> reseeds it.
    /// </summary>
    /// <remarks>
    /// It is not thread-safe: code that builds models on several threads at once (a server
    /// running many trainings) passes each its own <see cref="NumpyRandom"/>, as every
    /// constructor that draws numbers accepts one. Drawing with the default generator after
    /// <c>ManualSeed(s)</c> gives exactly the numbers a <c>new NumpyRandom(s)</c> passed
    /// explicitly would.
    /// </remarks>
    public static NumpyRandom DefaultGenerator { get; } = new(DefaultSeed);

    /// <summary>
    /// Reseeds <see cref="DefaultGenerator"/>, as <c>torch.manual_seed(seed)</c>: the layers,
    /// dropout masks and random tensors made afterwards without a generator are the same on
    /// every run.
    /// </summary>
    /// <param name="seed">The seed, in [0, 2³²) as numpy's.</param>
    /// <returns>The default generator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative or not below 2³².</exception>
    public static NumpyRandom ManualSeed(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, $"ManualSeed: the seed must be in [0, 2^32), got {seed}");
        DefaultGenerator.Seed((uint)seed);
        return DefaultGenerator;
    }

    /// <summary>Uniform numbers in [0, 1) from <see cref="DefaultGenerator"/>, as <c>torch.rand</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Rand(params int[] shape) => Rand(DefaultGenerator, shape, DType.Float32);

    /// <summary>Standard normal numbers from <see cref="DefaultGenerator"/>, as <c>torch.randn</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Randn(params int[] shape) => Randn(DefaultGenerator, shape, DType.Float32);

    /// <summary>Uniform numbers in [0, 1) from <see cref="DefaultGenerator"/>, of the given type.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Rand(int[] shape, DType dtype) => Rand(DefaultGenerator, shape, dtype);

    /// <summary>Standard normal numbers from <see cref="DefaultGenerator"/>, of the given type (<c>torch.randn(2, 3, dtype=torch.float64)</c>).</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Randn(int[] shape, DType dtype) => Randn(DefaultGenerator, shape, dtype);
}
