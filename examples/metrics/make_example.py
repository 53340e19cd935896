#!/usr/bin/env python3
"""Writes init-scale.jsonl: a small deep ReLU network trained three times,
with weights drawn from N(0, c/fan_in) for c = 1, 2, 3 (notes 003,
"Initialization vs. optimization"), logged in the layout `normlab simulate
--metrics` writes: one JSON object per logged step and run,
{"run", "step", "train_loss", "test_loss", "layers": [{...}, ...]}.

Standard library only; deterministic (SplitMix64, as NormLab's generated data).
The network is small so that this runs in about a minute: 2 inputs, 20 hidden
ReLU layers of width 16, 2 outputs, softmax cross-entropy, full-batch
gradient descent. A run stops at the first non-finite loss, whose value is
written as the string "NaN" (JSON has no NaN).

Usage: python3 examples/metrics/make_example.py > examples/metrics/init-scale.jsonl
"""
import json
import math
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        """53 random bits → [0, 1)."""
        return (self.next() >> 11) / float(1 << 53)

    def normal(self):
        """Box–Muller on two uniforms (the first shifted off zero)."""
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def circle_data(rng, n):
    """Points in [-1, 1]², class 1 outside the circle of radius 0.6, 10% label noise."""
    xs, ys = [], []
    for _ in range(n):
        a, b = 2 * rng.uniform() - 1, 2 * rng.uniform() - 1
        label = 1 if a * a + b * b > 0.36 else 0
        if rng.uniform() < 0.1:
            label = 1 - label
        xs.append([a, b])
        ys.append(label)
    return xs, ys


def number(value, digits=6):
    """A finite value rounded for the file; NaN and ±∞ as the strings JSON lacks."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return float("%.*g" % (digits, value))


def matvec(w, b, x):
    return [sum(wi * xi for wi, xi in zip(row, x)) + bi for row, bi in zip(w, b)]


def forward(weights, biases, x):
    """Pre-activations and activations of every layer for one input."""
    activations = [x]
    for index, (w, b) in enumerate(zip(weights, biases)):
        z = matvec(w, b, activations[-1])
        last = index == len(weights) - 1
        activations.append(z if last else [max(v, 0.0) for v in z])
    return activations


def loss_of(logits, label):
    top = max(logits)
    if not math.isfinite(top):
        return float("nan")
    log_sum = top + math.log(sum(math.exp(v - top) for v in logits))
    return log_sum - logits[label]


def train(c, hidden, steps, lr, data, log_every):
    rng = SplitMix64(2024)
    sizes = [2] + hidden + [2]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        scale = math.sqrt(c / fan_in)
        weights.append([[scale * rng.normal() for _ in range(fan_in)] for _ in range(fan_out)])
        biases.append([0.0] * fan_out)
    (train_x, train_y), (test_x, test_y) = data
    records = []
    for step in range(steps + 1):
        grads_w = [[[0.0] * len(row) for row in w] for w in weights]
        grads_b = [[0.0] * len(b) for b in biases]
        total = 0.0
        layer_values = [[] for _ in hidden]
        for x, y in zip(train_x, train_y):
            acts = forward(weights, biases, x)
            for layer in range(len(hidden)):
                layer_values[layer].extend(acts[layer + 1])
            logits = acts[-1]
            loss = loss_of(logits, y)
            total += loss
            if not math.isfinite(loss):
                continue
            top = max(logits)
            exps = [math.exp(v - top) for v in logits]
            s = sum(exps)
            delta = [e / s - (1 if k == y else 0) for k, e in enumerate(exps)]
            for layer in range(len(weights) - 1, -1, -1):
                inputs = acts[layer]
                for i, d in enumerate(delta):
                    grads_b[layer][i] += d
                    row = grads_w[layer][i]
                    for j, v in enumerate(inputs):
                        row[j] += d * v
                if layer > 0:
                    back = [sum(weights[layer][i][j] * delta[i] for i in range(len(delta))) for j in range(len(inputs))]
                    delta = [g if inputs[j] > 0 else 0.0 for j, g in enumerate(back)]
        n = len(train_x)
        train_loss = total / n
        finite = math.isfinite(train_loss)
        if step % log_every == 0 or not finite:
            test_loss = sum(loss_of(forward(weights, biases, x)[-1], y) for x, y in zip(test_x, test_y)) / len(test_x)
            layers = []
            for layer, values in enumerate(layer_values):
                mean = sum(values) / len(values)
                std = math.sqrt(sum((v - mean) * (v - mean) for v in values) / len(values))
                gradient = math.sqrt(sum(g * g for row in grads_w[layer] for g in row)) / n
                norm = math.sqrt(sum(v * v for row in weights[layer] for v in row))
                layers.append({
                    "layer": layer + 1,
                    "act_mean": number(mean),
                    "act_std": number(std),
                    "dead_fraction": number(sum(1 for v in values if v <= 0) / len(values), 4),
                    "grad_norm": number(gradient),
                    "weight_norm": number(norm),
                })
            records.append({
                "run": "c=%d" % c,
                "step": step,
                "train_loss": number(train_loss),
                "test_loss": number(test_loss),
                "layers": layers,
            })
        if not finite or step == steps:
            break
        for layer in range(len(weights)):
            for i, row in enumerate(weights[layer]):
                for j in range(len(row)):
                    row[j] -= lr * grads_w[layer][i][j] / n
                biases[layer][i] -= lr * grads_b[layer][i] / n
    return records


def main():
    rng = SplitMix64(7)
    data = (circle_data(rng, 100), circle_data(rng, 100))
    for c in (3, 2, 1):
        for record in train(c, hidden=[16] * 20, steps=60, lr=0.1, data=data, log_every=5):
            sys.stdout.write(json.dumps(record, separators=(", ", ": ")) + "\n")


if __name__ == "__main__":
    main()
