using System.Net;
using System.Net.Sockets;

namespace Backprop.Tests.Data;

/// <summary>
/// A file server on 127.0.0.1 for download tests: serves fixed bytes by name, honours
/// <c>Range: bytes=N-</c>, and can fail on purpose (every request with a status, or the first
/// response cut off after some bytes). It records each request's path and range.
/// </summary>
public sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly Task _serving;
    private readonly List<(string Path, string? Range)> _requests = [];

    /// <summary>Starts serving <paramref name="files"/> on a free loopback port.</summary>
    public LoopbackFileServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The base address (ends in /).</summary>
    public Uri Address { get; }

    /// <summary>When set, every request gets this status and no body.</summary>
    public int? Status { get; init; }

    /// <summary>When set, the first response promises the whole file but the connection is cut after this many bytes.</summary>
    public int? DropFirstResponseAfter { get; init; }

    /// <summary>The requests so far: path and Range header.</summary>
    public IReadOnlyList<(string Path, string? Range)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _serving.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            int index;
            lock (_requests)
            {
                _requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["Range"]));
                index = _requests.Count - 1;
            }
            try
            {
                await RespondAsync(context, first: index == 0);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the next request is served as usual.
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context, bool first)
    {
        HttpListenerResponse response = context.Response;
        if (Status is int status || !_files.TryGetValue(context.Request.Url!.AbsolutePath.TrimStart('/'), out byte[]? bytes))
        {
            response.StatusCode = Status ?? 404;
            response.Close();
            return;
        }
        int from = 0;
        if (context.Request.Headers["Range"] is string range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = int.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }
        response.ContentLength64 = bytes.Length - from;
        if (first && DropFirstResponseAfter is int cut)
        {
            await response.OutputStream.WriteAsync(bytes.AsMemory(from, cut));
            await response.OutputStream.FlushAsync();
            response.Abort();
            return;
        }
        await response.OutputStream.WriteAsync(bytes.AsMemory(from));
        response.Close();
    }
}
