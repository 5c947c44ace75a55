using Backprop.Kernels;
using Backprop.Memory;

namespace Backprop.Optim;

/// <summary>
/// Updates parameters from their gradients, as PyTorch's <c>torch.optim</c> optimizers do:
/// <see cref="ZeroGrad()"/>, backward, <see cref="Step"/>. Updates happen in place, under
/// <see cref="Autograd.NoGrad"/>; parameters without a gradient are skipped.
/// </summary>
public abstract class Optimizer
{
    private readonly Tensor[] _parameters;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">Leaves that require grad (e.g. <c>model.Parameters()</c>).</param>
    /// <param name="learningRate">The step size; non-negative.</param>
    /// <exception cref="ArgumentException">A parameter does not require grad or appears twice, or the rate is negative or not finite.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        var first = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!_parameters[i].RequiresGrad || !_parameters[i].IsLeaf)
                throw new ArgumentException($"{GetType().Name}: parameter {i} is not a leaf that requires grad", nameof(parameters));
            // A step updates all parameters in one pass split across threads: one tensor twice
            // would be written by two threads at once (PyTorch, too, is making this an error).
            if (!first.TryAdd(_parameters[i], i))
                throw new ArgumentException($"{GetType().Name}: parameter {i} is the same tensor as parameter {first[_parameters[i]]}", nameof(parameters));
        }
        LearningRate = learningRate;
        _name = GetType().Name;
        foreach (Tensor p in _parameters) TotalElements += p.Count;
        // Only the library's own optimizers are known to update through kernels alone: a
        // subclass elsewhere (of Adam, say) may override Update with tensor ops.
        _skipsNoGrad = UpdatesThroughKernels && GetType().Assembly == typeof(Optimizer).Assembly;
    }

    /// <summary>The elements of all the parameters together (how long one fused step's pass is).</summary>
    private protected long TotalElements { get; }

    private readonly bool _skipsNoGrad;

    // For messages: read once (GetType().Name is a call into the runtime, and every step checks every gradient).
    private readonly string _name;

    /// <summary>
    /// Whether <see cref="Update"/> writes the parameters and state through kernels on their
    /// elements alone, recording nothing, so that <see cref="Step"/> need not open a
    /// <see cref="Autograd.NoGrad"/> scope: entering and leaving one sets an AsyncLocal, which
    /// allocates, and costs a tiny network's step (TF Playground's) a few percent.
    /// </summary>
    private protected virtual bool UpdatesThroughKernels => false;

    /// <summary>The parameters being optimised.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The step size; schedules change it between steps.</summary>
    public double LearningRate
    {
        get;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), $"{GetType().Name}: the learning rate must be a finite number >= 0, got {value}");
            field = value;
        }
    }

    /// <summary>How many steps have been taken.</summary>
    public int Steps { get; private set; }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        ThreadMemory thread = ThreadMemory.Current;
        foreach (Tensor p in _parameters) p.ZeroGrad(thread);
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        Steps++;
        if (_skipsNoGrad)
        {
            UpdateAll();
            return;
        }
        using (Autograd.NoGrad()) UpdateAll();
    }

    private void UpdateAll()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (_parameters[i].Grad is Tensor grad) Update(i, _parameters[i], grad);
        }
        FinishStep();
    }

    /// <summary>Updates parameter <paramref name="index"/> in place from <paramref name="gradient"/> (called under NoGrad, except in the library's own optimizers, which write through kernels and record nothing).</summary>
    /// <param name="index">The parameter's position, for per-parameter state.</param>
    /// <param name="parameter">The parameter.</param>
    /// <param name="gradient">Its gradient.</param>
    protected abstract void Update(int index, Tensor parameter, Tensor gradient);

    /// <summary>
    /// Called once a step, after <see cref="Update"/> for every parameter with a gradient: the
    /// fused optimizers queue their updates in <see cref="Update"/> and run them all here, as
    /// one pass split across threads (<see cref="FusedStep{TUpdate}"/>).
    /// </summary>
    private protected virtual void FinishStep()
    {
    }

    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> so that their joint L2 norm is at
    /// most <paramref name="maxNorm"/> (by maxNorm / (norm + 1e-6), as PyTorch's
    /// <c>clip_grad_norm_</c>), and returns the norm before clipping.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients to clip.</param>
    /// <param name="maxNorm">The largest norm allowed.</param>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor[] withGrad = parameters.Where(p => p.Grad is not null).ToArray();
        double total;
        using (Autograd.NoGrad())
        {
            double sum = 0;
            foreach (Tensor p in withGrad) sum += (p.Grad! * p.Grad!).Sum().Item();
            total = Math.Sqrt(sum);
            double factor = maxNorm / (total + 1e-6);
            if (factor < 1)
            {
                foreach (Tensor p in withGrad)
                {
                    if (p.GradIsAccumulator) p.Grad!.MulInPlace(factor); // the leaf's own buffer: scale it where it is
                    else p.Grad = p.Grad! * factor;
                }
            }
        }
        return total;
    }

    /// <summary>Per-parameter state, created on first use.</summary>
    protected Tensor State(Tensor?[] slots, int index, Tensor like) => slots[index] ??= Tensor.ZerosLike(like).KeepBeyondScopes();

    /// <summary>
    /// Per-parameter state of a fused optimizer, created on first use where its kernel streams it
    /// fastest (<see cref="StaggeredState"/>): <paramref name="stream"/> (1, 2, 3) tells the
    /// parameter's states apart.
    /// </summary>
    private protected static Tensor State(Tensor?[] slots, int index, Tensor like, int stream) => slots[index] ??= StaggeredState.Zeros(like, stream);

    /// <summary>
    /// <paramref name="gradient"/>'s elements in <paramref name="parameter"/>'s (contiguous)
    /// order, for a fused kernel: the gradient itself when it is contiguous, else one copy (a
    /// transposed or broadcast view, as a gradient may still be).
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameter is a non-contiguous view, which cannot be updated in place element by element.</exception>
    private protected Tensor ContiguousGradient(Tensor parameter, Tensor gradient)
    {
        if (!parameter.IsContiguous)
            throw new InvalidOperationException($"{_name}: the parameter is a non-contiguous view of shape {ShapeMath.Format(parameter.ShapeArray)}");
        DTypes.RequireSame(_name, parameter, gradient);
        // A gradient the backward pass made shares its parameter's shape array (the common case: no comparison).
        bool sameShape = ReferenceEquals(gradient.ShapeArray, parameter.ShapeArray) || ShapeMath.Same(gradient.ShapeArray, parameter.ShapeArray);
        Tensor aligned = sameShape ? gradient : ShapeOps.ExpandView(gradient, parameter.ShapeArray);
        return StridedCopy.ToContiguous(aligned);
    }
}
