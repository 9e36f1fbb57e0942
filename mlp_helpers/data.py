"""The course's data: XOR, and the real MNIST digits 3 and 7 shipped with the package.

MNIST labels become 0 for a three and 1 for a seven; ``Y`` is their one-hot form, with column 0
for "3" and column 1 for "7". Nothing is downloaded: the digits are in ``data/mnist_3_7.npz``,
checked against its sha256 on every load.
"""

import hashlib
import mmap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MNIST_PATH = Path(__file__).with_name("data") / "mnist_3_7.npz"
MNIST_SHA256 = "49d49b84668e90cca1edeae59b094dfc3335a838869bd652e8cbadd8ce5248a5"
DIGITS = (3, 7)


def xor():
    """The four XOR examples.

    Returns
    -------
    X : (4, 2) float64 array
        Inputs ``(0,0), (0,1), (1,0), (1,1)``.
    Y : (4, 1) float64 array
        Targets ``0, 1, 1, 0``.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([[0.0], [1.0], [1.0], [0.0]])


@dataclass(frozen=True)
class Split:
    """One part of the data set.

    ``X`` is ``(n, 784)`` (or ``(n, 28, 28)``) floats in [0, 1]; ``labels`` is ``(n,)`` ints,
    0 for a three and 1 for a seven; ``Y`` is ``(n, 2)`` one-hot; ``digits`` is ``(n,)`` with
    the original MNIST labels 3 and 7.
    """

    X: np.ndarray
    labels: np.ndarray
    Y: np.ndarray

    @property
    def digits(self):
        """``(n,)`` original MNIST labels, 3 or 7."""
        return np.asarray(DIGITS)[self.labels]

    def __len__(self):
        return len(self.labels)


@dataclass(frozen=True)
class MNIST3v7:
    """Train, validation (``None`` unless asked for) and test splits."""

    train: Split
    val: Split
    test: Split


class DataFileError(RuntimeError):
    """The shipped MNIST file is missing or does not match its checksum."""


def _checked_archive(path, sha256, name, script):
    """The shipped file's four arrays, once its sha256 is ``sha256``; ``name`` is the file's."""
    if not path.is_file():
        raise DataFileError(f"The {name} is missing: {path}. It ships with the repository; "
                            "restore it with `git checkout -- mlp_helpers/data` or rebuild it "
                            f"with `python scripts/{script}`.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise DataFileError(f"The {name} {path} is corrupt: its sha256 is {digest}, expected "
                            f"{sha256}. Restore it with `git checkout -- mlp_helpers/data`.")
    with np.load(path) as archive:
        return {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}


@lru_cache(maxsize=1)
def _raw_mnist(path):
    return _checked_archive(path, MNIST_SHA256, "MNIST data file", "build_mnist_3_7.py")


def prefaulted_empty(shape, dtype=np.float64):
    """``np.empty(shape, dtype)`` whose memory the OS maps in one go, where Linux allows it.

    A fresh array's memory is mapped page by page as it is first written; for the 78 MB of the
    training set that is about 20 000 page faults, most of the time a new kernel spends loading
    MNIST. ``MAP_POPULATE`` maps every page at once, several times faster.
    """
    populate = getattr(mmap, "MAP_POPULATE", 0)
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if not populate or nbytes == 0:
        return np.empty(shape, dtype)
    memory = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
    return np.frombuffer(memory, dtype=dtype).reshape(shape)


def _pixels(images, flatten, dtype):
    """``(n, 784)`` (or ``(n, 28, 28)``) pixels in [0, 1] from uint8 ``images``."""
    # Dividing in ``dtype`` gives the same values as ``images.astype(dtype) / 255``, without
    # the second copy.
    shape = (len(images), int(np.prod(images.shape[1:]))) if flatten else images.shape
    X = prefaulted_empty(shape, dtype)
    np.divide(images.reshape(X.shape), X.dtype.type(255.0), out=X, dtype=X.dtype)
    return X


def _split(images, digits, flatten, dtype):
    X = _pixels(images, flatten, dtype)
    labels = (digits == DIGITS[1]).astype(np.int64)
    return Split(X=X, labels=labels, Y=np.eye(2, dtype=dtype)[labels])


def load_mnist_3v7(flatten=True, validation_size=0, seed=0, dtype=np.float64):
    """Real MNIST threes and sevens, pixels scaled to [0, 1].

    Parameters
    ----------
    flatten : bool
        ``X`` is ``(n, 784)`` when True, ``(n, 28, 28)`` when False.
    validation_size : int
        Training examples held out (chosen at random, seeded) as a validation split;
        0 leaves ``val`` as ``None``. The test split is never touched.
    seed : int
        Seeds the choice of validation examples.
    dtype : numpy float dtype

    Returns
    -------
    MNIST3v7
        ``train`` (12396 examples, fewer by ``validation_size``), ``val`` and ``test`` (2038).
    """
    raw = _raw_mnist(MNIST_PATH)
    dtype = np.dtype(dtype).type
    n_train = len(raw["y_train"])
    if not 0 <= int(validation_size) < n_train:
        raise ValueError(f"validation_size must be between 0 and {n_train - 1}, "
                         f"got {validation_size}.")
    train = _split(raw["x_train"], raw["y_train"], flatten, dtype)
    test = _split(raw["x_test"], raw["y_test"], flatten, dtype)
    val = None
    if validation_size:
        order = np.random.default_rng(seed).permutation(n_train)
        held, kept = np.sort(order[:validation_size]), np.sort(order[validation_size:])
        val = Split(train.X[held], train.labels[held], train.Y[held])
        train = Split(train.X[kept], train.labels[kept], train.Y[kept])
    return MNIST3v7(train=train, val=val, test=test)


# All ten digits: the first 30,000 MNIST training images (in MNIST's order) and all 10,000 test
# images, built by scripts/build_mnist_10.py (provenance and licence in data/README.md).
MNIST_10_PATH = Path(__file__).with_name("data") / "mnist_10.npz"
MNIST_10_SHA256 = "a6c039e52236aa4afc5bfccb3e4cd6b6f7ccad898a53db59f12c61b536e3760e"


@dataclass(frozen=True)
class DigitSplit:
    """One part of the ten-digit data.

    ``X`` is ``(n, 784)`` (or ``(n, 28, 28)``) floats in [0, 1]; ``labels`` is ``(n,)`` ints,
    the digit itself (0 to 9); ``Y`` is ``(n, 10)`` one-hot, column ``k`` for digit ``k``.
    """

    X: np.ndarray
    labels: np.ndarray
    Y: np.ndarray

    def __len__(self):
        return len(self.labels)


@dataclass(frozen=True)
class MNIST10:
    """Train (30,000 digits) and test (10,000) splits of all ten digits."""

    train: DigitSplit
    test: DigitSplit


@lru_cache(maxsize=1)
def _raw_mnist_10(path):
    return _checked_archive(path, MNIST_10_SHA256, "ten-digit MNIST file", "build_mnist_10.py")


def _digit_split(images, digits, flatten, dtype):
    X = _pixels(images, flatten, dtype)
    labels = digits.astype(np.int64)
    return DigitSplit(X=X, labels=labels, Y=np.eye(10, dtype=dtype)[labels])


def load_mnist_10(flatten=True, dtype=np.float64):
    """Real MNIST, all ten digits, pixels scaled to [0, 1]; the file is checked first.

    Parameters
    ----------
    flatten : bool
        ``X`` is ``(n, 784)`` when True, ``(n, 28, 28)`` when False.
    dtype : numpy float dtype

    Returns
    -------
    MNIST10
        ``train``: the first 30,000 MNIST training digits; ``test``: all 10,000 test digits.
    """
    raw = _raw_mnist_10(MNIST_10_PATH)
    dtype = np.dtype(dtype).type
    return MNIST10(train=_digit_split(raw["x_train"], raw["y_train"], flatten, dtype),
                   test=_digit_split(raw["x_test"], raw["y_test"], flatten, dtype))
