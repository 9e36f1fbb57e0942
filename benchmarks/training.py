"""Time per epoch of the reference ``mlp_helpers.train`` against PyTorch on the CPU.

The same network (784-128-64-2, sigmoid hidden layers, softmax output with the cross-entropy,
xavier init from the same seed), the same mini-batches in the same order, the same dtype, on
MNIST 3-vs-7. Four contenders run in separate worker processes, one at a time, interleaved
epoch by epoch so that a burst of load on the machine hits them all alike:

- ``reference``: ``mlp_helpers.train`` itself (checks, ``History`` and the replaceable rules);
- ``numpy_loop``: the floor, a bare loop over the same kernels with no checks or bookkeeping;
- ``torch``: a plain PyTorch loop (``nn.Linear``, ``torch.sigmoid``, ``cross_entropy``,
  ``optim.SGD``) keeping the same per-batch loss and accuracy record as ``History``;
- ``gemm``: only the epoch's matrix products, at their shapes: the machine's matmul throughput.

Separate processes keep PyTorch's OpenMP threads and numpy's OpenBLAS threads from competing.
Run: ``python -m benchmarks.training`` (``--help`` for the settings).
"""

import argparse
import importlib.util
import multiprocessing
import os
import time
from dataclasses import asdict, dataclass, field
from itertools import pairwise

import numpy as np

from benchmarks._common import blas_pools, blas_threads, machine, spread, summarize, write_json

TORCH_HINT = ("PyTorch is not installed, so only the numpy side is measured. Install it with "
              "`.venv/bin/pip install -e '.[bench]'` (or `pip install torch==2.13.0`; on Linux "
              "take the CPU-only wheel from PyTorch's own index, or pip pulls several GB of CUDA).")
# Idle OpenBLAS and OpenMP threads spin for up to ~0.1 s after their last call; waiting that
# long before each timed epoch keeps one contender's spinning threads out of the next one's time.
SETTLE_SECONDS = 0.15


@dataclass
class Settings:
    """What is trained and how often it is timed."""

    hidden: tuple = (128, 64)
    batch_size: int = 128
    lr: float = 3.0
    epochs: int = 10
    repeats: int = 5
    train_size: int = 0
    dtypes: tuple = ("float64", "float32")
    seed: int = 0
    threads: int = field(default_factory=blas_threads)

    def layer_sizes(self):
        """``(784, *hidden, 2)``."""
        return (784, *self.hidden, 2)


def load_data(settings, dtype):
    """Training and test splits as ``(X, Y, labels)``, cut to ``train_size`` if it is set."""
    from mlp_helpers import load_mnist_3v7

    data = load_mnist_3v7(dtype=dtype)
    size = settings.train_size or len(data.train)
    train = data.train
    return (train.X[:size], train.Y[:size], train.labels[:size]), (data.test.X, data.test.labels)


def batch_sizes(n, batch_size):
    """The sizes of an epoch's mini-batches (the last one may be smaller)."""
    return [min(batch_size, n - start) for start in range(0, n, batch_size)]


def flops_per_epoch(layer_sizes, n):
    """Multiply-adds of the matrix products of one epoch, times 2.

    Per example: the forward product of each layer, the weight gradient of each layer, and the
    delta sent down through every layer but the first.
    """
    products = [fan_in * fan_out for fan_in, fan_out in pairwise(layer_sizes)]
    return 2 * n * (2 * sum(products) + sum(products[1:]))


def orders(n, epochs, seed):
    """The mini-batch order of each epoch, drawn exactly as ``mlp_helpers.train`` draws it."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


class Contender:
    """One worker process that times one epoch whenever it is told to."""

    def __init__(self, name, target, settings, dtype):
        context = multiprocessing.get_context("spawn")
        self.name = name
        self.connection, child = context.Pipe()
        self.process = context.Process(target=target, args=(child, settings, dtype), daemon=True)
        self.process.start()

    def ask(self, message="epoch"):
        """Send ``message``; return the worker's answer."""
        self.connection.send(message)
        return self.connection.recv()

    def close(self):
        """Tell the worker to stop and wait for it."""
        self.connection.send("stop")
        self.process.join(timeout=30)


