using System.Text;
using Backprop.IO;

namespace Backprop.Tests.IO;

/// <summary>A header of very many (empty) tensors is refused once it passes the limit, before they cost memory.</summary>
public sealed class SafeTensorsTensorCountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-count-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MoreTensorsThanTheLimitAreRefused()
    {
        var header = new StringBuilder("{");
        for (int i = 0; i <= SafeTensors.MaxTensorCount; i++)
            header.Append(i == 0 ? "" : ",").Append("\"t").Append(i).Append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        header.Append('}');
        string path = Path.Combine(_dir, "many.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestFiles.Build(header.ToString()));
        long before = GC.GetAllocatedBytesForCurrentThread(); // this thread only: tests in parallel allocate too
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("more than 100,000 tensors", e.Message);
        Assert.True(allocated < 500_000_000, $"{allocated:N0} bytes allocated");
        Assert.True(e.Message.Length < 500);
    }
}
