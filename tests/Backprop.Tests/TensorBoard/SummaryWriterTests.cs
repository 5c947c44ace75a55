using System.Text;
using Backprop.NN;
using Backprop.TensorBoard;
using Backprop.TensorBoard.Records;
using CsCheck;

namespace Backprop.Tests.TensorBoard;

/// <summary>
/// SummaryWriter's event files, read back with <see cref="EventFileReader"/> (its own bitwise
/// CRC-32C and protobuf reader): the framing, the exact scalars, tags and steps, histogram
/// statistics against closed forms, and every corrupted byte detected.
/// </summary>
public sealed class SummaryWriterTests : IDisposable
{
    // 2026-11-30 12:00:00 UTC.
    private const long Noon = 1_796_040_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-tb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ManualClock Clock() => new(DateTimeOffset.FromUnixTimeSeconds(Noon));

    [Theory]
    [InlineData("123456789", 0xE3069283u)]   // the check value of CRC-32C
    [InlineData("", 0x00000000u)]
    public void Crc32CMatchesTheCheckValues(string ascii, uint expected)
    {
        byte[] data = Encoding.ASCII.GetBytes(ascii);
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, EventFileReader.Crc32C(data));
    }

    [Fact]
    public void Crc32CMatchesRfc3720sTestVectors()
    {
        // RFC 3720, appendix B.4: 32 bytes of zeros, of ones, incrementing and decrementing.
        byte[] increasing = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        (byte[] Data, uint Crc)[] vectors =
        [
            (new byte[32], 0x8A9136AA), (Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43),
            (increasing, 0x46DD794E), ([.. increasing.Reverse()], 0x113FDB5C),
        ];
        foreach ((byte[] data, uint crc) in vectors)
        {
            Assert.Equal(crc, Crc32C.Compute(data));
            Assert.Equal(crc, EventFileReader.Crc32C(data));
        }
    }

    [Fact]
    public void TheTableCrcAndItsMaskAgreeWithTheBitwiseOnesOnAnyBytes()
    {
        Gen.Byte.Array[0, 300].Sample(data =>
        {
            Assert.Equal(EventFileReader.Crc32C(data), Crc32C.Compute(data));
            Assert.Equal(EventFileReader.Mask(EventFileReader.Crc32C(data)), Crc32C.Masked(data));
        });
        // The mask by hand: 0x12345678 rotated right by 15 is 0xACF02468; plus 0xa282ead8, modulo 2^32.
        Assert.Equal(0x4F730F40u, Crc32C.Mask(0x12345678));
    }

    [Fact]
    public void ScalarsComeBackWithTheirTagsStepsValuesAndWallTimesAfterTheFileVersionEvent()
    {
        ManualClock clock = Clock();
        string path;
        using (var writer = new SummaryWriter(_dir, clock))
        {
            path = writer.FilePath;
            clock.Now = clock.Now.AddSeconds(1.5);
            writer.AddScalar("loss/train", 0.5, 1);
            writer.AddScalar("loss/train", 0.25, 2);
            clock.Now = clock.Now.AddSeconds(0.25);
            writer.AddScalar("learning_rate", 0.1, 2);
            writer.AddScalar("big/negative", -3e38, -7);
            // Every record reaches the file at once: readable before Flush or Dispose.
            Assert.Equal(5, EventFileReader.Records(ReadShared(path)).Count);
        }
        Assert.Equal(Path.Combine(_dir, $"events.out.tfevents.{Noon}.{Environment.MachineName}"), path);
        List<EventView> events = EventFileReader.Read(path);
        Assert.Equal(new EventView(Noon, 0, "brain.Event:2", "backprop", []), events[0] with { Values = [] });
        Assert.Empty(events[0].Values);
        (string Tag, float Value, long Step, double Wall)[] expected =
        [
            ("loss/train", 0.5f, 1, Noon + 1.5), ("loss/train", 0.25f, 2, Noon + 1.5),
            ("learning_rate", 0.1f, 2, Noon + 1.75), ("big/negative", -3e38f, -7, Noon + 1.75),
        ];
        Assert.Equal(expected, events.Skip(1).Select(e => (Assert.Single(e.Values).Tag, e.Values[0].Scalar!.Value, e.Step, e.WallTime)));
        Assert.All(events.Skip(1), e => Assert.Null(e.FileVersion));
    }

    [Fact]
    public void AHistogramHasTheClosedFormStatisticsAndTensorFlowsBuckets()
    {
        // x_k = (k - 10) / 4 for k = 0..39: -2.5 to 7.25 in quarters, every value exact in float.
        const int n = 40;
        float[] values = [.. Enumerable.Range(0, n).Select(k => (k - 10) / 4f)];
        string path;
        using (var writer = new SummaryWriter(_dir, Clock()))
        {
            path = writer.FilePath;
            writer.AddHistogram("x", Tensor.FromArray(values, 4, 10), 3);
        }
        EventView e = EventFileReader.Read(path)[1];
        Assert.Equal(3, e.Step);
        ValueView value = Assert.Single(e.Values);
        Assert.Equal("x", value.Tag);
        HistogramView h = value.Histogram!;
        static double SquaresTo(int m) => m * (m + 1) * (2.0 * m + 1) / 6;
        Assert.Equal(-2.5, h.Min);
        Assert.Equal(7.25, h.Max);
        Assert.Equal(n, h.Num);
        Assert.Equal((n * (n - 1) / 2.0 - 10 * n) / 4, h.Sum);                     // 95
        Assert.Equal((SquaresTo(10) + SquaresTo(29)) / 16, h.SumSquares);            // 558.75
        CheckBuckets(h, [.. values.Select(v => (double)v)]);
        // 0 has a bucket of its own, up to 1e-12 (the smallest positive edge).
        Assert.Equal(1, h.Bucket[Array.IndexOf(h.BucketLimit, 1e-12)]);
    }

    [Fact]
    public void HistogramsOfRandomValuesCountEveryValueInTheRightBucket()
    {
        Gen.Double[-1e6, 1e6].Array[1, 200].Sample(values =>
        {
            string dir = Directory.CreateTempSubdirectory("backprop-tb-prop-").FullName;
            try
            {
                using (var writer = new SummaryWriter(dir)) writer.AddHistogram("v", values, 0);
                HistogramView h = EventFileReader.ReadFolder(dir)[1].Values[0].Histogram!;
                Assert.Equal(values.Min(), h.Min);
                Assert.Equal(values.Max(), h.Max);
                CheckBuckets(h, values);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }, iter: 40);
    }

    [Fact]
    public void ValuesOnAndBesideEveryEdgeFallIntoTheBucketAboveThem()
    {
        // The writer finds a bucket from a logarithm, then corrects against the edges: on an edge
        // and one ulp either side of it, the answer must be the exact one.
        double[] edges = [.. TensorFlowEdges().Where(e => Math.Abs(e) != double.MaxValue)];
        double[] values = [.. edges.SelectMany(e => new[] { Math.BitDecrement(e), e, Math.BitIncrement(e) }), 1e-300, -1e-300, double.MaxValue, -double.MaxValue];
        using (var writer = new SummaryWriter(_dir, Clock())) writer.AddHistogram("edges", values, 0);
        HistogramView h = EventFileReader.ReadFolder(_dir)[1].Values[0].Histogram!;
        CheckBuckets(h, values);
        Assert.Equal(edges.Length + 1, h.Bucket.Length);   // every bucket from -double.MaxValue's to double.MaxValue's holds values
    }

    /// <summary>TensorFlow's default edges, made here again: ±1e-12·1.1^k below 1e20, ±double.MaxValue, and 0; ascending.</summary>
    private static double[] TensorFlowEdges()
    {
        var edges = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) edges.Add(v);
        edges.Add(double.MaxValue);
        return [.. edges.Select(v => -v).Reverse(), 0.0, .. edges];
    }

    /// <summary>
    /// Every limit is one of TensorFlow's default edges (computed here again), ascending; each
    /// bucket counts the values from the previous limit (inclusive) to its own (exclusive, but for
    /// double.MaxValue); the
    /// first and last are not empty, and no two empty buckets follow each other.
    /// </summary>
    private static void CheckBuckets(HistogramView h, double[] values)
    {
        HashSet<double> tf = [.. TensorFlowEdges()];
        Assert.Equal(2 * 775 + 1, tf.Count);   // 774 edges from 1e-12 to 1e20 and double.MaxValue, each side, and 0
        Assert.Equal(h.BucketLimit.Length, h.Bucket.Length);
        Assert.All(h.BucketLimit, limit => Assert.Contains(limit, tf));
        Assert.Equal(h.BucketLimit.Order(), h.BucketLimit);
        Assert.Equal(values.Length, h.Bucket.Sum());
        Assert.Equal(values.Length, h.Num);
        for (int i = 0; i < h.Bucket.Length; i++)
        {
            double from = i == 0 ? double.NegativeInfinity : h.BucketLimit[i - 1];
            double to = h.BucketLimit[i];
            Assert.Equal(values.Count(v => v >= from && (v < to || to == double.MaxValue)), h.Bucket[i]);   // the last edge's bucket takes double.MaxValue too
            if (i > 0) Assert.False(h.Bucket[i] == 0 && h.Bucket[i - 1] == 0, "two empty buckets in a row");
        }
        Assert.True(h.Bucket[0] > 0 && h.Bucket[^1] > 0);
        // The first limit is the first edge above the smallest value, the last the first above the largest.
        Assert.Equal(tf.Where(e => e > h.Min).Min(), h.BucketLimit[0]);
        Assert.Equal(tf.Where(e => e > h.Max).DefaultIfEmpty(double.MaxValue).Min(), h.BucketLimit[^1]);
        Assert.Equal(values.Sum(), h.Sum, 1e-9 * values.Sum(Math.Abs));
        Assert.Equal(values.Sum(v => v * v), h.SumSquares, 1e-9 * values.Sum(v => v * v));
    }

    [Fact]
    public void ParameterHistogramsAreTheWeightsAndGradientsByTheirCheckpointNames()
    {
        var layer = new Linear(3, 2, new Backprop.Random.NumpyRandom(4));
        var hidden = new Linear(2, 1, new Backprop.Random.NumpyRandom(5));
        var model = new Sequential(layer, hidden);
        Tensor x = Tensor.FromArray(new float[] { 1, -2, 3, 0.5f, 4, -1 }, 2, 3);
        Tensor y = layer.Forward(x);
        (y * y).Sum().Backward();   // the second layer has no gradient yet
        string path;
        using (var writer = new SummaryWriter(_dir, Clock()))
        {
            path = writer.FilePath;
            writer.AddParameterHistograms(model, 9);
        }
        List<ValueView> values = [.. EventFileReader.Read(path).Skip(1).Select(e => Assert.Single(e.Values))];
        Assert.Equal(["weights/0.weight", "gradients/0.weight", "weights/0.bias", "gradients/0.bias", "weights/1.weight", "weights/1.bias"],
            values.Select(v => v.Tag));
        var tensors = new Dictionary<string, Tensor>
        {
            ["weights/0.weight"] = layer.Weight, ["gradients/0.weight"] = layer.Weight.Grad!, ["weights/0.bias"] = layer.Bias!,
            ["gradients/0.bias"] = layer.Bias!.Grad!, ["weights/1.weight"] = hidden.Weight, ["weights/1.bias"] = hidden.Bias!,
        };
        foreach (ValueView v in values)
        {
            double[] expected = tensors[v.Tag].ToDoubleArray();
            Assert.Equal(expected.Min(), v.Histogram!.Min);
            Assert.Equal(expected.Max(), v.Histogram.Max);
            Assert.Equal(expected.Length, v.Histogram.Num);
        }
    }

    [Fact]
    public void EveryCorruptedByteIsDetectedAndACutFileEndsInsideARecord()
    {
        string path;
        using (var writer = new SummaryWriter(_dir, Clock()))
        {
            path = writer.FilePath;
            writer.AddScalar("a", 1, 1);
            writer.AddHistogram("h", new double[] { 1, 2, 3 }, 1);
        }
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(3, EventFileReader.Records(file).Count);
        for (int i = 0; i < file.Length; i++)
        {
            byte[] bad = (byte[])file.Clone();
            bad[i] ^= 0x10;
            var e = Assert.Throws<InvalidDataException>(() => EventFileReader.Records(bad));
            Assert.Matches("CRC mismatch|ends inside", e.Message);
        }
        // A length byte flipped in the first record: its header CRC says so.
        byte[] length = (byte[])file.Clone();
        length[0] ^= 1;
        Assert.Equal("record at byte 0: length CRC mismatch", Assert.Throws<InvalidDataException>(() => EventFileReader.Records(length)).Message);
        byte[] data = (byte[])file.Clone();
        data[14] ^= 1;
        Assert.Equal("record at byte 0: data CRC mismatch", Assert.Throws<InvalidDataException>(() => EventFileReader.Records(data)).Message);
        Assert.Contains("ends inside", Assert.Throws<InvalidDataException>(() => EventFileReader.Records(file[..^3])).Message);
    }

    [Fact]
    public void TheGeneratedProtobufClassesReadWhatTheIndependentReaderReads()
    {
        string path;
        using (var writer = new SummaryWriter(_dir, Clock()))
        {
            path = writer.FilePath;
            writer.AddScalar("s", 2.5, 4);
            writer.AddHistogram("h", new double[] { -1, 0.5, 0.5, 8 }, 5);
        }
        List<byte[]> records = EventFileReader.Records(File.ReadAllBytes(path));
        List<EventView> views = EventFileReader.Read(path);
        var events = records.Select(r => Backprop.TensorBoard.Proto.Event.Parser.ParseFrom(r)).ToList();
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(2.5f, events[1].Summary.Value[0].SimpleValue);
        Assert.Equal(4, events[1].Step);
        var histogram = events[2].Summary.Value[0].Histo;
        Assert.Equal(views[2].Values[0].Histogram!.BucketLimit, histogram.BucketLimit);
        Assert.Equal(views[2].Values[0].Histogram!.Bucket, histogram.Bucket);
        Assert.Equal((-1.0, 8.0, 4.0, 8.0, 65.5), (histogram.Min, histogram.Max, histogram.Num, histogram.Sum, histogram.SumSquares));
    }

    [Fact]
    public void WritersOfTheSameSecondGetFilesOfTheirOwn()
    {
        using var first = new SummaryWriter(_dir, Clock());
        using var second = new SummaryWriter(_dir, Clock());
        Assert.Equal(first.FilePath + ".1", second.FilePath);
        second.AddScalar("only-second", 1, 0);
        Assert.Single(EventFileReader.Read(first.FilePath));
        Assert.Equal(2, EventFileReader.Read(second.FilePath).Count);
    }

    [Fact]
    public void BadInputIsRefusedWithOneClearMessage()
    {
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        Assert.Equal($"SummaryWriter: cannot write event files into '{file}': it is a file, not a folder",
            Assert.Throws<IOException>(() => new SummaryWriter(file)).Message);
        Assert.StartsWith($"SummaryWriter: cannot write event files into '{Path.Combine(file, "below")}': ",
            Assert.Throws<IOException>(() => new SummaryWriter(Path.Combine(file, "below"))).Message);

        var writer = new SummaryWriter(Path.Combine(_dir, "made/below"));
        Assert.True(File.Exists(writer.FilePath));
        Assert.Throws<ArgumentException>(() => writer.AddScalar("", 1, 0));
        Assert.StartsWith("SummaryWriter.AddHistogram: 'w' has 2 of 3 values that are NaN or infinite; a histogram needs finite values",
            Assert.Throws<ArgumentException>(() => writer.AddHistogram("w", new double[] { 1, double.NaN, double.PositiveInfinity }, 0)).Message);
        Assert.StartsWith("SummaryWriter.AddHistogram: 'e' has no values",
            Assert.Throws<ArgumentException>(() => writer.AddHistogram("e", Tensor.Zeros(0), 0)).Message);
        writer.Dispose();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("late", 1, 0));
        Assert.Throws<ObjectDisposedException>(() => writer.Flush());
        // The refused calls wrote nothing: the file version alone.
        Assert.Single(EventFileReader.Read(writer.FilePath));
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
