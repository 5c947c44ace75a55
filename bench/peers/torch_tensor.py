#!/usr/bin/env python3
"""The PyTorch peer for `backprop bench tensor`: the same workloads, timed the same way
(median of repeated runs after a warm-up). Needs Debian's python3-torch (1.13, CPU).

Prints one JSON list of {"Workload", "Value", "Unit"} objects with the workload names
`backprop bench tensor --json` uses, so compare-tensor.sh can pair them.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import torch


WARMUP_SECONDS = 2.0  # as `backprop bench tensor` warms up


def median_us(fn, warmup, runs):
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < WARMUP_SECONDS:
        fn()
        done += 1
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def matmul_gflops(size, threads):
    if threads != torch.get_num_threads():
        # OpenBLAS fixes its thread count when it loads, whatever torch.set_num_threads says:
        # measure in a child process started with the count in its environment.
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        out = subprocess.run([sys.executable, __file__, "--matmul", str(size), str(threads)],
                             env=env, capture_output=True, text=True, check=True).stdout
        return float(out)
    a, b = torch.randn(size, size), torch.randn(size, size)
    us = median_us(lambda: torch.mm(a, b), 3, 15)
    return 2.0 * size ** 3 / us / 1e3


def one_element_mul_us():
    a = torch.ones(1, requires_grad=True)
    b = torch.ones(1, requires_grad=True)
    batch = 10_000

    def run():
        for _ in range(batch):
            (a * b).backward()
    return median_us(run, 5, 15) / batch


class RawMlp:
    """Weights and biases as leaf tensors, ReLU between layers, SGD in place."""

    def __init__(self, sizes, lr=0.05):
        torch.manual_seed(1)
        self.params = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            bound = 1 / fan_in ** 0.5
            w = (torch.rand(fan_in, fan_out) * 2 * bound - bound).requires_grad_()
            b = (torch.rand(fan_out) * 2 * bound - bound).requires_grad_()
            self.params += [w, b]
        self.lr = lr

    def forward(self, x):
        h = x
        for i in range(0, len(self.params), 2):
            h = h @ self.params[i] + self.params[i + 1]
            if i < len(self.params) - 2:
                h = torch.relu(h)
        return h

    def step(self, x, loss_fn):
        loss = loss_fn(self.forward(x))
        for p in self.params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in self.params:
                p.add_(p.grad, alpha=-self.lr)
        return loss.item()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--matmul":
        torch.set_num_threads(int(sys.argv[3]))
        print(matmul_gflops(int(sys.argv[2]), int(sys.argv[3])))
        return
    # THREADS (default 2) for the training steps; matmul is measured at 2 and 1 either way.
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) == 2 else 2)
    figures = []
    for threads in (2, 1):
        name = f"float32 matmul 1024x1024x1024, {threads} thread{'s' if threads > 1 else ''}"
        figures.append({"Workload": name, "Value": matmul_gflops(1024, threads), "Unit": "GFLOP/s"})
    figures.append({"Workload": "1-element mul, forward + backward", "Value": one_element_mul_us(), "Unit": "us"})

    mlp = RawMlp([784, 256, 128, 10])
    x = torch.randn(128, 784)
    labels = torch.arange(128) % 10
    ce = torch.nn.functional.cross_entropy
    figures.append({"Workload": "MLP 784-256-128-10 step, batch 128 (raw tensors)",
                    "Value": median_us(lambda: mlp.step(x, lambda logits: ce(logits, labels)), 30, 200) / 1000, "Unit": "ms"})

    for name, make in (("Sgd optimizer", lambda ps: torch.optim.SGD(ps, lr=0.05)),
                       ("Adam", lambda ps: torch.optim.Adam(ps, lr=1e-3))):
        torch.manual_seed(1)
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                    torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        optimizer = make(model.parameters())

        def module_step():
            optimizer.zero_grad()
            loss = ce(model(x), labels)
            loss.backward()
            optimizer.step()
            return loss.item()
        figures.append({"Workload": f"MLP 784-256-128-10 step, batch 128 (nn modules + {name})",
                        "Value": median_us(module_step, 30, 200) / 1000, "Unit": "ms"})

    # The update alone, on the same parameter shapes with gradients in place (PyTorch 1.13's
    # CPU Adam: its default implementation; fused=True is CUDA-only there).
    shapes = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]
    params = [torch.nn.Parameter(torch.randn(*shape) * 0.05) for shape in shapes]
    for p in params:
        p.grad = torch.randn(*p.shape) * 0.01
    adam = torch.optim.Adam(params, lr=1e-3)
    figures.append({"Workload": "Adam update alone, the MLP's 235k parameters (fused kernel)",
                    "Value": median_us(adam.step, 100, 500), "Unit": "us"})

    small = RawMlp([2, 16, 16, 1])
    moons = torch.randn(100, 2)
    signs = (torch.arange(100) % 2).float().unsqueeze(1) * 2 - 1

    def hinge(scores):
        loss = torch.relu(1 - signs * scores).mean()
        for p in small.params:
            loss = loss + (p * p).sum() * 1e-4
        return loss
    figures.append({"Workload": "MLP 2-16-16-1 step, 100 moons points (hinge loss + L2)",
                    "Value": median_us(lambda: small.step(moons, hinge), 200, 2000), "Unit": "us"})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
