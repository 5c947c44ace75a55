using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Backprop.NN;

/// <summary>
/// Finds the parameters and child modules a <see cref="Module"/> subclass keeps in its fields
/// (auto-properties included: they are fields the compiler names), as PyTorch registers
/// <c>self.fc1 = nn.Linear(...)</c> on assignment. The fields worth reading are found once per
/// type by reflection and cached; their values are read each time a module is walked, so a
/// field assigned or a list grown later is seen too.
/// </summary>
internal static class ModuleFields
{
    private static readonly ConcurrentDictionary<Type, Member[]> s_members = new();

    /// <summary>A field that may hold a parameter, a module, or a list of either.</summary>
    /// <param name="Field">The field.</param>
    /// <param name="Name">The name its contents are registered under (PyTorch's spelling of the C# name).</param>
    /// <param name="IsList">Whether the field holds a sequence of modules or parameters rather than one.</param>
    private sealed record Member(FieldInfo Field, string Name, bool IsList);

    /// <summary>
    /// The parameters (<paramref name="parameters"/>) and modules (<paramref name="modules"/>)
    /// held by <paramref name="owner"/>'s fields, base class fields first, each class's in
    /// declaration order; a list's items are named <c>field.0</c>, <c>field.1</c>, ….
    /// </summary>
    public static void Read(Module owner, List<(string Name, Parameter Parameter)> parameters, List<(string Name, Module Module)> modules)
    {
        var named = new NamedSink(owner, parameters, modules);
        Visit(owner, ref named);
    }

    /// <summary>
    /// The modules held by <paramref name="owner"/>'s fields, added to <paramref name="modules"/>
    /// without names, in no promised order: for walks that only visit (switching training
    /// mode), which building a dotted name per module made allocate several times over.
    /// </summary>
    public static void ReadModules(Module owner, List<Module> modules)
    {
        var sink = new ModuleSink(owner, modules);
        Visit(owner, ref sink);
    }

    /// <summary>Where <see cref="Visit"/> puts what the fields hold: each value with its member and, in a list, its index (-1 for a single field).</summary>
    private interface ISink
    {
        void Add(object value, Member member, int index);
    }

    private readonly struct NamedSink(Module owner, List<(string, Parameter)> parameters, List<(string, Module)> modules) : ISink
    {
        public void Add(object value, Member member, int index)
        {
            if (value is Parameter p) parameters.Add((NameOf(member, index), p));
            else if (value is Module m && !ReferenceEquals(m, owner)) modules.Add((NameOf(member, index), m));
        }

        private static string NameOf(Member member, int index) => index < 0 ? member.Name : $"{member.Name}.{index}";
    }

    private readonly struct ModuleSink(Module owner, List<Module> modules) : ISink
    {
        public void Add(object value, Member member, int index)
        {
            if (value is Module m && !ReferenceEquals(m, owner)) modules.Add(m);
        }
    }

    private static void Visit<TSink>(Module owner, ref TSink sink) where TSink : struct, ISink
    {
        foreach (Member member in MembersOf(owner.GetType()))
        {
            object? value = member.Field.GetValue(owner);
            if (value is null) continue;
            if (!member.IsList)
            {
                sink.Add(value, member, -1);
                continue;
            }
            int index = 0;
            foreach (object? item in (IEnumerable)value)
            {
                if (item is not null) sink.Add(item, member, index);
                index++;
            }
        }
    }

    private static Member[] MembersOf(Type type) => s_members.GetOrAdd(type, static t =>
    {
        // Base classes first (their constructors run first, as PyTorch's super().__init__()),
        // stopping at Module: its own bookkeeping is not state.
        var chain = new Stack<Type>();
        for (Type? c = t; c is not null && c != typeof(Module); c = c.BaseType) chain.Push(c);
        var members = new List<Member>();
        foreach (Type c in chain)
        {
            const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (FieldInfo field in c.GetFields(flags).OrderBy(f => f.MetadataToken))
            {
                if (IsSingle(field.FieldType)) members.Add(new Member(field, PyTorchName(field.Name), IsList: false));
                else if (IsList(field.FieldType)) members.Add(new Member(field, PyTorchName(field.Name), IsList: true));
            }
        }
        return [.. members];
    });

    /// <summary>A type whose values may be a parameter or a module (Tensor fields may hold a Parameter).</summary>
    private static bool IsSingle(Type type) => typeof(Module).IsAssignableFrom(type) || (type.IsAssignableFrom(typeof(Parameter)) && typeof(Tensor).IsAssignableFrom(type));

    /// <summary>An array or collection whose items are modules or parameters (<c>List&lt;Linear&gt;</c>, <c>Module[]</c>, <c>IReadOnlyList&lt;Parameter&gt;</c>).</summary>
    private static bool IsList(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)) return false;
        Type? item = type.IsArray ? type.GetElementType() : ItemType(type);
        return item is not null && (typeof(Module).IsAssignableFrom(item) || typeof(Parameter).IsAssignableFrom(item));
    }

    private static Type? ItemType(Type type)
    {
        IEnumerable<Type> interfaces = type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
        return interfaces.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>
    /// The name PyTorch code would use for a C# field or property: the compiler's decoration of
    /// an auto-property's field and a leading <c>_</c> or <c>m_</c> removed, then snake_case
    /// (<c>_fc1</c> and <c>Fc1</c> are <c>fc1</c>, <c>OutputLayer</c> is <c>output_layer</c>,
    /// <c>HTTPLayer</c> is <c>http_layer</c>).
    /// </summary>
    internal static string PyTorchName(string fieldName)
    {
        string name = fieldName;
        if (name.StartsWith('<') && name.IndexOf('>') is int close and > 0) name = name[1..close]; // <Fc1>k__BackingField
        if (name.StartsWith("m_", StringComparison.Ordinal)) name = name[2..];
        name = name.TrimStart('_');
        if (name.Length == 0) return fieldName;
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool afterLower = i > 0 && char.IsLower(name[i - 1]);
                bool endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((afterLower || endsAcronym) && text[^1] != '_') text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            else text.Append(c);
        }
        return text.ToString();
    }
}
