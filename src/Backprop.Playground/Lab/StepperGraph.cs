namespace Backprop.Playground.Lab;

/// <summary>
/// What <c>POST /api/stepper</c> answers: a computation graph of real <see cref="Value"/> nodes
/// after one backward pass, and that pass cut into steps, one per node in reverse topological
/// order, each with its chain-rule products and a finite-difference check.
/// </summary>
/// <param name="Nodes">Every node, output first; a node's <c>Id</c> is its position here.</param>
/// <param name="Edges">[input id, consumer id] for every use of a node by an op (data flows from the first to the second).</param>
/// <param name="Order">The ids in the order the steps visit them: reverse topological, the output first.</param>
/// <param name="Steps">One per id of <paramref name="Order"/>.</param>
/// <param name="Summary">The numbers a reader checks first.</param>
/// <param name="Note">What the graph leaves out, in words (null when it is the whole computation).</param>
public sealed record StepperGraph(
    IReadOnlyList<StepperNode> Nodes,
    IReadOnlyList<int[]> Edges,
    IReadOnlyList<int> Order,
    IReadOnlyList<StepperStep> Steps,
    StepperSummary Summary,
    string? Note);

/// <summary>One node as a micrograd drawing shows it: <c>label | data | grad</c>.</summary>
/// <param name="Id">Its position in <see cref="StepperGraph.Nodes"/>.</param>
/// <param name="Label">The node's label, or its op when it has none.</param>
/// <param name="Op">The op that made it (<see cref="Value.Op"/>); empty for a leaf.</param>
/// <param name="Data">Its number.</param>
/// <param name="Grad">dL/d(node) after the whole backward pass.</param>
public sealed record StepperNode(int Id, string Label, string Op, double Data, double Grad);

/// <summary>
/// One step of the backward pass: the node's gradient is complete (every consumer has sent its
/// share), and it sends local derivative × upstream gradient to each input.
/// </summary>
/// <param name="Node">The node visited.</param>
/// <param name="Upstream">dL/d(node), complete at this step.</param>
/// <param name="Locals">One per input of the node, in the order of <see cref="Value.Inputs"/>.</param>
/// <param name="FdCheck">dL/d(node) by central differences, the graph replayed in double with the node nudged.</param>
public sealed record StepperStep(int Node, double Upstream, IReadOnlyList<StepperLocal> Locals, double FdCheck);

/// <summary>What a step sends to one input.</summary>
/// <param name="Input">The input's id.</param>
/// <param name="LocalDerivative">d(node)/d(input) (<see cref="Value.LocalDerivatives"/>).</param>
/// <param name="Product">LocalDerivative × upstream: this path's share of dL/d(input).</param>
/// <param name="GradAfter">dL/d(input) summed so far, this share included; its final value once every consumer has stepped.</param>
public sealed record StepperLocal(int Input, double LocalDerivative, double Product, double GradAfter);

/// <summary>The numbers of the neuron at the heart of the graph.</summary>
/// <param name="Z">The pre-activation z = Σ w·a + b.</param>
/// <param name="Loss">The loss for the chosen point.</param>
/// <param name="DLdw">dL/dw for each of the neuron's weights, in input order (one for the chapter: -14.8).</param>
/// <param name="DLdb">dL/db.</param>
public sealed record StepperSummary(double Z, double Loss, IReadOnlyList<double> DLdw, double DLdb);
