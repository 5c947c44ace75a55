using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Optim;

/// <summary>
/// An optimizer's state tensors (Adam's moments, RMSprop's averages, SGD's momentum), placed in
/// memory relative to their parameter so that a fused step streams them at full speed: each
/// starts at the parameter's offset within a 64-byte line (so that the kernel, which aligns its
/// vector loop to the parameter, loads and stores the state aligned too) and a different
/// kilobyte past it modulo 4 KB (so that no state's stores share the low address bits of the
/// loads that follow them, which the CPU would take for a dependency: 4K aliasing).
/// </summary>
/// <remarks>
/// On Zen 3, the Adam step over 200,704 floats whose p, g, m and v sat as the buffer pool left
/// them (56 bytes apart modulo 4 KB, three of the four misaligned) took a fifth longer than with
/// m and v aligned and a kilobyte apart (docs/performance.md, "Optimizer steps"). Long states
/// are allocated on the pinned heap, where the GC never moves them; where the parameter itself
/// moves (a short array in the small object heap) only the speed suffers, never the results.
/// </remarks>
internal static unsafe class StaggeredState
{
    /// <summary>States shorter than this many bytes come from the buffer pool as before (they are in the cache anyway).</summary>
    public const int MinBytes = 64 * 1024;

    private const int Page = 4096;
    private const int Stagger = 1024;

    /// <summary>
    /// Zeros of <paramref name="like"/>'s type and shape that live beyond scopes, starting
    /// <paramref name="stream"/> KB after <paramref name="like"/>'s first element modulo 4 KB
    /// (1, 2 or 3: one for each state of the parameter).
    /// </summary>
    /// <param name="like">The parameter (contiguous).</param>
    /// <param name="stream">Which of the parameter's states this is, from 1.</param>
    public static Tensor Zeros(Tensor like, int stream)
    {
        int size = like.DType == DType.Float32 ? sizeof(float) : sizeof(double);
        if (!like.IsContiguous || like.DType is not (DType.Float32 or DType.Float64) || (long)like.Count * size < MinBytes)
            return Tensor.ZerosLike(like).KeepBeyondScopes();
        int pad = Page / size;
        Array buffer = like.DType == DType.Float32
            ? GC.AllocateArray<float>(like.Count + pad, pinned: true)
            : GC.AllocateArray<double>(like.Count + pad, pinned: true);
        nint have = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        nint want = Address(like) + stream * Stagger;
        // Both addresses are multiples of the element size (arrays are 8-byte aligned).
        int offset = (int)(((want - have) % Page + Page) % Page / size);
        var storage = new Storage(buffer, like.DType, pooled: false);
        return new Tensor(storage, (int[])like.ShapeArray.Clone(), ShapeMath.ContiguousStrides(like.ShapeArray), offset).KeepBeyondScopes();
    }

    /// <summary>Where <paramref name="t"/>'s first element is now (read without pinning: only the speed depends on it).</summary>
    private static nint Address(Tensor t) => t.DType == DType.Float32
        ? (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.Span<float>()))
        : (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.Span<double>()));
}
