#!/usr/bin/env python3
"""The peer for `backprop bench scalar`: the chapter's Python engine on micrograd's demo.

The chapter's Value class (chapter.py), plus the few operators micrograd adds (neg, sub,
radd, rmul), and micrograd's Neuron/Layer/MLP, trained as micrograd's demo notebook does:
100 two-moons points (noise 0.1), MLP 2-16-16-1, SVM max-margin loss + 1e-4 L2, full batch,
SGD with learning rate 1 - 0.9*k/100. Pure Python: no numpy or sklearn needed.

Prints one JSON object: median and mean ms per step, nodes per step, accuracy.
Usage: python3 chapter_engine_demo.py [--steps N] [--seed S]
"""
import argparse
import json
import math
import random
import statistics
import time


# ── The chapter's engine, as written in chapter.py ──────────────────────────
class Value:
    def __init__(self, data, _children=(), _op=''):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __repr__(self):
        return f"Value({self.data:.4f}, grad={self.grad:.4f})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exp):
        out = Value(self.data ** exp, (self,), f'**{exp}')

        def _backward():
            self.grad += exp * (self.data ** (exp - 1)) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0, self.data), (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()

    # ── the few operators micrograd adds ──
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other


# ── micrograd's nn.py ───────────────────────────────────────────────────────
class Neuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


def make_moons(n, noise):
    """Two interleaving half circles (scikit-learn's construction), shuffled, with noise."""
    outer, inner = n // 2, n - n // 2
    pts = [(math.cos(math.pi * i / (outer - 1)), math.sin(math.pi * i / (outer - 1)), -1) for i in range(outer)]
    pts += [(1 - math.cos(math.pi * i / (inner - 1)), 1 - math.sin(math.pi * i / (inner - 1)) - 0.5, 1) for i in range(inner)]
    random.shuffle(pts)
    return [[x + random.gauss(0, noise), y + random.gauss(0, noise)] for x, y, _ in pts], [label for _, _, label in pts]


def count_nodes(root):
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(v._prev)
    return len(seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--seed', type=int, default=1337)
    args = parser.parse_args()
    random.seed(args.seed)
    X, y = make_moons(100, 0.1)
    model = MLP(2, [16, 16, 1])

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return data_loss + reg_loss, sum(accuracy) / len(accuracy)

    nodes = count_nodes(loss()[0])
    times = []
    for k in range(args.steps):
        start = time.perf_counter()
        total_loss, _ = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * min(k, 100) / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({
        "StepMilliseconds": statistics.median(times),
        "MeanStepMilliseconds": statistics.mean(times),
        "NodesPerStep": nodes,
        "FinalAccuracy": loss()[1],
        "Steps": args.steps,
    }))


if __name__ == '__main__':
    main()
