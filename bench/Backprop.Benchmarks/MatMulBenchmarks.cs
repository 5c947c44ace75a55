using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>
/// The packed matmul kernel (<see cref="MatMulKernel"/>) on float32: a square 1024³ product on
/// one and on two threads, and an MNIST-sized layer (a batch of 128 rows of 784 inputs times a
/// 784 × 256 weight matrix), each with a GFLOP/s column (2·m·n·k over the mean time).
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Backprop.Benchmarks -- --filter '*MatMul*' --job short</c>
/// </remarks>
[Config(typeof(GflopsConfig))]
public class MatMulBenchmarks
{
    private const int Square = 1024;
    private const int Batch = 128, Inputs = 784, Outputs = 256;

    private float[] _a = null!, _b = null!, _c = null!;
    private float[] _x = null!, _w = null!, _wT = null!, _y = null!;

    /// <summary>The most threads the kernel may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Random operands, fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(42);
        float[] Fill(int count)
        {
            float[] values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }

        _a = Fill(Square * Square);
        _b = Fill(Square * Square);
        _c = new float[Square * Square];
        _x = Fill(Batch * Inputs);
        _w = Fill(Inputs * Outputs);
        _wT = Fill(Outputs * Inputs);
        _y = new float[Batch * Outputs];
    }

    /// <summary>C = A·B, all three 1024 × 1024 row-major.</summary>
    [Benchmark(Description = "1024x1024x1024")]
    public void Square1024() =>
        MatMulKernel.Multiply(_a, Square, 1, _b, Square, 1, _c, Square, Square, Square, maxThreads: Threads);

    /// <summary>Y = X·W with X 128 × 784 and W 784 × 256, both row-major.</summary>
    [Benchmark(Description = "128x784 · 784x256")]
    public void Layer128x784x256() =>
        MatMulKernel.Multiply(_x, Inputs, 1, _w, Outputs, 1, _y, Batch, Outputs, Inputs, maxThreads: Threads);

    /// <summary>
    /// Y = X·Wᵀ with W stored 256 × 784 (as a linear layer keeps its weights): the same product
    /// with B read through swapped strides.
    /// </summary>
    [Benchmark(Description = "128x784 · (256x784)ᵀ")]
    public void Layer128x784x256Transposed() =>
        MatMulKernel.Multiply(_x, Inputs, 1, _wT, 1, Inputs, _y, Batch, Outputs, Inputs, maxThreads: Threads);

    /// <summary>Adds the GFLOP/s column.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        /// <summary>The default configuration plus <see cref="GflopsColumn"/>.</summary>
        public GflopsConfig() => AddColumn(new GflopsColumn());
    }

    /// <summary>2·m·n·k floating-point operations over the mean time of a case, in GFLOP/s.</summary>
    private sealed class GflopsColumn : IColumn
    {
        /// <inheritdoc/>
        public string Id => nameof(GflopsColumn);

        /// <inheritdoc/>
        public string ColumnName => "GFLOP/s";

        /// <inheritdoc/>
        public bool AlwaysShow => true;

        /// <inheritdoc/>
        public ColumnCategory Category => ColumnCategory.Custom;

        /// <inheritdoc/>
        public int PriorityInCategory => 0;

        /// <inheritdoc/>
        public bool IsNumeric => true;

        /// <inheritdoc/>
        public UnitType UnitType => UnitType.Dimensionless;

        /// <inheritdoc/>
        public string Legend => "2·m·n·k / mean time, in 10⁹ floating-point operations a second";

        /// <inheritdoc/>
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, SummaryStyle.Default);

        /// <inheritdoc/>
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (meanNs is null or <= 0)
                return "-";
            double flops = benchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(Square1024) => 2.0 * Square * Square * Square,
                _ => 2.0 * Batch * Inputs * Outputs,
            };
            return (flops / meanNs.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <inheritdoc/>
        public bool IsAvailable(Summary summary) => true;

        /// <inheritdoc/>
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        /// <inheritdoc/>
        public override string ToString() => ColumnName;
    }
}
