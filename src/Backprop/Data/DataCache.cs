namespace Backprop.Data;

/// <summary>Where downloaded data sets are kept between runs.</summary>
public static class DataCache
{
    /// <summary>
    /// The per-user cache folder for Backprop's data: <c>$XDG_CACHE_HOME/backprop</c> (else
    /// <c>~/.cache/backprop</c>) on Linux and other Unix systems, <c>~/Library/Caches/backprop</c>
    /// on macOS, <c>%LOCALAPPDATA%\backprop\cache</c> on Windows. <c>BACKPROP_CACHE</c>, when set,
    /// overrides all of them.
    /// </summary>
    public static string DefaultRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("BACKPROP_CACHE") is { Length: > 0 } set) return set;
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "backprop", "cache");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Caches", "backprop");
            // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return Path.Combine(xdg is { Length: > 0 } && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache"), "backprop");
        }
    }
}
