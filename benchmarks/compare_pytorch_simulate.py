#!/usr/bin/env python3
"""Training steps per second: NormLab's simulator against PyTorch on the CPU, side by side.

Runs `normlab bench simulate --json` and the same networks in PyTorch in one
invocation, at the same thread counts, and prints both with their ratio:

  init-scale  64 -> 50 x 100 ReLU -> 10, W ~ N(0, 2/fan_in), batch 64, SGD lr 0.02
  bn-dropout  64 -> 256 -> 256 -> 10, ReLU, BatchNorm1d before the activation,
              dropout 0.2, batch 64, SGD lr 0.05 momentum 0.9

Both sides: float32, softmax cross-entropy, one step = forward, loss, backward,
update on a fresh batch. PyTorch gets batches from a pre-built tensor (no data
loader), so the comparison is of the training step alone.

PyTorch is optional: `pip install torch`. Without it the script says so and
prints NormLab's figures alone. Usage:

  swift build -c release
  python3 benchmarks/compare_pytorch_simulate.py [--normlab .build/release/normlab] [--steps 40] [--repetitions 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def normlab_figures(binary, threads, steps, repetitions):
    out = subprocess.run(
        [binary, "bench", "simulate", "--json", "--no-matmul", "--threads", ",".join(map(str, threads)),
         "--steps", str(steps), "--repetitions", str(repetitions)],
        check=True, capture_output=True, text=True).stdout
    return {(row["network"], row["threads"]): row["steps_per_s"] for row in json.loads(out)}


def torch_figures(threads, steps, repetitions):
    try:
        import torch
        from torch import nn
    except ImportError:
        print("PyTorch is not installed (pip install torch): showing NormLab's figures alone.")
        return None

    def init_scale():
        layers, width = [], 64
        for _ in range(50):
            linear = nn.Linear(width, 100)
            nn.init.normal_(linear.weight, 0.0, (2.0 / width) ** 0.5)
            nn.init.zeros_(linear.bias)
            layers += [linear, nn.ReLU()]
            width = 100
        out = nn.Linear(width, 10)
        nn.init.normal_(out.weight, 0.0, (2.0 / width) ** 0.5)
        nn.init.zeros_(out.bias)
        model = nn.Sequential(*layers, out)
        return model, torch.optim.SGD(model.parameters(), lr=0.02)

    def bn_dropout():
        model = nn.Sequential(
            nn.Linear(64, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(256, 10))
        return model, torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    figures = {}
    generator = torch.Generator().manual_seed(0)
    data = torch.rand(1438, 64, generator=generator)
    labels = torch.randint(0, 10, (1438,), generator=generator)
    loss_fn = nn.CrossEntropyLoss()
    for name, build in [("init-scale", init_scale), ("bn-dropout", bn_dropout)]:
        for t in threads:
            torch.set_num_threads(t)
            torch.manual_seed(0)
            model, optimizer = build()
            model.train()
            position = [0]

            def step():
                i = position[0]
                position[0] = (i + 64) % (1438 - 64)
                x, y = data[i:i + 64], labels[i:i + 64]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()

            for _ in range(5):
                step()
            samples = []
            for _ in range(repetitions):
                start = time.perf_counter()
                for _ in range(steps):
                    step()
                samples.append(time.perf_counter() - start)
            figures[(name, t)] = steps / statistics.median(samples)
    return figures, torch.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--normlab", default=os.path.join(".build", "release", "normlab"))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    if not os.path.exists(args.normlab):
        sys.exit(f"{args.normlab} does not exist: build it with `swift build -c release` or pass --normlab PATH")
    ours = normlab_figures(args.normlab, threads, args.steps, args.repetitions)
    theirs = torch_figures(threads, args.steps, args.repetitions)
    header = f"{'network':<12} {'threads':>7} {'NormLab steps/s':>16}"
    if theirs:
        figures, version = theirs
        print(f"PyTorch {version}, CPU, float32; median of {args.repetitions} x {args.steps} steps")
        print(header + f" {'PyTorch steps/s':>16} {'NormLab/PyTorch':>16}")
    else:
        figures = None
        print(header)
    for (name, t), rate in ours.items():
        line = f"{name:<12} {t:>7} {rate:>16.1f}"
        if figures and (name, t) in figures:
            line += f" {figures[(name, t)]:>16.1f} {rate / figures[(name, t)]:>16.2f}"
        print(line)


if __name__ == "__main__":
    main()
