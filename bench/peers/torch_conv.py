#!/usr/bin/env python3
"""The PyTorch peer for `backprop bench conv`: the same convolution workloads under the same
names, timed the same way (median of repeated runs after a two-second warm-up). Needs Debian's
python3-torch (1.13, CPU: oneDNN convolutions).

Usage: torch_conv.py [THREADS]. Prints one JSON list of {"Workload", "Value", "Unit"} objects.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_tensor import median_us  # the same timing as the tensor peer (and `backprop bench`)


def median_ms(fn, warmup, runs):
    return median_us(fn, warmup, runs) / 1000


def forward_backward(layer, x):
    def run():
        layer.zero_grad()
        x.grad = None
        layer(x).sum().backward()
    return run


def cnn(first=32, second=64):
    """`backprop train --model cnn`'s network: two blocks of 3x3 conv (padding 1), batch norm,
    ReLU and 2x2 max pool (`first` then `second` channels: 32 and 64 in `bench conv`'s step,
    16 and 32 in `train`'s default), then a linear head."""
    return torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 28, 28)),
        torch.nn.Conv2d(1, first, 3, padding=1), torch.nn.BatchNorm2d(first), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(first, second, 3, padding=1), torch.nn.BatchNorm2d(second), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(second * 7 * 7, 10))


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    conv = torch.nn.Conv2d(32, 64, 3, padding=1)
    x = torch.randn(64, 32, 28, 28, requires_grad=True)
    depthwise = torch.nn.Conv2d(64, 64, 3, padding=1, groups=64)
    xd = torch.randn(64, 64, 28, 28, requires_grad=True)
    model = cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.rand(64, 784)
    labels = torch.arange(64) % 10

    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()

    figures = [
        ("Conv2d 32->64 3x3 pad 1 on [64,32,28,28], forward + backward", median_ms(forward_backward(conv, x), 3, 15)),
        ("Depthwise Conv2d 64 groups 3x3 pad 1 on [64,64,28,28], forward + backward", median_ms(forward_backward(depthwise, xd), 3, 15)),
        ("CNN step (conv 32, conv 64, batch norm, max pool, linear), batch 64, Adam", median_ms(step, 3, 30)),
    ]
    print(json.dumps([{"Workload": name, "Value": value, "Unit": "ms"} for name, value in figures]))


if __name__ == "__main__":
    main()
