using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Backprop.NN;
using Backprop.Playground.Runs;

namespace Backprop.Benchmarks;

/// <summary>
/// What the playground server spends on one SSE frame of TF Playground's largest network (spiral,
/// all 7 features, six hidden layers of 8, 500 points, 3 epochs trained): the neuron and decision
/// heatmaps (one forward pass of 2,600 grid cells, nearly all of a frame's building) and the
/// frame's JSON, per view, with the server's encoder. docs/performance.md, playground section.
/// </summary>
[MemoryDiagnoser]
public class PlaygroundFrameBenchmarks
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private PlaygroundRun _run = null!;
    private Mlp _model = null!;
    private RunSettings _settings = null!;
    private Frame _frame = null!;

    /// <summary>weights, gradients or updates.</summary>
    [Params(FrameView.Weights, FrameView.Gradients, FrameView.Updates)]
    public FrameView View { get; set; }

    /// <summary>The run after 3 epochs, its frame of <see cref="View"/>, and a copy of its network.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _settings = new RunSettings().Apply(JsonDocument.Parse("""{"dataset":"spiral","hidden":[8,8,8,8,8,8],"features":["x1","x2","x1sq","x2sq","x1x2","sinx1","sinx2"],"points":500,"seed":3}""").RootElement);
        _run = new PlaygroundRun("bench", _settings);
        _run.Step(3);
        _frame = _run.Frame(View);
        _model = Networks.Build(_settings);
    }

    /// <summary>Releases the run.</summary>
    [GlobalCleanup]
    public void Cleanup() => _run.Dispose();

    /// <summary>The heatmaps of every neuron and the decision grid.</summary>
    [Benchmark]
    public HeatmapState Heatmaps() => NeuronHeatmaps.Compute(_model, _settings);

    /// <summary>The frame's JSON as the event stream writes it.</summary>
    [Benchmark]
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(_frame, Json);
}
