using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>Where an optimizer's state lies relative to its parameter (<see cref="StaggeredState"/>): zeros, shaped like it, k KB past it modulo 4 KB.</summary>
public unsafe class StaggeredStateTests
{
    [Theory]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float32, 2)]
    [InlineData(DType.Float32, 3)]
    [InlineData(DType.Float64, 2)]
    public void A_long_state_is_zeros_shaped_like_its_parameter_and_k_kilobytes_past_it_modulo_4_KB(DType dtype, int stream)
    {
        Tensor parameter = Tensor.Ones([300, 257], dtype);
        Tensor state = StaggeredState.Zeros(parameter, stream);
        Assert.Equal(parameter.Shape, state.Shape);
        Assert.Equal(dtype, state.DType);
        Assert.True(state.IsContiguous);
        Assert.All(state.ToDoubleArray(), x => Assert.Equal(0, x));
        long distance = ((Address(state) - Address(parameter)) % 4096 + 4096) % 4096;
        Assert.Equal(1024 * stream, distance);
    }

    [Fact]
    public void A_short_state_comes_from_the_pool_as_before()
    {
        Tensor parameter = Tensor.Ones(100);
        Tensor state = StaggeredState.Zeros(parameter, 1);
        Assert.Equal(new[] { 100 }, state.Shape);
        Assert.All(state.ToFloatArray(), x => Assert.Equal(0f, x));
    }

    private static long Address(Tensor t) => t.DType == DType.Float32
        ? (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.Span<float>()))
        : (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.Span<double>()));
}
