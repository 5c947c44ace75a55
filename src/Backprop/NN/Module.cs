namespace Backprop.NN;

/// <summary>
/// A piece of a network, as PyTorch's <c>nn.Module</c>: it owns parameters, buffers and child
/// modules under names, computes <see cref="Forward"/>, and can save and load its state.
/// </summary>
/// <remarks>
/// Subclasses register what they own in their constructor (<see cref="RegisterParameter"/>,
/// <see cref="RegisterBuffer"/>, <see cref="RegisterModule{TModule}"/>) and implement
/// <see cref="ForwardCore"/>. Names nest with dots, as PyTorch names them: the weight of the
/// first layer of a <see cref="Sequential"/> is <c>0.weight</c>.
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

    /// <summary>Every parameter with its dotted name (<c>0.weight</c>, <c>0.bias</c>, …).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach ((string name, Parameter p) in Walk(m => m._parameters))
        {
            if (seen.Add(p)) yield return (name, p);
        }
    }

    /// <summary>Every buffer (state that is saved but not trained, such as running statistics) with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Walk(m => m._buffers);

    /// <summary>The direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _modules;

    /// <summary>This module and all its descendants with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            (string name, Module module) = stack.Pop();
            yield return (name, module);
            for (int i = module._modules.Count - 1; i >= 0; i--)
            {
                (string child, Module m) = module._modules[i];
                stack.Push((name.Length == 0 ? child : $"{name}.{child}", m));
            }
        }
    }

    /// <summary>Clears the gradient of every parameter (sets it to null).</summary>
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
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Name == name))
            throw new ArgumentException($"{GetType().Name}: '{name}' is already registered", nameof(name));
    }

    private Module SetMode(bool training)
    {
        foreach ((_, Module m) in NamedModules()) m.IsTraining = training;
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
