"""The shipped ten-digit MNIST file: checksums, counts, scaling, and the rebuild script's choice."""

import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp_helpers import data

ARRAY_SHA256 = {
    "x_train": "9f891d49308fa39b43868ba24455606f1680335269eb8e1cbf20f66a45f2d241",
    "y_train": "d510795e8a357f2c86e669225de4cf5070490c6ce8668f2f905816a9734a6457",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def load_build_script():
    sys.path.insert(0, str(SCRIPTS))  # the script imports its sibling build_mnist_3_7
    try:
        spec = importlib.util.spec_from_file_location("build_mnist_10",
                                                      SCRIPTS / "build_mnist_10.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPTS))
    return module


def test_shipped_file_and_every_array_match_the_published_checksums():
    assert hashlib.sha256(data.MNIST_10_PATH.read_bytes()).hexdigest() == data.MNIST_10_SHA256
    with np.load(data.MNIST_10_PATH) as archive:
        assert archive.files == list(ARRAY_SHA256)
        for key, digest in ARRAY_SHA256.items():
            assert hashlib.sha256(archive[key].tobytes()).hexdigest() == digest


def test_the_rebuild_script_expects_the_same_checksums_as_the_loader():
    script = load_build_script()
    assert script.NPZ_SHA256 == data.MNIST_10_SHA256
    assert script.ARRAY_SHA256 == ARRAY_SHA256
    assert script.N_TRAIN == 30_000


def test_the_rebuild_keeps_the_first_examples_in_mnist_order():
    script = load_build_script()
    images = np.arange(5, dtype=np.uint8)[:, None, None] * np.ones((1, 2, 2), np.uint8)
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    kept_images, kept_labels = script.first_examples(images, labels, 3)
    assert kept_labels.tolist() == [5, 0, 4]
    assert kept_images[:, 0, 0].tolist() == [0, 1, 2]
    assert kept_images.flags.c_contiguous


def test_all_ten_digits_with_mnist_counts_and_pixels_in_0_1():
    mnist = data.load_mnist_10()
    assert mnist.train.X.shape == (30000, 784)
    assert mnist.test.X.shape == (10000, 784)
    assert np.bincount(mnist.train.labels).tolist() == [2961, 3423, 2948, 3073, 2926, 2709, 2975,
                                                        3107, 2875, 3003]
    assert np.bincount(mnist.test.labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958,
                                                       1028, 974, 1009]
    assert mnist.train.labels[:5].tolist() == [5, 0, 4, 1, 9]  # MNIST's own first five
    assert mnist.train.X.min() == 0.0
    assert mnist.train.X.max() == 1.0
    assert mnist.train.X.mean() == pytest.approx(0.1317, abs=1e-4)
    np.testing.assert_array_equal(mnist.test.Y.argmax(axis=1), mnist.test.labels)
    assert mnist.test.Y.sum(axis=1).tolist() == [1.0] * 10000


def test_images_can_stay_28_by_28_and_in_float32():
    mnist = data.load_mnist_10(flatten=False, dtype=np.float32)
    assert mnist.train.X.shape == (30000, 28, 28)
    assert mnist.train.X.dtype == np.float32
    assert len(mnist.test) == 10000


def test_corrupt_file_is_named_with_its_wrong_checksum(tmp_path, monkeypatch):
    broken = tmp_path / "mnist_10.npz"
    broken.write_bytes(b"not the digits")
    monkeypatch.setattr(data, "MNIST_10_PATH", broken)
    data._raw_mnist_10.cache_clear()
    try:
        with pytest.raises(data.DataFileError, match="corrupt: its sha256 is"):
            data.load_mnist_10()
        monkeypatch.setattr(data, "MNIST_10_PATH", tmp_path / "absent.npz")
        with pytest.raises(data.DataFileError, match=r"build_mnist_10\.py"):
            data.load_mnist_10()
    finally:
        data._raw_mnist_10.cache_clear()


@pytest.mark.slow
def test_the_subset_is_enough_for_97_percent_with_adam_in_five_epochs():
    # What mlp_helpers/data/README.md states: 784-256-10 (ReLU, He), Adam at 0.001, batches of 64.
    from mlp_helpers import modules
    from mlp_helpers.optimisers import adam_state, adam_step

    digits = data.load_mnist_10()
    rng = np.random.default_rng(0)
    net = modules.Sequential(modules.Linear.initialised(784, 256, "relu", rng), modules.ReLU(),
                             modules.Linear.initialised(256, 10, "sigmoid", rng))
    states, shuffle = {}, np.random.default_rng(0)
    for _ in range(5):
        order = shuffle.permutation(len(digits.train))
        for start in range(0, len(order), 64):
            rows = order[start:start + 64]
            net.loss(digits.train.X[rows], digits.train.Y[rows])
            net.backward()
            grads, new = net.gradients(), {}
            for key, param in net.parameters().items():
                new[key], states[key] = adam_step(param, grads[key],
                                                  states.get(key) or adam_state(param), lr=1e-3)
            net.set_parameters(new)
    assert net.accuracy(digits.test.X, digits.test.labels) >= 0.97
