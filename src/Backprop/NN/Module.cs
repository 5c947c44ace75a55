namespace Backprop.NN;

/// <summary>
/// A piece of a network, as PyTorch's <c>nn.Module</c>: it owns parameters, buffers and child
/// modules under names, computes <see cref="Forward"/>, and can save and load its state.
/// </summary>
/// <remarks>
/// <para>
/// Subclasses implement <see cref="ForwardCore"/> and keep what they own in fields or
/// properties, as in PyTorch: a <see cref="Parameter"/>, a <see cref="Module"/>, or an array or
/// list of either, held in a field (auto-properties are fields too) is found by
/// <see cref="Parameters"/>, <see cref="NamedParameters"/>, <see cref="StateDict"/>,
/// <see cref="ZeroGrad()"/>, <see cref="Train"/> and <see cref="Eval"/> without registering it.
/// </para>
/// <para>
/// The rule: what <see cref="RegisterParameter"/>, <see cref="RegisterBuffer"/> and
/// <see cref="RegisterModule{TModule}"/> registered comes first, in registration order; then
/// the fields, base class fields first and each class's in declaration order, skipping anything
/// already registered (each parameter and module appears once). A field is named as PyTorch
/// code would name it: a leading <c>_</c> or <c>m_</c> dropped and the rest in snake_case, so
/// <c>_fc1</c>, <c>fc1</c> and a property <c>Fc1</c> all give <c>fc1.weight</c>, and
/// <c>OutputLayer</c> gives <c>output_layer.weight</c>. A list or array field is PyTorch's
/// <c>nn.ModuleList</c> (or <c>nn.ParameterList</c>): its items are <c>layers.0</c>,
/// <c>layers.1</c>, … (null items are skipped, keeping the others' positions). Fields are read
/// each time the module is walked, so assigning a field or adding to a list later is seen. Plain
/// tensors in fields are not state (as in PyTorch): register buffers with
/// <see cref="RegisterBuffer"/>. Register explicitly to choose another name; a field whose
/// name is already registered for something else is an error when the module is walked.
/// </para>
/// <para>
/// Names nest with dots, as PyTorch names them: the weight of the first layer of a
/// <see cref="Sequential"/> is <c>0.weight</c>.
/// </para>
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, Parameter Parameter)> _parameters = [];
    private readonly List<(string Name, Tensor Buffer)> _buffers = [];
    private readonly List<(string Name, Module Module)> _modules = [];
    private readonly List<Action<Module, Tensor, Tensor>> _forwardHooks = [];
    private readonly List<Action<Module, Tensor>> _backwardHooks = [];

    /// <summary>Whether the module is in training mode (dropout active, batch statistics used); true after construction.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>
    /// Runs the module on <paramref name="input"/>: <see cref="ForwardCore"/>, then the forward
    /// hooks, and attaches the backward hooks to the output. Every way of calling a module goes
    /// through here, so hooks always fire.
    /// </summary>
    /// <param name="input">The input batch.</param>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor output = ForwardCore(input);
        if (_forwardHooks.Count > 0)
        {
            // A copy, so that a hook may remove itself; only when there are hooks (this is every layer's hot path).
            foreach (Action<Module, Tensor, Tensor> hook in _forwardHooks.ToArray()) hook(this, input, output);
        }
        if (_backwardHooks.Count > 0 && output.RequiresGrad)
        {
            Action<Module, Tensor>[] hooks = [.. _backwardHooks];
            output.RegisterHook(gradient =>
            {
                foreach (Action<Module, Tensor> hook in hooks) hook(this, gradient);
                return null;
            });
        }
        return output;
    }

    /// <summary>Whether any forward or backward hook is registered on this module (a container may then not fuse it with its neighbour).</summary>
    internal bool HasHooks => _forwardHooks.Count > 0 || _backwardHooks.Count > 0;

    /// <summary>The computation itself; called by <see cref="Forward"/>.</summary>
    /// <param name="input">The input batch.</param>
    protected abstract Tensor ForwardCore(Tensor input);

    /// <summary>Registers <paramref name="hook"/>(module, input, output) to run after every forward pass; dispose the handle to remove it.</summary>
    /// <param name="hook">The hook.</param>
    public IDisposable RegisterForwardHook(Action<Module, Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _forwardHooks.Add(hook);
        return new Removal(() => _forwardHooks.Remove(hook));
    }

    /// <summary>
    /// Registers <paramref name="hook"/>(module, gradient of the output) to run when the
    /// gradient of this module's output is computed in a backward pass (for outputs made after
    /// registration); dispose the handle to remove it.
    /// </summary>
    /// <param name="hook">The hook.</param>
    public IDisposable RegisterBackwardHook(Action<Module, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _backwardHooks.Add(hook);
        return new Removal(() => _backwardHooks.Remove(hook));
    }

    /// <summary>Every parameter of this module and its children, each once, in registration order.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every parameter with its dotted name (<c>0.weight</c>, <c>0.bias</c>, …), each once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach ((string name, Parameter p) in Walk(m => m.Owned().Parameters))
        {
            if (seen.Add(p)) yield return (name, p);
        }
    }

    /// <summary>Every buffer (state that is saved but not trained, such as running statistics) with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Walk(m => m._buffers);

    /// <summary>The direct children with their names: the registered ones, then those held in fields.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => Owned().Modules;

    /// <summary>This module and all its descendants with dotted names ("" for this one), each once (a module reached twice keeps its first name).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            (string name, Module module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (name, module);
            List<(string Name, Module Module)> children = module.Owned().Modules;
            for (int i = children.Count - 1; i >= 0; i--)
            {
                (string child, Module m) = children[i];
                stack.Push((name.Length == 0 ? child : $"{name}.{child}", m));
            }
        }
    }

    /// <summary>
    /// The parameters and children this module owns directly: the registered ones, then those
    /// its fields hold that are not registered (see the class remarks for the rule).
    /// </summary>
    private (List<(string Name, Parameter Parameter)> Parameters, List<(string Name, Module Module)> Modules) Owned()
    {
        var fieldParameters = new List<(string Name, Parameter Parameter)>();
        var fieldModules = new List<(string Name, Module Module)>();
        ModuleFields.Read(this, fieldParameters, fieldModules);
        if (fieldParameters.Count == 0 && fieldModules.Count == 0) return (_parameters, _modules);
        List<(string Name, Parameter Parameter)> parameters = Merge(_parameters, fieldParameters);
        List<(string Name, Module Module)> modules = Merge(_modules, fieldModules);
        return (parameters, modules);
    }

    /// <summary>The registered items, then the field items that are not among them (by reference), each once; a field name already taken is an error.</summary>
    private List<(string Name, T Item)> Merge<T>(List<(string Name, T Item)> registered, List<(string Name, T Item)> fields) where T : class
    {
        if (fields.Count == 0) return registered;
        var seen = new HashSet<T>(registered.Select(r => r.Item), ReferenceEqualityComparer.Instance);
        var merged = new List<(string Name, T Item)>(registered);
        foreach ((string name, T item) in fields)
        {
            if (!seen.Add(item)) continue;
            if (IsRegisteredName(name) || merged.Any(m => m.Name == name))
                throw new InvalidOperationException($"{GetType().Name}: the field named '{name}' holds a {item.GetType().Name} that is not the one registered as '{name}'; register it under another name or rename the field");
            merged.Add((name, item));
        }
        return merged;
    }

    private bool IsRegisteredName(string name) =>
        _parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Name == name);

    /// <summary>Clears the gradient of every parameter (sets it to null), those held in fields included.</summary>
    public void ZeroGrad()
    {
        foreach (Parameter p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Switches this module and its descendants to training mode.</summary>
    /// <returns>This module.</returns>
    public Module Train() => SetMode(true);

    /// <summary>Switches this module and its descendants to evaluation mode (no dropout, running statistics).</summary>
    /// <returns>This module.</returns>
    public Module Eval() => SetMode(false);

    /// <summary>
    /// The state to save: every parameter and buffer by dotted name, as PyTorch's
    /// <c>state_dict()</c> names them, sharing storage with the module (save or copy them).
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach ((string name, Parameter p) in NamedParameters()) state[name] = p.Detach();
        foreach ((string name, Tensor b) in NamedBuffers()) state[name] = b;
        return state;
    }

    /// <summary>
    /// Copies <paramref name="state"/> into the parameters and buffers. With
    /// <paramref name="strict"/>, every entry must match one of them and every one of them must
    /// be present; shapes and types must always match.
    /// </summary>
    /// <param name="state">Tensors by dotted name.</param>
    /// <param name="strict">Refuse missing and unexpected entries.</param>
    /// <exception cref="ArgumentException">Names missing, unexpected, or with the wrong shape or type; the message lists them.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var targets = new Dictionary<string, Tensor>();
        foreach ((string name, Parameter p) in NamedParameters()) targets[name] = p;
        foreach ((string name, Tensor b) in NamedBuffers()) targets[name] = b;

        var problems = new List<string>();
        if (strict)
        {
            string[] missing = targets.Keys.Where(k => !state.ContainsKey(k)).ToArray();
            string[] unexpected = state.Keys.Where(k => !targets.ContainsKey(k)).ToArray();
            if (missing.Length > 0) problems.Add($"missing: {string.Join(", ", missing)}");
            if (unexpected.Length > 0) problems.Add($"unexpected: {string.Join(", ", unexpected)}");
        }
        foreach ((string name, Tensor target) in targets)
        {
            if (!state.TryGetValue(name, out Tensor? source)) continue;
            if (!source.Shape.SequenceEqual(target.Shape) || source.DType != target.DType)
                problems.Add($"{name}: expected {target.DType} [{string.Join(",", target.Shape)}], got {source.DType} [{string.Join(",", source.Shape)}]");
        }
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict({GetType().Name}): {string.Join("; ", problems)}", nameof(state));

        using (Autograd.NoGrad())
        {
            foreach ((string name, Tensor target) in targets)
            {
                if (state.TryGetValue(name, out Tensor? source)) target.CopyFrom(source);
            }
        }
    }

    /// <summary>Registers a parameter under <paramref name="name"/>; returns it, for field initialisers.</summary>
    /// <param name="name">The name, without dots.</param>
    /// <param name="parameter">The parameter.</param>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        CheckName(name);
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Registers a buffer (saved, not trained) under <paramref name="name"/>; returns it.</summary>
    /// <param name="name">The name, without dots.</param>
    /// <param name="buffer">The tensor.</param>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckName(name);
        buffer.KeepBeyondScopes(); // running statistics outlive every step
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/>; returns it.</summary>
    /// <param name="name">The name, without dots.</param>
    /// <param name="module">The child.</param>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        CheckName(name);
        _modules.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"{GetType().Name}: name '{name}' must not contain a dot", nameof(name));
        if (IsRegisteredName(name))
            throw new ArgumentException($"{GetType().Name}: '{name}' is already registered", nameof(name));
    }

    private Module SetMode(bool training)
    {
        // Every module NamedModules reaches, without the names: a trainer switches modes three
        // times an epoch, and the named walk (a dotted name and two lists per module) was a
        // sixth of what a small network's epoch allocated.
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var pending = new List<Module> { this };
        while (pending.Count > 0)
        {
            Module module = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (!seen.Add(module)) continue;
            module.IsTraining = training;
            foreach ((_, Module child) in module._modules) pending.Add(child);
            ModuleFields.ReadModules(module, pending);
        }
        return this;
    }

    private IEnumerable<(string Name, T Item)> Walk<T>(Func<Module, List<(string, T)>> items)
    {
        foreach ((string prefix, Module module) in NamedModules())
        {
            foreach ((string name, T item) in items(module)) yield return (prefix.Length == 0 ? name : $"{prefix}.{name}", item);
        }
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
