namespace Backprop.Data;

public static partial class Mnist
{
    /// <summary>
    /// Fetches the full MNIST (60,000 training and 10,000 test digits) into
    /// <c>ROOT/mnist/</c>, unless it is already there, and returns that folder for
    /// <see cref="LoadFolder"/>: over HTTPS from the mirrors torchvision uses, each file checked
    /// against its published SHA-256, a partial download resumed (see <see cref="DataDownload"/>).
    /// <c>DataDownload.Fetch(RemoteDataset.FashionMnist, root)</c> does the same for Fashion-MNIST.
    /// </summary>
    /// <param name="root">The cache root; null for the user's cache folder (<see cref="DataCache.DefaultRoot"/>).</param>
    /// <param name="progress">Told as bytes arrive.</param>
    /// <param name="cancel">Stops the download; what arrived is kept and resumed next time.</param>
    /// <returns>The folder holding the four files.</returns>
    /// <exception cref="InvalidDataException">A file's checksum is wrong on every mirror.</exception>
    /// <exception cref="IOException">No mirror could serve a file.</exception>
    public static string Download(string? root = null, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default) =>
        DataDownload.Fetch(RemoteDataset.Mnist, root, progress, cancel: cancel);
}