def _serve(connection, run_epoch, finish):
    """Worker loop: ``"epoch"`` times one epoch, ``"finish"`` reports, ``"stop"`` ends."""
    for message in iter(connection.recv, "stop"):
        if message == "epoch":
            start = time.perf_counter()
            run_epoch()
            connection.send(time.perf_counter() - start)
        else:
            connection.send(finish(message))


def reference_worker(connection, settings, dtype):
    """``mlp_helpers.train``: one call for all epochs, paused by its callback between epochs."""
    from mlp_helpers import MLP, train

    (X, Y, _), (X_test, labels_test) = load_data(settings, dtype)
    for message in iter(connection.recv, "stop"):
        if message == "new":
            net = MLP(settings.layer_sizes(), output="softmax", init="xavier",
                      seed=settings.seed, dtype=dtype)
            connection.send(None)
        elif message == "epoch":
            clock = [time.perf_counter()]

            def between_epochs(epoch, history, clock=clock):
                connection.send(time.perf_counter() - clock[0])
                if epoch + 1 < settings.epochs:
                    connection.recv()
                    clock[0] = time.perf_counter()

            history = train(net, X, Y, lr=settings.lr, epochs=settings.epochs,
                            batch_size=settings.batch_size, seed=settings.seed,
                            callback=between_epochs)
        else:
            connection.send({"test_accuracy": net.accuracy(X_test, labels_test),
                             "train_loss_last_epoch": history.loss[-1], "blas": blas_pools()})


def numpy_loop_worker(connection, settings, dtype):
    """The floor: a bare loop over the reference's kernels, no checks, no bookkeeping."""
    from mlp_helpers import MLP
    from mlp_helpers.activations import sigmoid_unchecked, softmax_unchecked
    from mlp_helpers.deltas import (
        dense_gradients_unchecked,
        hidden_delta_unchecked,
        output_delta_softmax_cross_entropy,
    )

    (X, Y, _), (X_test, labels_test) = load_data(settings, dtype)
    state = {}

    def run_epoch():
        weights, biases = state["net"].weights, state["net"].biases
        order = state["orders"][state["epoch"]]
        for start in range(0, len(X), settings.batch_size):
            chosen = order[start:start + settings.batch_size]
            activations = [X[chosen]]
            for W, b in zip(weights[:-1], biases[:-1]):
                activations.append(sigmoid_unchecked(activations[-1] @ W + b))
            activations.append(softmax_unchecked(activations[-1] @ weights[-1] + biases[-1]))
            delta = output_delta_softmax_cross_entropy(activations[-1], Y[chosen])
            for l in range(len(weights) - 1, -1, -1):
                dW, db = dense_gradients_unchecked(activations[l], delta)
                if l > 0:
                    delta = hidden_delta_unchecked(delta, weights[l], activations[l])
                weights[l] -= settings.lr * dW
                biases[l] -= settings.lr * db
        state["epoch"] += 1

    def finish(message):
        if message == "new":
            state.update(net=MLP(settings.layer_sizes(), output="softmax", init="xavier",
                                 seed=settings.seed, dtype=dtype), epoch=0,
                         orders=orders(len(X), settings.epochs, settings.seed))
            return None
        return {"test_accuracy": state["net"].accuracy(X_test, labels_test)}

    _serve(connection, run_epoch, finish)


