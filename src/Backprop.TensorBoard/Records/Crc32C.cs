namespace Backprop.TensorBoard.Records;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF),
/// the checksum of TFRecord framing, and TFRecord's mask of it. <c>System.IO.Hashing.Crc32</c> is
/// the IEEE polynomial, a different checksum.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;

    /// <summary>The constant TFRecord adds to a rotated checksum.</summary>
    private const uint MaskDelta = 0xA282EAD8;

    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/> (0 for no bytes; 0xE3069283 for the ASCII "123456789").</summary>
    /// <param name="data">The bytes.</param>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TFRecord's masked checksum: the CRC rotated right by 15 bits plus 0xA282EAD8 (wrapping).</summary>
    /// <param name="crc">A CRC-32C.</param>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as a TFRecord stores it.</summary>
    /// <param name="data">The bytes.</param>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
