using System.Text.Json;
using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Http;

namespace Backprop.Playground.Api;

/// <summary>Reads request bodies with a cap on their size, so no body can make the server allocate more than the largest valid request needs.</summary>
public static class RequestBody
{
    /// <summary>The largest body accepted: 2000 points of CSV or JSON fit in well under this.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>The body as text (empty when there is none).</summary>
    /// <exception cref="SettingsException">The body is larger than <see cref="MaxBytes"/>.</exception>
    public static async Task<string> ReadTextAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes) throw new SettingsException($"body too large: {request.ContentLength} bytes (at most {MaxBytes})");
        var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw new SettingsException($"body too large: more than {MaxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The body as JSON; <see cref="JsonValueKind.Undefined"/> when empty.</summary>
    /// <exception cref="SettingsException">Too large, or not JSON.</exception>
    public static async Task<JsonElement> ReadJsonAsync(HttpRequest request)
    {
        string text = await ReadTextAsync(request);
        if (string.IsNullOrWhiteSpace(text)) return default;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SettingsException($"body is not valid JSON: {e.Message.Split('\n')[0]}");
        }
    }
}
