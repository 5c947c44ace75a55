using System.Text;
using System.Text.Json;
using Backprop.IO;
using static Backprop.Tests.IO.SafeTensorsTestFiles;

namespace Backprop.Tests.IO;

/// <summary><see cref="SafeTensors"/>: round trips, the exact bytes of the format, atomic saves.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly float[] s_floats =
    [
        0f, -0f, 1.5f, -3.25e-7f, float.Epsilon, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7fc00001),
        BitConverter.Int32BitsToSingle(unchecked((int)0xffbadbad)),
    ];

    private static readonly double[] s_doubles =
    [
        0, -0.0, Math.PI, double.Epsilon, double.MaxValue, double.NegativeInfinity,
        BitConverter.Int64BitsToDouble(0x7ff8_0000_dead_beef),
    ];

    private static Dictionary<string, Tensor> Sample() => new()
    {
        ["layer.weight"] = Tensor.FromArray(s_floats[..10], 2, 5),
        ["layer.bias"] = Tensor.FromArray(s_floats, 11),
        ["double"] = Tensor.FromArray(s_doubles, 7, 1),
        ["labels"] = Tensor.FromArray([long.MinValue, -1, 0, 1, long.MaxValue], 5),
        ["scalar"] = Tensor.FromArray([2.5f]).Reshape(),
        ["empty"] = Tensor.Zeros([0, 3], DType.Float32),
        ["empty.long"] = Tensor.Zeros([4, 0], DType.Int64),
    };

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.Count == 0) return; // ToArray of a [4,0] tensor trips over its strides (a Tensors issue, not the file's)
        switch (expected.DType)
        {
            case DType.Float32:
                Assert.Equal(expected.ToArray<float>().Select(BitConverter.SingleToInt32Bits), actual.ToArray<float>().Select(BitConverter.SingleToInt32Bits));
                break;
            case DType.Float64:
                Assert.Equal(expected.ToArray<double>().Select(BitConverter.DoubleToInt64Bits), actual.ToArray<double>().Select(BitConverter.DoubleToInt64Bits));
                break;
            default:
                Assert.Equal(expected.ToArray<long>(), actual.ToArray<long>());
                break;
        }
    }

    [Fact]
    public void SaveThenLoadGivesEveryTensorBackBitForBit()
    {
        Dictionary<string, Tensor> tensors = Sample();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "naïve \"quoted\"\n" };
        string path = Path.Combine(_dir, "model.safetensors");

        SafeTensors.Save(path, tensors, metadata);
        SafeTensorsFile loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), loaded.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach ((string name, Tensor tensor) in tensors)
            AssertSameBits(tensor, loaded.Tensors[name]);
        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), loaded.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(0, loaded.Tensors["scalar"].Rank);
        Assert.All(loaded.Tensors.Values, t => Assert.True(t.IsLeaf && !t.RequiresGrad));
    }

    [Fact]
    public void ViewsAreSavedAsTheirRowMajorElements()
    {
        Tensor matrix = Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3);
        Tensor transposed = matrix.Transpose(0, 1);
        Tensor column = matrix.Slice(1, 1, 2);

        SafeTensorsFile loaded = Read(Write(new Dictionary<string, Tensor> { ["t"] = transposed, ["c"] = column }));

        Assert.Equal([3, 2], loaded.Tensors["t"].Shape);
        Assert.Equal([1f, 4, 2, 5, 3, 6], loaded.Tensors["t"].ToArray<float>());
        Assert.Equal([2f, 5], loaded.Tensors["c"].ToArray<float>());
    }

    [Fact]
    public void TensorsLargerThanOneChunkRoundTrip()
    {
        var data = new double[(1 << 20) + 3];
        for (int i = 0; i < data.Length; i++) data[i] = i * 0.5 - 7;
        var tensors = new Dictionary<string, Tensor> { ["big"] = Tensor.FromArray(data) };

        SafeTensorsFile loaded = Read(Write(tensors));

        Assert.Equal(data, loaded.Tensors["big"].ToArray<double>());
    }

    [Fact]
    public void TheSameTensorsGiveByteIdenticalFilesWhateverTheirOrder()
    {
        Dictionary<string, Tensor> tensors = Sample();
        var reversed = tensors.Reverse().ToDictionary();
        var metadata = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" };
        var metadataReversed = metadata.Reverse().ToDictionary();
        string first = Path.Combine(_dir, "first.safetensors"), second = Path.Combine(_dir, "second.safetensors");

        SafeTensors.Save(first, tensors, metadata);
        SafeTensors.Save(second, reversed, metadataReversed);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(File.ReadAllBytes(first), Write(tensors, metadata));
    }

    [Fact]
    public void ALoadedFileSavesBackToTheSameBytes()
    {
        byte[] original = Write(Sample(), new Dictionary<string, string> { ["format"] = "pt" });
        SafeTensorsFile loaded = Read(original);
        Assert.Equal(original, Write(loaded.Tensors, loaded.Metadata));
    }

    /// <summary>
    /// The bytes the reference implementation writes for a float tensor of shape [1,1,2,3] named
    /// "attn0" (its own serialization test): compact JSON, padded with 7 spaces to 72 bytes.
    /// </summary>
    [Fact]
    public void OneFloatTensorIsWrittenExactlyAsTheReferenceWritesIt()
    {
        const string json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
        byte[] expected =
        [
            72, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(json), .. "       "u8,
            0, 0, 0, 0, /* 0 */ 0, 0, 128, 63, /* 1 */ 0, 0, 0, 64, /* 2 */
            0, 0, 64, 64, /* 3 */ 0, 0, 128, 64, /* 4 */ 0, 0, 160, 64, /* 5 */
        ];
        Assert.Equal(65, json.Length);

        byte[] written = Write(new Dictionary<string, Tensor> { ["attn0"] = Tensor.FromArray([0f, 1, 2, 3, 4, 5], 1, 1, 2, 3) });

        Assert.Equal(expected, written);
        Assert.Equal([0f, 1, 2, 3, 4, 5], Read(expected).Tensors["attn0"].ToArray<float>());
    }

    [Fact]
    public void AHeaderOfAMultipleOfEightBytesIsNotPadded()
    {
        const string json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        Assert.Equal(64, json.Length);
        byte[] written = Write(new Dictionary<string, Tensor> { ["attn.0"] = Tensor.FromArray([0f, 1, 2, 3, 4, 5], 1, 2, 3) });
        Assert.Equal([64, 0, 0, 0, 0, 0, 0, 0, .. Encoding.ASCII.GetBytes(json), .. Floats(0, 1, 2, 3, 4, 5)], written);
    }

    [Fact]
    public void NoTensorsIsAnEmptyObjectAndMetadataComesFirst()
    {
        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, .. "{}      "u8], Write(new Dictionary<string, Tensor>()));
        Assert.Equal(
            [40, 0, 0, 0, 0, 0, 0, 0, .. "{\"__metadata__\":{\"framework\":\"pt\"}}     "u8],
            Write(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" }));
        Assert.Equal(Write(new Dictionary<string, Tensor>()), Write(new Dictionary<string, Tensor>(), new Dictionary<string, string>()));
    }

    /// <summary>As the reference writer: tensors by element type (I64, F64, F32), then by name, with no gaps.</summary>
    [Fact]
    public void TensorsAreLaidOutByElementTypeThenName()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["b"] = Tensor.FromArray([1f, 2]),
            ["a"] = Tensor.FromArray([3f]),
            ["c"] = Tensor.FromArray([7L]),
            ["d"] = Tensor.FromArray([0.5]).Reshape(),
        };
        string json = "{\"__metadata__\":{\"format\":\"pt\"},"
            + Entry("c", "I64", "[1]", 0, 8) + ","
            + Entry("d", "F64", "[]", 8, 16) + ","
            + Entry("a", "F32", "[1]", 16, 20) + ","
            + Entry("b", "F32", "[2]", 20, 28) + "}";

        byte[] written = Write(tensors, new Dictionary<string, string> { ["format"] = "pt" });

        Assert.Equal(Build(json, [.. Longs(7), .. Doubles(0.5), .. Floats(3, 1, 2)]), written);
    }

    [Fact]
    public void NamesAreEscapedAsSerdeJsonEscapesThem()
    {
        string name = "a\"b\\c\nd\te\u0001f\u007fé😀/<>";
        const string escaped = "a\\\"b\\\\c\\nd\\te\\u0001f\u007fé😀/<>";

        byte[] written = Write(new Dictionary<string, Tensor> { [name] = Tensor.FromArray([1L]) });

        Assert.Equal(Build("{" + Entry(escaped, "I64", "[1]", 0, 8) + "}", Longs(1)), written);
        Assert.Equal(name, Assert.Single(Read(written).Tensors.Keys));
        using JsonDocument header = JsonDocument.Parse(written.AsMemory(8, written.Length - 16));
        Assert.Equal(name, header.RootElement.EnumerateObject().Single().Name);
    }

    [Fact]
    public void AFileFromAnotherWriterWithEntriesInAnyOrderAndSpacesIsRead()
    {
        string json = "{ \"w\" : { \"shape\": [2], \"data_offsets\": [8, 16], \"dtype\": \"F32\", \"extra\": null },\n"
            + "  \"__metadata__\": {\"format\": \"pt\"}, \"i\": {\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]} }";

        SafeTensorsFile file = Read(Build(json, [.. Longs(-5), .. Floats(1.5f, -2)]));

        Assert.Equal([1.5f, -2], file.Tensors["w"].ToArray<float>());
        Assert.Equal([-5L], file.Tensors["i"].ToArray<long>());
        Assert.Equal("pt", file.Metadata["format"]);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = file;
        Assert.Equal(2, tensors.Count);
        Assert.Single(metadata);
    }

    [Fact]
    public void ARefusedSaveLeavesTheOldFileAndNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        SafeTensors.Save(path, Sample());
        byte[] before = File.ReadAllBytes(path);

        var bad = new Dictionary<string, Tensor> { ["ok"] = Tensor.FromArray([1f]), ["__metadata__"] = Tensor.FromArray([2f]) };
        ArgumentException e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, bad));

        Assert.Contains("__metadata__", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void ASaveReplacesAnOlderLargerFileWhole()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        SafeTensors.Save(path, Sample());
        var small = new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray([1f]) };

        SafeTensors.Save(path, small);

        Assert.Equal(Write(small), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void SavingIntoAMissingFolderIsAnIOExceptionNamingThePath()
    {
        string path = Path.Combine(_dir, "missing", "model.safetensors");
        IOException e = Assert.Throws<IOException>(() => SafeTensors.Save(path, Sample()));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void BadArgumentsToSaveAreRefusedByName()
    {
        var nullTensor = new Dictionary<string, Tensor> { ["w"] = null! };
        Assert.Contains("\"w\" is null", Assert.Throws<ArgumentException>(() => Write(nullTensor)).Message);

        var nullValue = new Dictionary<string, string> { ["k"] = null! };
        Assert.Contains("\"k\" is null", Assert.Throws<ArgumentException>(() => Write(Sample(), nullValue)).Message);

        var loneSurrogate = new Dictionary<string, Tensor> { ["bad\ud800"] = Tensor.FromArray([1f]) };
        Assert.Contains("lone surrogate", Assert.Throws<ArgumentException>(() => Write(loneSurrogate)).Message);
    }
}
