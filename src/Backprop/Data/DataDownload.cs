using System.Net;
using System.Security.Cryptography;

namespace Backprop.Data;

/// <summary>
/// Fetches a <see cref="RemoteDataset"/> into a cache folder: over HTTPS, from the first mirror
/// that serves it, resuming partial files, and keeping a file only once its SHA-256 matches.
/// </summary>
/// <remarks>
/// A file arrives as <c>NAME.part</c> and is renamed to <c>NAME</c> once complete and verified,
/// so the cache never holds a file that is not the published one. A <c>.part</c> left by an
/// interrupted run, or by a connection that dropped, is continued with an HTTP range request
/// (a server that ignores ranges sends the whole file again, which is also handled); a dropped
/// connection is retried from where it stopped, three times per mirror. A cached file is
/// checked again at every call (hashing MNIST takes milliseconds) and fetched anew if it no
/// longer matches.
/// </remarks>
public static class DataDownload
{
    private const int AttemptsPerMirror = 3;

    private static readonly HttpClient SharedClient = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>Fetches <paramref name="dataset"/> and waits for it; see <see cref="FetchAsync"/>.</summary>
    /// <inheritdoc cref="FetchAsync"/>
    public static string Fetch(RemoteDataset dataset, string? root = null, IProgress<DownloadProgress>? progress = null, HttpClient? client = null,
        CancellationToken cancel = default) =>
        FetchAsync(dataset, root, progress, client, cancel).GetAwaiter().GetResult();

    /// <summary>
    /// Makes sure every file of <paramref name="dataset"/> is in <c>ROOT/NAME/</c> with its
    /// published checksum, fetching what is missing.
    /// </summary>
    /// <param name="dataset">What to fetch (<see cref="RemoteDataset.Mnist"/>, <see cref="RemoteDataset.FashionMnist"/>).</param>
    /// <param name="root">The cache root; null for <see cref="DataCache.DefaultRoot"/>.</param>
    /// <param name="progress">Told as bytes arrive (on the thread that receives them).</param>
    /// <param name="client">The HTTP client to use; null for a shared one.</param>
    /// <param name="cancel">Stops the download; a partial file stays and is resumed next time.</param>
    /// <returns>The folder holding the files.</returns>
    /// <exception cref="ArgumentException">A mirror that is not HTTPS (plain HTTP is allowed on loopback only).</exception>
    /// <exception cref="InvalidDataException">A file's SHA-256 or size differs from the published one on every mirror; the message names the file, the mirror and both checksums.</exception>
    /// <exception cref="IOException">No mirror could serve a file (errors, refused connections, repeated drops); the message names each mirror's failure.</exception>
    public static async Task<string> FetchAsync(RemoteDataset dataset, string? root = null, IProgress<DownloadProgress>? progress = null,
        HttpClient? client = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        foreach (Uri mirror in dataset.Mirrors)
        {
            if (mirror.Scheme != Uri.UriSchemeHttps && !(mirror.Scheme == Uri.UriSchemeHttp && mirror.IsLoopback))
                throw new ArgumentException($"{dataset.Name}: mirror {mirror} is not HTTPS", nameof(dataset));
        }
        string folder = Path.Combine(root ?? DataCache.DefaultRoot, dataset.Name);
        Directory.CreateDirectory(folder);
        long total = dataset.TotalSize, done = 0;
        foreach (RemoteFile file in dataset.Files)
        {
            string path = Path.Combine(folder, file.Name);
            if (File.Exists(path) && new FileInfo(path).Length == file.Size && await Sha256Async(path, cancel) == file.Sha256)
            {
                done += file.Size;
                progress?.Report(new DownloadProgress(file.Name, done, total));
                continue;
            }
            await FetchFileAsync(dataset, file, path, client ?? SharedClient, received => progress?.Report(new DownloadProgress(file.Name, done + received, total)), cancel);
            done += file.Size;
        }
        return folder;
    }

    private static async Task FetchFileAsync(RemoteDataset dataset, RemoteFile file, string path, HttpClient client, Action<long> report, CancellationToken cancel)
    {
        string part = path + ".part";
        var failures = new List<string>();
        bool corrupt = false;
        foreach (Uri mirror in dataset.Mirrors)
        {
            var uri = new Uri(mirror, file.Name);
            for (int attempt = 0; attempt < AttemptsPerMirror; attempt++)
            {
                string? failure = await TryReceiveAsync(client, uri, file, part, report, cancel);
                if (failure is null)
                {
                    string sha = await Sha256Async(part, cancel);
                    if (sha == file.Sha256)
                    {
                        File.Move(part, path, overwrite: true);
                        return;
                    }
                    File.Delete(part);
                    corrupt = true;
                    failure = $"{uri} sent a file whose SHA-256 is {sha}, not the published {file.Sha256}";
                    failures.Add(failure);
                    break;
                }
                failures.Add(failure);
                if (!failure.Contains("connection lost", StringComparison.Ordinal)) break;
            }
        }
        string message = $"{dataset.Name}: could not fetch {file.Name}: {string.Join("; ", failures.Distinct())}";
        throw corrupt ? new InvalidDataException(message) : new IOException(message);
    }

    /// <summary>Receives the rest of the file into <paramref name="part"/>; null when it holds all <see cref="RemoteFile.Size"/> bytes, else why not.</summary>
    private static async Task<string?> TryReceiveAsync(HttpClient client, Uri uri, RemoteFile file, string part, Action<long> report, CancellationToken cancel)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (have > file.Size)
        {
            File.Delete(part);
            have = 0;
        }
        if (have == file.Size) return null;

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (have > 0) request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(have, null);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException e)
        {
            return $"{uri}: {e.Message}";
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                File.Delete(part);
                return $"{uri}: connection lost (the server refused to resume at byte {have})";
            }
            if (!response.IsSuccessStatusCode) return $"{uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            // 206 continues the part; a 200 (the server ignores ranges) starts it again.
            bool resumed = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have;
            if (!resumed) have = 0;
            try
            {
                await using var target = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None);
                await using Stream body = await response.Content.ReadAsStreamAsync(cancel);
                byte[] buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancel)) > 0)
                {
                    if (have + read > file.Size) return $"{uri}: the file is larger than the published {file.Size} bytes";
                    await target.WriteAsync(buffer.AsMemory(0, read), cancel);
                    have += read;
                    report(have);
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                return $"{uri}: connection lost after {have} of {file.Size} bytes";
            }
        }
        return have == file.Size ? null : $"{uri}: connection lost after {have} of {file.Size} bytes";
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancel)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancel));
    }
}
