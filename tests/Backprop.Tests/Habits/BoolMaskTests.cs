using Backprop.IO;

namespace Backprop.Tests.Habits;

/// <summary>Bool tensors: what comparisons return, masks in arithmetic, Where and MaskedFill, counting, saving.</summary>
public class BoolMaskTests
{
    [Fact]
    public void ComparisonsReturnBoolMasksWithNoGraph()
    {
        Tensor x = Tensor.FromArray([-1f, 0f, 2f, float.NaN]);
        x.RequiresGrad = true;
        Tensor mask = x.Gt(0);                                      // x > 0
        Assert.Equal(DType.Bool, mask.DType);
        Assert.Equal([false, false, true, false], mask.ToArray<bool>());
        Assert.False(mask.RequiresGrad);
        Assert.Null(mask.Op);
        Assert.Equal([false, true, true, false], x.Ge(0).ToArray<bool>());
        Assert.Equal([true, false, false, false], x.Lt(0).ToArray<bool>());
        Assert.Equal([true, true, false, false], x.Le(0).ToArray<bool>());
        Assert.Equal([true, true, true, true], x.Ne(5).ToArray<bool>()); // NaN != 5
        Assert.Equal([true, true, true, false], x.Eq(x).ToArray<bool>()); // NaN == NaN is false
        Assert.Equal([true, false, true], Tensor.FromArray([1.0, 2, 3]).Ne(Tensor.FromArray([2.0])).ToArray<bool>());
        Assert.Equal("tensor([False, False,  True, False], dtype=Bool)", mask.ToString());
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => mask.RequiresGrad = true);
        Assert.Equal("RequiresGrad: Bool tensors hold masks and cannot require grad", e.Message);
    }

    [Fact]
    public void MasksMultiplyAsOnesAndZerosAndGradientsPassTheKeptPositions()
    {
        Tensor x = Tensor.FromArray([-1.0, 0.5, 2]);
        x.RequiresGrad = true;
        Tensor y = x * x.Gt(0);                                     // x * (x > 0): ReLU by hand
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal([0.0, 0.5, 2], y.ToArray<double>().Select(v => v + 0.0));
        y.Sum().Backward();
        Assert.Equal([0.0, 1, 1], x.Grad!.ToArray<double>());
        Tensor scaled = x.Gt(0) * 2.0;                              // (x > 0) * 2.0 is float32 in PyTorch
        Assert.Equal(DType.Float32, scaled.DType);
        Assert.Equal([0f, 2, 2], scaled.ToArray<float>());
        Assert.Equal([0.0, 1, 1], x.Gt(0).To(DType.Float64).ToArray<double>());
    }

    [Fact]
    public void WhereAndMaskedFillTakeBoolMasks()
    {
        Tensor scores = Tensor.FromArray([1.0, 2, 3, 4], 2, 2);
        scores.RequiresGrad = true;
        Tensor future = Tensor.FromArray([false, true, false, false], 2, 2);
        // Attention's causal mask: scores.masked_fill(mask, -inf).softmax(-1)
        Tensor p = scores.MaskedFill(future, double.NegativeInfinity).Softmax(-1);
        double e = Math.Exp(-1);
        double[] expected = [1, 0, e / (1 + e), 1 / (1 + e)];
        double[] actual = p.ToArray<double>();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 12);
        (p * Tensor.FromArray([1.0, 1, 0, 1], 2, 2)).Sum().Backward();
        Assert.Equal(0.0, scores.Grad!.ToArray<double>()[1]);        // the filled position gets no gradient

        Tensor picked = Tensor.Where(scores.Detach().Gt(2.5), scores.Detach(), Tensor.Zeros([2, 2], DType.Float64));
        Assert.Equal([0.0, 0, 3, 4], picked.ToArray<double>());
        ArgumentException error = Assert.Throws<ArgumentException>(() => scores.MaskedFill(scores, 0));
        Assert.Equal("MaskedFill: the mask is Float64; it must be a Bool tensor (from a comparison such as Gt) (Parameter 'mask')", error.Message);
    }

    [Fact]
    public void LogicalOpsAnyAllAndCounting()
    {
        Tensor a = Tensor.FromArray([true, true, false, false]);
        Tensor b = Tensor.FromArray([true, false, true, false]);
        Assert.Equal([true, false, false, false], (a & b).ToArray<bool>());
        Assert.Equal([true, true, true, false], (a | b).ToArray<bool>());
        Assert.Equal([false, false, true, true], (~a).ToArray<bool>());
        Assert.Equal([false, false, true, true], (!a).ToArray<bool>());
        Assert.Equal([true, false, false, true], a.Eq(b).ToArray<bool>());
        Assert.Equal(1.0, a.Any().Item());
        Assert.Equal(0.0, (a & b & ~a).Any().Item());
        Assert.Equal(0.0, a.All().Item());
        Assert.Equal(2.0, a.Sum().Item());
        Assert.Equal([1L, 1], Tensor.FromArray([true, false, false, true], 2, 2).Sum(1).ToArray<long>());
        Assert.Equal([true, false], Tensor.FromArray([true, false, false, true], 2, 2).T[0].ToArray<bool>()); // views work on masks
        ArgumentException e = Assert.Throws<ArgumentException>(() => a.Gt(b));
        Assert.Equal("Gt: Bool tensors have no order; compare them with Eq or Ne, or convert with To(DType.Float32)", e.Message);
        e = Assert.Throws<ArgumentException>(() => a & Tensor.Ones(4));
        Assert.Equal("LogicalAnd: operand is Float32 [4]; logical ops take Bool tensors (from comparisons such as Gt)", e.Message);
        e = Assert.Throws<ArgumentException>(() => a.Exp());
        Assert.StartsWith("Exp: input is a Bool (mask) tensor", e.Message);
    }

    [Fact]
    public void BoolTensorsRoundTripThroughSafetensorsAsBool()
    {
        Tensor mask = Tensor.FromArray([true, false, true], 3);
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, new Dictionary<string, Tensor> { ["mask"] = mask, ["w"] = Tensor.Ones(1) });
        byte[] bytes = stream.ToArray();
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        // As the reference writer lays them out: F32 before BOOL, one byte per element.
        Assert.Equal("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[4,7]}}", header.TrimEnd());
        stream.Position = 0;
        Tensor back = SafeTensors.Read(stream, bytes.Length).Tensors["mask"];
        Assert.Equal(DType.Bool, back.DType);
        Assert.Equal([true, false, true], back.ToArray<bool>());
    }
}