def torch_worker(connection, settings, dtype):
    """A plain PyTorch loop from the same initial weights, over the same mini-batches."""
    import torch
    from torch import nn

    from mlp_helpers import MLP

    torch.set_num_threads(settings.threads)
    (X, _, labels), (X_test, labels_test) = load_data(settings, dtype)
    X, labels = torch.from_numpy(X), torch.from_numpy(labels)
    X_test, labels_test = torch.from_numpy(X_test), torch.from_numpy(labels_test)
    state = {}

    def forward(layers, X_batch):
        a = X_batch
        for layer in layers[:-1]:
            a = torch.sigmoid(layer(a))
        return layers[-1](a)

    def run_epoch():
        layers, optimizer = state["layers"], state["optimizer"]
        order = torch.from_numpy(state["orders"][state["epoch"]])
        loss_sum, correct = 0.0, 0
        for chosen in order.split(settings.batch_size):
            logits = forward(layers, X[chosen])
            loss = nn.functional.cross_entropy(logits, labels[chosen])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(chosen)
            correct += int((logits.argmax(dim=1) == labels[chosen]).sum())
        state["epoch"] += 1
        state["train_loss"] = loss_sum / len(X)

    def finish(message):
        if message == "new":
            start = MLP(settings.layer_sizes(), output="softmax", init="xavier",
                        seed=settings.seed, dtype=dtype)
            layers = []
            for W, b in zip(start.weights, start.biases):
                layer = nn.Linear(*W.shape, dtype=getattr(torch, dtype))
                with torch.no_grad():
                    layer.weight.copy_(torch.from_numpy(W.T))
                    layer.bias.copy_(torch.from_numpy(b[0]))
                layers.append(layer)
            parameters = [p for layer in layers for p in layer.parameters()]
            state.update(layers=layers, epoch=0,
                         optimizer=torch.optim.SGD(parameters, lr=settings.lr),
                         orders=orders(len(X), settings.epochs, settings.seed))
            return None
        with torch.no_grad():
            predicted = forward(state["layers"], X_test).argmax(dim=1)
        return {"test_accuracy": float((predicted == labels_test).double().mean()),
                "train_loss_last_epoch": state["train_loss"],
                "torch": torch.__version__, "threads": torch.get_num_threads(),
                "interop_threads": torch.get_num_interop_threads(),
                "parallel_info": torch.__config__.parallel_info().splitlines()[-8:]}

    _serve(connection, run_epoch, finish)


def gemm_worker(connection, settings, dtype):
    """Only the matrix products of an epoch, at the same shapes: what BLAS can do here."""
    (X, _, _), _ = load_data(settings, dtype)
    sizes = settings.layer_sizes()
    rng = np.random.default_rng(0)
    weights = [rng.random(shape, dtype=dtype) for shape in pairwise(sizes)]

    def products(batch):
        activations = [rng.random((batch, units), dtype=dtype) for units in sizes]
        deltas = [rng.random((batch, units), dtype=dtype) for units in sizes]
        pairs = [(activations[l], weights[l]) for l in range(len(weights))]
        pairs += [(activations[l].T, deltas[l + 1]) for l in range(len(weights))]
        pairs += [(deltas[l + 1], weights[l].T) for l in range(1, len(weights))]
        return pairs

    operands = {batch: products(batch) for batch in set(batch_sizes(len(X), settings.batch_size))}
    epoch = [operands[batch] for batch in batch_sizes(len(X), settings.batch_size)]

    def run_epoch():
        for pairs in epoch:
            for left, right in pairs:
                left @ right

    def finish(message):
        if message == "new":
            return None
        size = 1024
        A, B = rng.random((size, size), dtype=dtype), rng.random((size, size), dtype=dtype)
        times = []
        for _ in range(21):  # a single product is easily caught by a burst of load
            start = time.perf_counter()
            A @ B
            times.append(time.perf_counter() - start)
        return {"square_1024_gflops": 2 * size**3 / summarize(times)["median"] / 1e9}

    _serve(connection, run_epoch, finish)


WORKERS = {"reference": reference_worker, "numpy_loop": numpy_loop_worker,
           "torch": torch_worker, "gemm": gemm_worker}


