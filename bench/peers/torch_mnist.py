#!/usr/bin/env python3
"""The PyTorch peer of the README's MNIST run (`backprop train --data mnist:DIR --dropout 0.3
--epochs 20 --lr 0.002 --schedule cosine`): the same model (784-256-128-10, ReLU, dropout 0.3
after each hidden activation, PyTorch's default Linear init), Adam at 2e-3 with a cosine
schedule stepped every batch, batches of 128 shuffled each epoch, an 80/20 split of the 10,000
shipped digits, and after each epoch the loss and accuracy on both parts, as `train` reports.

With MODEL = cnn (`torch_mnist.py DIR THREADS EPOCHS cnn`) it is instead the peer of
`backprop train --data mnist --model cnn` with its defaults: the network of torch_conv.py's
cnn(16, 32) (PyTorch's default init), Adam at 1e-3 with the same cosine schedule, no dropout,
batches of 128, each training image shifted by a random -2..2 pixels in each direction (zeros
shifted in), as `--augment` does; after each epoch only the test part is scored (the training
part's figures are the epoch's running ones, free, as `--train-metrics running` and
`backprop bench mnist --model cnn`).

Usage: torch_mnist.py DIR [THREADS] [EPOCHS] [MODEL]. Prints one JSON object: the seconds spent in
training steps (what `train` calls "s of training"), the whole run's seconds, the minor page
faults of the run, and the final test accuracy. Needs Debian's python3-torch (1.13, CPU).
"""
import gzip
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder):
    names = sorted(os.listdir(folder))
    images = next(n for n in names if "images" in n)
    labels = next(n for n in names if "labels" in n)
    x = torch.from_numpy(read_idx(os.path.join(folder, images)).reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(read_idx(os.path.join(folder, labels)).astype(np.int64))
    return x, y


def shift(batch, most=2):
    """Each 28x28 image moved by a random (dy, dx) in -most..most, zeros shifted in."""
    images = batch.view(-1, 28, 28)
    padded = torch.nn.functional.pad(images, (most, most, most, most))
    offsets = torch.randint(0, 2 * most + 1, (len(images), 2))
    out = torch.empty_like(images)
    for i, (dy, dx) in enumerate(offsets.tolist()):
        out[i] = padded[i, dy:dy + 28, dx:dx + 28]
    return out.view(-1, 784)


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        loss, right = 0.0, 0
        for i in range(0, len(x), 1000):
            out = model(x[i:i + 1000])
            loss += torch.nn.functional.cross_entropy(out, y[i:i + 1000], reduction="sum").item()
            right += (out.argmax(1) == y[i:i + 1000]).sum().item()
    model.train()
    return loss / len(x), right / len(x)


def main():
    folder = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    kind = sys.argv[4] if len(sys.argv) > 4 else "mlp"
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x, y = load(folder)
    order = torch.randperm(len(x))
    cut = int(len(x) * 0.8)
    train_x, train_y = x[order[:cut]], y[order[:cut]]
    test_x, test_y = x[order[cut:]], y[order[cut:]]
    batches = math.ceil(len(train_x) / 128)
    if kind == "cnn":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from torch_conv import cnn
        model = cnn(16, 32)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Dropout(0.3),
            torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Dropout(0.3),
            torch.nn.Linear(128, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: (1 + math.cos(math.pi * min(step, epochs * batches) / (epochs * batches))) / 2)
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    start = time.perf_counter()
    training = 0.0
    accuracy = 0.0
    for _ in range(epochs):
        began = time.perf_counter()
        perm = torch.randperm(len(train_x))
        for b in range(batches):
            idx = perm[b * 128:(b + 1) * 128]
            optimizer.zero_grad()
            images = shift(train_x[idx]) if kind == "cnn" else train_x[idx]
            loss = torch.nn.functional.cross_entropy(model(images), train_y[idx])
            loss.backward()
            optimizer.step()
            schedule.step()
            loss.item()
        training += time.perf_counter() - began
        if kind != "cnn":
            evaluate(model, train_x, train_y)
        _, accuracy = evaluate(model, test_x, test_y)
    total = time.perf_counter() - start
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    print(json.dumps({"TrainingSeconds": training, "TotalSeconds": total, "Steps": epochs * batches,
                      "MinorFaults": faults, "TestAccuracy": accuracy, "Threads": threads}))


if __name__ == "__main__":
    main()
