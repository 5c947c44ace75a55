using System.Globalization;
using Backprop.NN;
using Backprop.TensorBoard.Proto;
using Backprop.TensorBoard.Records;
using Google.Protobuf;

namespace Backprop.TensorBoard;

/// <summary>
/// Writes scalars and histograms into a TensorBoard event file, as PyTorch's
/// <c>torch.utils.tensorboard.SummaryWriter</c> does: <c>tensorboard --logdir DIR</c> shows them.
/// </summary>
/// <remarks>
/// <para>
/// The file is <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host name&gt;</c> in the log folder
/// (with <c>.&lt;n&gt;</c> after it when a writer of the same second already made that name); its
/// first record is the <c>brain.Event:2</c> file-version event. Every record is a TFRecord (length,
/// data, each with its masked CRC-32C) holding one <c>Event</c> protobuf, generated from
/// TensorBoard's own .proto files.
/// </para>
/// <para>
/// The file is only ever appended to. Each call writes its record to the operating system at once
/// in a single write (nothing waits in a buffer of this process), so TensorBoard sees it at its
/// next reload and a crash of the process leaves whole records only; <see cref="Flush"/> and
/// <see cref="Dispose"/> also put the file on the disk. An event file is a log that TensorBoard
/// reads while it grows, so it is not written to a temporary file and renamed as Backprop's other
/// outputs are. Calls from several threads are serialised.
/// </para>
/// </remarks>
public sealed class SummaryWriter : IDisposable
{
    /// <summary>The file-version string the first event of every event file carries.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly RecordFile _file;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Creates <paramref name="logDir"/> if needed and starts a new event file in it.</summary>
    /// <param name="logDir">The folder TensorBoard is pointed at (<c>--logdir</c>); one folder per run.</param>
    /// <param name="timeProvider">The clock of the events' wall times and the file's name; null for the system clock.</param>
    /// <exception cref="ArgumentException"><paramref name="logDir"/> is empty.</exception>
    /// <exception cref="IOException">The folder cannot be created (a file has its name) or the file cannot be written; the message names the folder.</exception>
    public SummaryWriter(string logDir, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        _time = timeProvider ?? TimeProvider.System;
        LogDir = logDir;
        long seconds = _time.GetUtcNow().ToUnixTimeSeconds();
        string stem = Path.Combine(logDir, string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{seconds}.{HostName()}"));
        try
        {
            if (File.Exists(logDir)) throw new IOException("it is a file, not a folder");
            Directory.CreateDirectory(logDir);
            (_file, FilePath) = CreateNew(stem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new IOException($"SummaryWriter: cannot write event files into '{logDir}': {e.Message}", e);
        }
        try
        {
            Write(new Event { FileVersion = FileVersion, SourceMetadata = new SourceMetadata { Writer = "backprop" } }, 0);
        }
        catch (IOException e)
        {
            _file.Dispose();
            throw new IOException($"SummaryWriter: cannot write event files into '{logDir}': {e.Message}", e);
        }
    }

    /// <summary>The log folder.</summary>
    public string LogDir { get; }

    /// <summary>The event file this writer appends to.</summary>
    public string FilePath { get; }

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> at <paramref name="step"/> (stored as a float, as TensorBoard's scalars are).</summary>
    /// <param name="tag">The series' name; slashes group series (<c>loss/train</c>, <c>loss/test</c>).</param>
    /// <param name="value">The value (NaN and infinities are kept as they are).</param>
    /// <param name="step">The x coordinate: an epoch or a global step.</param>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void AddScalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
        Write(new Event { Summary = summary }, step);
    }

    /// <summary>
    /// Records the histogram of <paramref name="values"/>' elements under <paramref name="tag"/> at
    /// <paramref name="step"/>: min, max, count, sum, sum of squares and TensorFlow's default
    /// exponential buckets (10 % wider each step away from zero).
    /// </summary>
    /// <param name="tag">The histogram's name.</param>
    /// <param name="values">A tensor of any shape and at least one element, all finite.</param>
    /// <param name="step">The x coordinate: an epoch or a global step.</param>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is empty, the tensor has no elements, or one is NaN or infinite.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void AddHistogram(string tag, Tensor values, long step)
    {
        ArgumentNullException.ThrowIfNull(values);
        AddHistogram(tag, values.ToDoubleArray(), step);
    }

    /// <summary>Records the histogram of <paramref name="values"/> under <paramref name="tag"/> at <paramref name="step"/>, as <see cref="AddHistogram(string, Tensor, long)"/>.</summary>
    /// <param name="tag">The histogram's name.</param>
    /// <param name="values">At least one value, all finite.</param>
    /// <param name="step">The x coordinate.</param>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is empty, there are no values, or one is NaN or infinite.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void AddHistogram(string tag, ReadOnlySpan<double> values, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Histo = HistogramBuckets.Build(values, tag) });
        Write(new Event { Summary = summary }, step);
    }

    /// <summary>
    /// Records a histogram of every parameter of <paramref name="model"/>, tagged
    /// <c>weights/&lt;name&gt;</c>, and of its gradient, <c>gradients/&lt;name&gt;</c>, with the names of
    /// <see cref="Module.NamedParameters"/> (those of a checkpoint). A parameter without a gradient
    /// (none computed yet) gets no gradient histogram.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="step">The x coordinate.</param>
    /// <exception cref="ArgumentException">A weight or gradient is NaN or infinite.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void AddParameterHistograms(Module model, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach ((string name, Parameter parameter) in model.NamedParameters())
        {
            AddHistogram($"weights/{name}", parameter, step);
            if (parameter.Grad is Tensor grad) AddHistogram($"gradients/{name}", grad, step);
        }
    }

    /// <summary>Puts everything written so far on the disk (it is in the file already, for readers, after each call).</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _file.Flush();
        }
    }

    /// <summary>Flushes to the disk and closes the file; later calls do nothing.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _file.Dispose();
        }
    }

    private void Write(Event e, long step)
    {
        e.Step = step;
        e.WallTime = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;
        byte[] data = e.ToByteArray();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _file.Write(data);
        }
    }

    /// <summary>The file <paramref name="stem"/>, or <c>stem.1</c>, <c>stem.2</c>… when it exists (created exclusively, so two writers never share one).</summary>
    private static (RecordFile File, string Path) CreateNew(string stem)
    {
        for (int n = 0; ; n++)
        {
            string path = n == 0 ? stem : string.Create(CultureInfo.InvariantCulture, $"{stem}.{n}");
            if (File.Exists(path)) continue;
            try
            {
                return (new RecordFile(path), path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // another writer took the name between the check and the creation: try the next
            }
        }
    }

    /// <summary>The machine's name, kept to characters that are safe in a file name.</summary>
    private static string HostName()
    {
        string name = Environment.MachineName;
        return name.Length == 0 ? "localhost" : new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
    }
}
