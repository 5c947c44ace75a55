using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// The hardware floor of an Adam step over the 784-256-128-10 MLP's 235,146 floats, without the
/// library: the divider alone (one <c>vsqrtps</c> and one <c>vdivps</c> per 8 floats), the memory
/// alone (the step's seven streams: p, g, m, v read; p, m, v written), and Adam's arithmetic in a
/// minimal loop, on 1 or 2 threads (the second spins for its half, so no wake-up is timed).
/// Arrays 64-byte aligned and 1 KB apart modulo 4 KB (docs/performance.md, "Optimizer steps").
/// </summary>
public unsafe class OptimizerFloorBenchmarks
{
    private const int N = 235_146;
    private const int CachedLength = 8192; // floats of the in-cache buffers: 3 × 32 KB, in L1/L2
    private float* _p, _g, _m, _v, _cachedP, _cachedM, _cachedV;
    private Thread? _helper;
    private volatile int _work; // 0 idle, 1 a half to do, 2 stop
    private Action<int, int>? _half;

    /// <summary>Threads: 1, or 2 with a spinning helper.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Aligned, staggered buffers with Adam-like values; the helper thread for 2.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(1);
        float* Buffer(int length, int offset, float scale, bool positive)
        {
            float* b = (float*)((byte*)NativeMemory.AlignedAlloc((nuint)(length * 4 + 4096), 4096) + offset);
            for (int i = 0; i < length; i++)
            {
                float x = (float)(random.NextDouble() * 2 - 1) * scale;
                b[i] = positive ? x * x + 1e-12f : x;
            }
            return b;
        }
        _p = Buffer(N, 0, 0.05f, false);
        _g = Buffer(N, 1024, 0.01f, false);
        _m = Buffer(N, 2048, 0.01f, false);
        _v = Buffer(N, 3072, 0.01f, true);
        _cachedP = Buffer(CachedLength, 0, 1, false);
        _cachedM = Buffer(CachedLength, 1024, 1, false);
        _cachedV = Buffer(CachedLength, 2048, 1, true);
        if (Threads == 2)
        {
            _helper = new Thread(Spin) { IsBackground = true };
            _helper.Start();
        }
    }

    /// <summary>Stops the helper.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _work = 2;
        _helper?.Join();
    }

    /// <summary>One <c>vsqrtps</c> and one <c>vdivps</c> per 8 floats, 235,146 floats through an in-cache buffer: the divider alone.</summary>
    [Benchmark]
    public void SqrtAndDivideInCache() => Run((start, count) => SqrtDivide(_cachedP, _cachedM, _cachedV, CachedLength, start, count));

    /// <summary>The same over the step's arrays (m and v read, p written).</summary>
    [Benchmark]
    public void SqrtAndDivide() => Run((start, count) => SqrtDivide(_p + start, _m + start, _v + start, int.MaxValue, 0, count));

    /// <summary>The step's seven streams with multiply-adds only: the memory alone.</summary>
    [Benchmark]
    public void StreamSevenArrays() => Run((start, count) => Stream(_p + start, _g + start, _m + start, _v + start, count));

    /// <summary>Adam's arithmetic (one <c>vsqrtps</c>, one <c>vdivps</c>) in a minimal loop, constants in registers.</summary>
    [Benchmark(Baseline = true)]
    public void MinimalAdam() => Run((start, count) => Adam(_p + start, _g + start, _m + start, _v + start, count));

    private void Run(Action<int, int> half)
    {
        if (Threads == 1)
        {
            half(0, N);
            return;
        }
        int middle = N / 2 / 64 * 64;
        _half = half;
        _work = 1;
        half(middle, N - middle);
        while (_work == 1) Thread.SpinWait(1);
    }

    private void Spin()
    {
        while (true)
        {
            int work = _work;
            if (work == 2) return;
            if (work == 1)
            {
                _half!(0, N / 2 / 64 * 64);
                _work = 0;
            }
            else Thread.SpinWait(1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void SqrtDivide(float* p, float* m, float* v, int length, int start, int count)
    {
        var eps = Vector256.Create(1e-8f);
        nint j = length == int.MaxValue ? 0 : start % length / 8 * 8;
        for (int i = 0; i + 8 <= count; i += 8)
        {
            (Vector256.Load(m + j) / (Vector256.Sqrt(Vector256.Load(v + j)) + eps)).Store(p + j);
            j += 8;
            if (j + 8 > length) j = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Stream(float* p, float* g, float* m, float* v, int count)
    {
        var k = Vector256.Create(1e-3f);
        var half = Vector256.Create(0.5f);
        for (nint i = 0; i + 8 <= count; i += 8)
        {
            Vector256<float> gi = Vector256.Load(g + i) * k;
            (Vector256.Load(p + i) * half + gi).Store(p + i);
            (Vector256.Load(m + i) * half + gi).Store(m + i);
            (Vector256.Load(v + i) * half + gi * gi).Store(v + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Adam(float* p, float* g, float* m, float* v, int count)
    {
        Vector256<float> beta1 = Vector256.Create(0.9f), oneMinusBeta1 = Vector256.Create(0.1f);
        Vector256<float> beta2 = Vector256.Create(0.999f), oneMinusBeta2 = Vector256.Create(0.001f);
        Vector256<float> correction = Vector256.Create(3.24f), eps = Vector256.Create(1e-8f), step = Vector256.Create(-1e-3f);
        for (nint i = 0; i + 8 <= count; i += 8)
        {
            Vector256<float> gi = Vector256.Load(g + i);
            Vector256<float> mi = gi * oneMinusBeta1 + Vector256.Load(m + i) * beta1;
            Vector256<float> vi = gi * gi * oneMinusBeta2 + Vector256.Load(v + i) * beta2;
            Vector256<float> pi = mi / (Vector256.Sqrt(vi) * correction + eps) * step + Vector256.Load(p + i);
            mi.Store(m + i);
            vi.Store(v + i);
            pi.Store(p + i);
        }
    }
}
