"""Record the MNIST learner's runs (10000 full-batch passes each) into the course's package.

    .venv/bin/python scripts/record_learner_mnist.py

Writes ``mlp_helpers/learners/mnist_runs.npz``: for each variant of ``learners.mnist.VARIANTS``
its learning rate (with the trials that chose it, for a run on the mean), its loss and training
accuracy before every pass, and its parameters at the learner's checkpoints; for the learner's
own run, which is chaotic, every realisation of ``mnist_chaos.RECORDED`` (loss, digits right and
digits called 7 before every pass; loss and accuracies at the checkpoints); and the machine that
computed it all. Takes about twenty minutes on one core. ``tests/test_learner_mnist_recording.py``
checks the recording against live runs as far as two computers agree, and against the learner's
printout.
"""

import time

import numpy as np

from mlp_helpers.learners import mnist, mnist_recording

if __name__ == "__main__":
    started = time.perf_counter()

    def log(line):
        print(f"[{time.perf_counter() - started:6.0f} s] {line}", flush=True)

    arrays = mnist_recording.record(log=log)
    np.savez_compressed(mnist.RUNS_PATH, **arrays)
    print(f"wrote {mnist.RUNS_PATH} in {time.perf_counter() - started:.0f} s")
