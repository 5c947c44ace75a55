namespace Backprop.Distributed;

/// <summary>What the communicators share: the mean's division and the checks of gather sizes.</summary>
internal static class CollectiveChecks
{
    /// <summary>Divides a sum by the number of ranks (the mean), the same way in every communicator.</summary>
    public static void Divide(Span<float> data, int size)
    {
        for (int i = 0; i < data.Length; i++) data[i] /= size;
    }

    /// <inheritdoc cref="Divide(Span{float}, int)"/>
    public static void Divide(Span<double> data, int size)
    {
        for (int i = 0; i < data.Length; i++) data[i] /= size;
    }

    /// <summary>Refuses an all-gather whose receive buffer does not hold every rank's values.</summary>
    public static void CheckGather(int send, int receive, int size)
    {
        if (receive != (long)send * size)
            throw new ArgumentException($"AllGather: the receive buffer holds {receive} values; {size} ranks of {send} need {(long)send * size}", nameof(receive));
    }
}
