namespace Backprop.Data;

/// <summary>How far a <see cref="DataDownload"/> has come, reported as bytes arrive.</summary>
/// <param name="File">The file being fetched (or checked, when already cached).</param>
/// <param name="Received">Bytes of the whole data set on disk so far, resumed parts and cached files included.</param>
/// <param name="Total">Bytes of the whole data set.</param>
public readonly record struct DownloadProgress(string File, long Received, long Total);
