using System.Buffers.Binary;
using Backprop.IO;
using static Backprop.Tests.IO.SafeTensorsTestFiles;

namespace Backprop.Tests.IO;

/// <summary>
/// <see cref="SafeTensors"/> refuses malformed and hostile files with an
/// <see cref="InvalidDataException"/> that names the file and the problem, never a crash, an
/// out-of-range read or an allocation sized by the header.
/// </summary>
public sealed class SafeTensorsHostileFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-safetensors-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string F32(string name, string shape, long begin, long end) => Entry(name, "F32", shape, begin, end);

    /// <summary>(what is wrong, the file, a fragment its message must hold).</summary>
    public static TheoryData<string, byte[], string> BadFiles()
    {
        static byte[] headerLength(ulong n, int rest)
        {
            var file = new byte[8 + rest];
            BinaryPrimitives.WriteUInt64LittleEndian(file, n);
            return file;
        }

        string deep = new string('[', 200) + new string(']', 200);
        return new TheoryData<string, byte[], string>
        {
            { "empty file", [], "0 bytes long, too short" },
            { "shorter than the length prefix", [8, 0, 0], "3 bytes long, too short" },
            { "header length past the end", headerLength(1000, 10), "header length 1,000 runs past the end of the file (18 bytes" },
            { "header length absurd", headerLength(ulong.MaxValue, 16), "header length 18,446,744,073,709,551,615 is over the 100,000,000-byte limit" },
            { "header length just over the limit", headerLength(100_000_001, 16), "over the 100,000,000-byte limit" },
            { "empty header", headerLength(0, 0), "not valid JSON" },
            { "header not UTF-8", BuildRaw([(byte)'{', 0xff, 0xfe, (byte)'}']), "not valid UTF-8" },
            { "header not JSON", Build("{\"a\":"), "not valid JSON" },
            { "header with trailing garbage", Build("{} x"), "not valid JSON" },
            { "header padded with NULs", BuildRaw([(byte)'{', (byte)'}', 0, 0, 0, 0, 0, 0], pad: false), "not valid JSON" },
            { "header nested too deep", Build("{\"__metadata__\":" + deep + "}"), "not valid JSON" },
            { "header an array", Build("[1,2]"), "the header is a JSON array, not an object" },
            { "header a string", Build("\"x\""), "the header is a JSON string, not an object" },
            { "entry not an object", Build("{\"w\":5}"), "tensor \"w\" is a JSON number, not an object" },
            { "dtype missing", Build("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", Floats(1)), "tensor \"w\" has no \"dtype\"" },
            { "shape missing", Build("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", Floats(1)), "tensor \"w\" has no \"shape\"" },
            { "offsets missing", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", Floats(1)), "tensor \"w\" has no \"data_offsets\"" },
            { "field twice", Build("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}", Floats(1)), "tensor \"w\" has \"dtype\" twice" },
            { "dtype a number", Build("{" + Entry("w", "F32", "[1]", 0, 4).Replace("\"F32\"", "32") + "}", Floats(1)), "\"dtype\" is a JSON number" },
            { "dtype unknown", Build("{" + Entry("w", "Q7", "[1]", 0, 4) + "}", Floats(1)), "tensor \"w\" has unknown dtype \"Q7\"" },
            { "dtype of the format that Backprop lacks", Build("{" + Entry("w", "BF16", "[2]", 0, 4) + "}", Floats(1)), "tensor \"w\" has dtype BF16, which Backprop has no tensor type for" },
            { "shape not an array", Build("{" + F32("w", "\"1\"", 0, 4) + "}", Floats(1)), "\"shape\" is a JSON string" },
            { "negative size", Build("{" + F32("w", "[-1]", 0, 4) + "}", Floats(1)), "shape [-1] has -1 as a size" },
            { "fractional size", Build("{" + F32("w", "[1.5]", 0, 4) + "}", Floats(1)), "shape [1.5] has 1.5 as a size" },
            { "size in exponent form", Build("{" + F32("w", "[1e0]", 0, 4) + "}", Floats(1)), "has 1e0 as a size" },
            { "size a string", Build("{" + F32("w", "[\"1\"]", 0, 4) + "}", Floats(1)), "has \"1\" as a size" },
            { "size past int", Build("{" + F32("w", "[3000000000]", 0, 4) + "}", Floats(1)), "has size 3,000,000,000; Backprop tensor sizes go up to 2,147,483,647" },
            { "element count overflows", Build("{" + Entry("w", "F64", "[2147483647,2147483647,2147483647,2147483647]", 0, 8) + "}", Doubles(1)), "the size overflows" },
            { "byte size overflows", Build("{" + Entry("w", "F64", "[2147483647,2147483647,3]", 0, 8) + "}", Doubles(1)), "the size overflows" },
            { "huge shape, small range", Build("{" + F32("w", "[65536,65536]", 0, 4) + "}", Floats(1)), "needs 17,179,869,184 bytes but data_offsets [0,4] hold 4" },
            { "size does not match the range", Build("{" + F32("w", "[2]", 0, 4) + "}", Floats(1)), "shape [2] of F32 needs 8 bytes but data_offsets [0,4] hold 4" },
            { "offsets not an array", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":4}}", Floats(1)), "\"data_offsets\" is 4, not an array of two" },
            { "one offset", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", Floats(1)), "\"data_offsets\" is [4], not an array of two" },
            { "three offsets", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", Floats(1)), "not an array of two" },
            { "negative offset", Build("{" + F32("w", "[1]", -4, 0) + "}", Floats(1)), "data_offsets [-4,0] are not two non-negative integers" },
            { "offset a string", Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", Floats(1)), "are not two non-negative integers" },
            { "offset past ulong", Build("{" + F32("w", "[1]", 0, 4).Replace("[0,4]", "[0,18446744073709551616]") + "}", Floats(1)), "are not two non-negative integers" },
            { "end before begin", Build("{" + F32("w", "[0]", 4, 0) + "}", Floats(1)), "data_offsets [4,0] end before they begin" },
            { "offsets past the data", Build("{" + F32("w", "[4]", 0, 16) + "}", Floats(1, 2)), "data_offsets [0,16] run past the end of the data buffer (8 bytes" },
            { "offsets far past the data", Build("{" + F32("w", "[1]", 9_000_000_000_000_000_000, 9_000_000_000_000_000_004) + "}", Floats(1)), "run past the end of the data buffer" },
            { "overlapping tensors", Build("{" + F32("a", "[2]", 0, 8) + "," + F32("b", "[2]", 4, 12) + "}", Floats(1, 2, 3)), "tensor \"b\" (bytes [4,12)) overlaps tensor \"a\" (bytes [0,8))" },
            { "the same range twice", Build("{" + F32("a", "[1]", 0, 4) + "," + F32("b", "[1]", 0, 4) + "}", Floats(1)), "overlaps" },
            { "an empty tensor inside another", Build("{" + F32("a", "[2]", 0, 8) + "," + F32("e", "[0]", 4, 4) + "}", Floats(1, 2)), "tensor \"e\" (bytes [4,4)) overlaps tensor \"a\"" },
            { "a gap", Build("{" + F32("a", "[1]", 0, 4) + "," + F32("b", "[1]", 8, 12) + "}", Floats(1, 2, 3)), "bytes [4,8) of the data buffer belong to no tensor" },
            { "a gap at the start", Build("{" + F32("a", "[1]", 4, 8) + "}", Floats(1, 2)), "bytes [0,4) of the data buffer belong to no tensor" },
            { "trailing bytes", Build("{" + F32("a", "[1]", 0, 4) + "}", Floats(1, 2)), "the data buffer is 8 bytes but the tensors cover only 4" },
            { "data but no tensors", Build("{}", Floats(1)), "the data buffer is 4 bytes but the tensors cover only 0" },
            { "a name twice", Build("{" + F32("w", "[1]", 0, 4) + "," + F32("w", "[1]", 4, 8) + "}", Floats(1, 2)), "the header names \"w\" twice" },
            { "a name twice, once escaped", Build("{" + F32("w", "[1]", 0, 4) + "," + F32("\\u0077", "[1]", 4, 8) + "}", Floats(1, 2)), "the header names \"w\" twice" },
            { "metadata twice", Build("{\"__metadata__\":{},\"__metadata__\":{}}"), "the header names \"__metadata__\" twice" },
            { "metadata not an object", Build("{\"__metadata__\":[\"pt\"]}"), "\"__metadata__\" is a JSON array, not an object of strings" },
            { "metadata value not a string", Build("{\"__metadata__\":{\"epoch\":3}}"), "metadata \"epoch\" is a JSON number; metadata values must be strings" },
            { "metadata key twice", Build("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}"), "the metadata names \"k\" twice" },
            { "control characters in a name", Build("{" + Entry("a\\u0000b", "Q7", "[1]", 0, 4) + "}", Floats(1)), "tensor \"a\\u0000b\" has unknown dtype" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadFileIsRefusedNamingTheFileAndTheProblem(string what, byte[] file, string fragment)
    {
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Read(file, "bad.safetensors"));
        Assert.StartsWith("'bad.safetensors' is not a valid safetensors file: ", e.Message);
        Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"{what}: expected \"{fragment}\" in: {e.Message}");
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void LoadRefusesTheSameFilesNamingThePath(string what, byte[] file, string fragment)
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, file);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.StartsWith($"'{path}' is not a valid safetensors file: ", e.Message);
        Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"{what}: expected \"{fragment}\" in: {e.Message}");
    }

    [Fact]
    public void EveryTruncationOfAGoodFileIsRefused()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.FromArray([1f, 2, 3]),
            ["b"] = Tensor.FromArray([4.0, 5]),
        };
        byte[] good = Write(tensors, new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(2, Read(good).Tensors.Count);

        for (int length = 0; length < good.Length; length++)
        {
            byte[] cut = good[..length];
            InvalidDataException e = Assert.Throws<InvalidDataException>(() => Read(cut, "cut.safetensors"));
            Assert.StartsWith("'cut.safetensors' is not a valid safetensors file: ", e.Message);
        }
    }

    [Fact]
    public void AStreamShorterThanTheGivenLengthIsRefusedAsTruncated()
    {
        byte[] good = Write(new Dictionary<string, Tensor> { ["a"] = Tensor.FromArray([1f, 2, 3]) });

        using var seekable = new MemoryStream(good[..^4]);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(seekable, good.Length));
        Assert.Equal($"the stream is not a valid safetensors file: it should be {good.Length} bytes long but only {good.Length - 4} can be read (truncated?)", e.Message);

        using var unseekable = new ForwardOnlyStream(good[..^4]);
        e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(unseekable, good.Length));
        Assert.Equal("the stream is not a valid safetensors file: it ends before the data of tensor \"a\" (truncated?)", e.Message);
    }

    [Fact]
    public void AGoodFileIsReadFromAForwardOnlyStreamThatHoldsMore()
    {
        byte[] good = Write(new Dictionary<string, Tensor> { ["a"] = Tensor.FromArray([1f, 2, 3]), ["b"] = Tensor.FromArray([9L]) });
        using var stream = new ForwardOnlyStream([.. good, .. "next"u8]);

        SafeTensorsFile file = SafeTensors.Read(stream, good.Length);

        Assert.Equal([1f, 2, 3], file.Tensors["a"].ToArray<float>());
        Assert.Equal("next"u8.ToArray(), Enumerable.Range(0, 4).Select(_ => (byte)stream.ReadByte()).ToArray());
    }

    [Fact]
    public void RandomlyCorruptedFilesAreReadOrRefusedButNeverCrash()
    {
        byte[] good = Write(new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3),
            ["i"] = Tensor.FromArray([1L, 2]),
            ["s"] = Tensor.FromArray([0.5]).Reshape(),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        var random = new System.Random(1234);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++)
            {
                int at = random.Next(Math.Min(bad.Length, 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(good)));
                bad[at] = (byte)random.Next(256);
            }
            try
            {
                Read(bad);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void LoadingAMissingFileIsAFileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(Path.Combine(_dir, "none.safetensors")));
    }

    /// <summary>A stream that can only be read forward and does not know its length.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
