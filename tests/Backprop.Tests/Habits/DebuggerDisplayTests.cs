using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Backprop.Tests.Habits;

/// <summary>A debugger shows tensors and values as numbers: the [DebuggerDisplay] lines and the proxies' members.</summary>
public partial class DebuggerDisplayTests
{
    [Fact]
    public void ATensorShowsTypeShapeFirstElementsAndGradState()
    {
        Tensor x = Tensor.FromArray([1f, 2.5f, -3f, 4f, 5f, 6f, 7f, 8f], 2, 4);
        Assert.Equal("Float32 [2,4] {1, 2.5, -3, 4, 5, 6, …}", Display(x));
        x.RequiresGrad = true;
        Assert.Equal("Float32 [2,4] {1, 2.5, -3, 4, 5, 6, …} requires_grad", Display(x));
        Tensor y = x.T;
        Assert.Equal("Float32 [4,2] {1, 5, 2.5, 6, -3, 7, …} grad_fn=Permute", Display(y)); // a view, read in its own order
        y.Sum().Backward();
        Assert.Equal("Float32 [2,4] {1, 2.5, -3, 4, 5, 6, …} requires_grad grad=[2,4]", Display(x));
        Assert.Equal("Int64 [2] {3, 1}", Display(Tensor.FromArray([3L, 1])));
        Assert.Equal("Bool [] {True}", Display(Tensor.FromArray([true], [])));
        Assert.Equal("Float64 [0] {}", Display(Tensor.Zeros([0], DType.Float64)));

        object view = Proxy(x);
        Assert.Equal(new double[] { 1, 2.5, -3, 4, 5, 6, 7, 8 }, Member<double[]>(view, "Values"));
        Assert.Equal(new[] { 2, 4 }, Member<int[]>(view, "Shape"));
        Assert.Equal(DType.Float32, Member<DType>(view, "DType"));
        Assert.Same(x.Grad, Member<Tensor>(view, "Grad"));
        Assert.Equal("Permute", Member<string>(Proxy(y), "GradFn"));
        Assert.Equal(100, Member<double[]>(Proxy(Tensor.Zeros(1000)), "Values").Length);
    }

    [Fact]
    public void AValueShowsItsNumberGradientAndOp()
    {
        var a = new Value(2, "a");
        var b = new Value(-3);
        Value c = a * b;
        c.Backward();
        Assert.Equal("Value 2 grad=-3 ", Display(a));
        Assert.Equal("Value -6 grad=1 *", Display(c));
        object view = Proxy(c);
        Assert.Equal(-6.0, Member<double>(view, "Data"));
        Assert.Equal("*", Member<string>(view, "Op"));
        Assert.Equal([a, b], Member<Value[]>(view, "Inputs"));
        Assert.Equal("a", Member<string>(Proxy(a), "Label"));
    }

    /// <summary>Renders a [DebuggerDisplay] string as a debugger does for member names ({Name} and {Name,nq}).</summary>
    private static string Display(object target)
    {
        string format = target.GetType().GetCustomAttribute<DebuggerDisplayAttribute>(inherit: true)!.Value;
        return Placeholder().Replace(format, m =>
        {
            object? value = Read(target, m.Groups[1].Value);
            string text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
            return m.Groups[2].Success || value is not string ? text : $"\"{text}\"";
        });
    }

    private static object Proxy(object target)
    {
        var attribute = target.GetType().GetCustomAttribute<DebuggerTypeProxyAttribute>(inherit: true)!;
        Type proxy = typeof(Tensor).Assembly.GetType(attribute.ProxyTypeName.Split(',')[0])!;
        return Activator.CreateInstance(proxy, target)!;
    }

    private static T Member<T>(object target, string name) => (T)Read(target, name)!;

    private static object? Read(object target, string name)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        for (Type? t = target.GetType(); t is not null; t = t.BaseType)
        {
            if (t.GetProperty(name, flags | BindingFlags.DeclaredOnly) is { } property) return property.GetValue(target);
        }
        throw new InvalidOperationException($"{target.GetType().Name} has no property {name}");
    }

    [GeneratedRegex(@"\{(\w+)(,nq)?\}")]
    private static partial Regex Placeholder();
}
