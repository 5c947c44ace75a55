namespace Backprop.Kernels;

/// <summary>The instruction sets the matmul micro-kernels are written for.</summary>
internal enum MatMulIsa
{
    /// <summary>The widest one this machine runs fast.</summary>
    Auto,

    /// <summary>Scalar fused multiply-adds: runs everywhere.</summary>
    Scalar,

    /// <summary>128-bit vectors with fused multiply-add (Arm64 AdvSimd, x64 FMA3).</summary>
    Vector128,

    /// <summary>256-bit vectors with fused multiply-add (x64 AVX2 + FMA3).</summary>
    Vector256,

    /// <summary>512-bit vectors (x64 AVX-512F).</summary>
    Vector512,
}