def measure_overheads(settings, dtype, repeats=20):
    """Cost of the reference's input checks and of its ``History`` bookkeeping.

    The checks run once per ``train`` call, on the whole training set; the bookkeeping runs on
    every mini-batch (loss and correct count of the batch the network has just seen).
    """
    from mlp_helpers import MLP
    from mlp_helpers.network import class_labels

    (X, Y, _), _ = load_data(settings, dtype)
    net = MLP(settings.layer_sizes(), seed=settings.seed, dtype=dtype)
    checks = []
    for _ in range(repeats):
        start = time.perf_counter()
        net._check_inputs(X, Y)
        checks.append(time.perf_counter() - start)
    chosen = np.arange(settings.batch_size)
    output, _ = net._forward(X[chosen])
    bookkeeping = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(100):
            net._loss_sum(output, Y[chosen])
            np.count_nonzero(class_labels(output) == class_labels(Y[chosen]))
        bookkeeping.append((time.perf_counter() - start) / 100)
    batches = len(batch_sizes(len(X), settings.batch_size))
    return {"checks_per_train_call_s": summarize(checks)["median"],
            "bookkeeping_per_epoch_s": summarize(bookkeeping)["median"] * batches}


def run_dtype(settings, dtype, names):
    """Interleave the contenders epoch by epoch over ``settings.repeats`` fresh runs.

    Every repeat starts new worker processes: where a process's arrays land in memory changes
    all of its epochs alike, by up to 20 % here, so one process per contender for the whole
    run would turn that luck into a steady difference between contenders.
    """
    times = {name: [] for name in names}
    finals = {name: [] for name in names}
    for repeat in range(settings.repeats):
        contenders = [Contender(name, WORKERS[name], settings, dtype) for name in names]
        try:
            for contender in contenders:
                contender.ask("new")
            for epoch in range(settings.epochs):
                turn = (repeat * settings.epochs + epoch) % len(contenders)
                for contender in contenders[turn:] + contenders[:turn]:
                    time.sleep(SETTLE_SECONDS)
                    times[contender.name].append(contender.ask())
            for contender in contenders:
                finals[contender.name].append(contender.ask("report"))
        finally:
            for contender in contenders:
                contender.close()
    return times, finals


def analyse(settings, dtype, times, finals):
    """Medians, ratios, FLOP rates and accuracies for one dtype."""
    (X, _, _), _ = load_data(settings, dtype)
    flops = flops_per_epoch(settings.layer_sizes(), len(X))
    result = {"flops_per_epoch": flops, "epoch_seconds": {}, "gflops": {}, "final": finals}
    for name, samples in times.items():
        result["epoch_seconds"][name] = summarize(samples)
        result["gflops"][name] = flops / result["epoch_seconds"][name]["median"] / 1e9
    median = {name: summary["median"] for name, summary in result["epoch_seconds"].items()}
    if "torch" in median:
        result["ratio_reference_to_torch"] = median["reference"] / median["torch"]
        result["ratio_numpy_loop_to_torch"] = median["numpy_loop"] / median["torch"]
    result["ratio_reference_to_numpy_loop"] = median["reference"] / median["numpy_loop"]
    result["fraction_of_gemm_throughput"] = {
        name: median["gemm"] / seconds for name, seconds in median.items() if name != "gemm"}
    result["square_1024_gflops"] = finals["gemm"][0]["square_1024_gflops"]
    result["fraction_of_square_gemm"] = {
        name: rate / result["square_1024_gflops"]
        for name, rate in result["gflops"].items()}
    result["test_accuracy"] = {name: [f["test_accuracy"] for f in reports]
                               for name, reports in finals.items() if name != "gemm"}
    overheads = measure_overheads(settings, dtype)
    result["overheads"] = {
        **overheads,
        "checks_fraction_of_epoch": overheads["checks_per_train_call_s"] / median["reference"],
        "bookkeeping_fraction_of_epoch": (overheads["bookkeeping_per_epoch_s"]
                                          / median["reference"]),
    }
    return result


