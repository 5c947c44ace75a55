using System.IO.Compression;

namespace Backprop.Tests.Data;

/// <summary>A fresh temporary folder for files a test writes, deleted on disposal.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backprop-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> to a file of the folder, gzip-compressed when <paramref name="gzip"/>; returns its path.</summary>
    public string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = System.IO.Path.Combine(Path, name);
        using var file = File.Create(path);
        if (gzip)
        {
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            file.Write(bytes);
        }
        return path;
    }

    /// <summary>The bytes of an IDX file: the magic number, the sizes (big-endian), then <paramref name="data"/>.</summary>
    public static byte[] Idx(int magic, uint[] sizes, byte[] data)
    {
        var bytes = new List<byte>();
        void BigEndian(uint v) => bytes.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        BigEndian((uint)magic);
        foreach (uint s in sizes) BigEndian(s);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>The decompressed bytes of a gzip file.</summary>
    public static byte[] Gunzip(string path)
    {
        using var zip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        zip.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>Deletes the folder and its files.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
