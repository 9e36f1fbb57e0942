"""Record the MNIST learner's runs (10000 full-batch passes each) into the course's package.

    .venv/bin/python scripts/record_learner_mnist.py            # everything
    .venv/bin/python scripts/record_learner_mnist.py --missing  # only what the file lacks

Writes ``mlp_helpers/lectures/learners/mnist_runs.npz``: for each variant of
``learners.mnist.VARIANTS``
its learning rate (with the trials that chose it, for a run on the mean), its loss and training
accuracy before every pass, and its parameters at the learner's checkpoints; for each run on the
sum (``mnist_chaos.SUMMED``), which is chaotic, every realisation of ``mnist_chaos.RECORDED``
(loss and digits right before every pass, and for their own run the digits called 7; loss and
accuracies at the checkpoints; the network after the last pass and what it is then,
``mnist_chaos.last_pass``); and the machine that computed it all. Takes about forty minutes with
two processes; ``--missing`` runs only the realisations the file lacks (a few minutes each).
``tests/test_learner_mnist_recording.py`` checks the recording against live runs as far as two
computers agree, and ``tests/test_learners.py`` the recorded numbers against the recorded
networks and the learner's printout.
"""

import os
import sys
import time

import numpy as np

from mlp_helpers.lectures.learners import mnist, mnist_recording

if __name__ == "__main__":
    started = time.perf_counter()

    def log(line):
        print(f"[{time.perf_counter() - started:6.0f} s] {line}", flush=True)

    if "--missing" in sys.argv[1:]:
        arrays = mnist_recording.complete(mnist.recorded(), log=log)
    else:
        arrays = mnist_recording.complete(mnist_recording.record(log=log), log=log)
    # Written aside, then moved: a reader of the old file never sees half of the new one.
    partial = mnist.RUNS_PATH.with_suffix(".partial.npz")
    np.savez_compressed(partial, **arrays)
    os.replace(partial, mnist.RUNS_PATH)
    print(f"wrote {mnist.RUNS_PATH} in {time.perf_counter() - started:.0f} s")