def report(dtype, result):
    """Print one dtype's figures."""
    print(f"\n== {dtype}: {result['flops_per_epoch'] / 1e9:.2f} GFLOP of matmuls per epoch ==")
    print(f"{'contender':<12} {'s/epoch median [q1-q3]':>28} {'GFLOP/s':>8} {'of GEMM':>8} "
          f"{'test acc':>9}")
    for name, summary in result["epoch_seconds"].items():
        accuracy = result["test_accuracy"].get(name)
        shown = f"{min(accuracy):.2%}" if accuracy else "-"
        fraction = result["fraction_of_gemm_throughput"].get(name, 1.0)
        print(f"{name:<12} {spread(summary):>28} {result['gflops'][name]:8.1f} "
              f"{fraction:8.0%} {shown:>9}")
    if "ratio_reference_to_torch" in result:
        print(f"reference / torch time per epoch: {result['ratio_reference_to_torch']:.2f} "
              f"(numpy loop / torch: {result['ratio_numpy_loop_to_torch']:.2f})")
    print(f"reference / bare numpy loop: {result['ratio_reference_to_numpy_loop']:.2f}")
    print(f"1024x1024 GEMM: {result['square_1024_gflops']:.1f} GFLOP/s")
    overheads = result["overheads"]
    print(f"input checks: {overheads['checks_per_train_call_s'] * 1e3:.2f} ms per train() call "
          f"({overheads['checks_fraction_of_epoch']:.1%} of an epoch); History bookkeeping: "
          f"{overheads['bookkeeping_per_epoch_s'] * 1e3:.2f} ms per epoch "
          f"({overheads['bookkeeping_fraction_of_epoch']:.1%})")


def main(argv=None):
    """Parse the settings, run every dtype, print and save the figures."""
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--repeats", type=int, default=defaults.repeats)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--train-size", type=int, default=0,
                        help="train on the first N examples only (0: all 12396)")
    parser.add_argument("--dtypes", nargs="+", default=list(defaults.dtypes))
    parser.add_argument("--threads", type=int, default=0, help="threads of BLAS and of torch "
                        "(default: as many as numpy's BLAS uses)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--out", help="JSON file (default benchmarks/results/training.json)")
    args = parser.parse_args(argv)
    if args.threads:
        # Read by OpenBLAS when a worker process loads numpy.
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    settings = Settings(batch_size=args.batch_size, lr=args.lr, epochs=args.epochs,
                        repeats=args.repeats, train_size=args.train_size,
                        dtypes=tuple(args.dtypes), threads=args.threads or blas_threads())
    names = ["reference", "numpy_loop", "torch", "gemm"]
    torch_missing = importlib.util.find_spec("torch") is None
    if torch_missing:
        print(TORCH_HINT)
    if torch_missing or args.no_torch:
        names.remove("torch")
    result = {"benchmark": "training", "machine": machine(), "settings": asdict(settings),
              "torch_available": not torch_missing, "contenders": names, "dtypes": {}}
    print(f"Training {settings.layer_sizes()} on MNIST 3-vs-7: batch {settings.batch_size}, "
          f"lr {settings.lr}, {settings.epochs} epochs x {settings.repeats} repeats; "
          f"{settings.threads} threads for BLAS and for torch")
    for dtype in settings.dtypes:
        times, finals = run_dtype(settings, dtype, names)
        result["dtypes"][dtype] = analyse(settings, dtype, times, finals)
        report(dtype, result["dtypes"][dtype])
    if torch_missing:
        print(TORCH_HINT)
    result["machine"]["load_average_after"] = list(machine()["load_average_1_5_15_min"])
    write_json(result, "training", args.out)
    return result


if __name__ == "__main__":
    main()
