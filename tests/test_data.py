"""The shipped MNIST 3-vs-7 digits: checksum, counts, scaling, splits and clear errors."""

import hashlib

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers import data

ARRAY_SHA256 = {
    "x_train": "4030ab93f08ecefe831db4e80e5115d3d334dfd6d3613f4854a0ef00982969f3",
    "y_train": "d2ffb825746723f2c096ab790839419b865955e401b3ba636aa411324ea05bb5",
    "x_test": "e166573fc6d30cccf2ee9ef8cdfa0693773c6dc57b1666f8e289a16fd1cdf2d6",
    "y_test": "e34072547d2a3af265ce34cc53e3e19f56f3acfbb53de6d4dd7c76cf23e36b19",
}


def test_shipped_file_and_every_array_match_the_published_checksums():
    assert hashlib.sha256(data.MNIST_PATH.read_bytes()).hexdigest() == data.MNIST_SHA256
    with np.load(data.MNIST_PATH) as archive:
        for key, digest in ARRAY_SHA256.items():
            assert hashlib.sha256(archive[key].tobytes()).hexdigest() == digest


def test_counts_are_the_real_mnist_threes_and_sevens():
    mnist = mh.load_mnist_3v7()
    assert mnist.train.X.shape == (12396, 784)
    assert mnist.test.X.shape == (2038, 784)
    assert np.bincount(mnist.train.labels).tolist() == [6131, 6265]
    assert np.bincount(mnist.test.labels).tolist() == [1010, 1028]
    assert mnist.val is None
    assert set(np.unique(mnist.train.digits)) == {3, 7}


def test_pixels_are_floats_in_0_1_with_the_documented_statistics():
    mnist = mh.load_mnist_3v7()
    assert mnist.train.X.dtype == np.float64
    assert mnist.train.X.min() == 0.0
    assert mnist.train.X.max() == 1.0
    assert mnist.train.X.mean() == pytest.approx(0.1279, abs=5e-5)
    assert mnist.train.X.std() == pytest.approx(0.3052, abs=5e-5)


def test_one_hot_targets_agree_with_labels():
    mnist = mh.load_mnist_3v7()
    assert mnist.test.Y.shape == (2038, 2)
    np.testing.assert_array_equal(mnist.test.Y.argmax(axis=1), mnist.test.labels)
    np.testing.assert_array_equal(mnist.test.Y.sum(axis=1), 1.0)


def test_images_can_stay_28_by_28_and_in_float32():
    mnist = mh.load_mnist_3v7(flatten=False, dtype=np.float32)
    assert mnist.train.X.shape == (12396, 28, 28)
    assert mnist.train.X.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("flatten", [True, False])
def test_pixels_are_exactly_the_bytes_divided_by_255_in_the_chosen_dtype(dtype, flatten):
    raw = data._raw_mnist(data.MNIST_PATH)["x_test"]
    X = mh.load_mnist_3v7(flatten=flatten, dtype=dtype).test.X
    assert X.flags.writeable
    assert X.flags.c_contiguous
    np.testing.assert_array_equal(X, (raw.astype(dtype) / dtype(255.0)).reshape(X.shape))


def test_prefaulted_arrays_are_ordinary_writable_arrays():
    for shape, dtype in [((3, 4), np.float32), ((0, 784), np.float64), ((2, 28, 28), np.uint8)]:
        array = data.prefaulted_empty(shape, dtype)
        array[...] = 1
        assert (array.shape, array.dtype) == (shape, np.dtype(dtype))
        assert (array == 1).all()


def test_validation_split_is_seeded_disjoint_and_leaves_test_alone():
    a = mh.load_mnist_3v7(validation_size=1000, seed=3)
    b = mh.load_mnist_3v7(validation_size=1000, seed=3)
    assert len(a.train) == 11396
    assert len(a.val) == 1000
    assert len(a.test) == 2038
    np.testing.assert_array_equal(a.val.X, b.val.X)
    full = mh.load_mnist_3v7().train.X
    rows = {row.tobytes() for row in a.val.X}
    assert not any(row.tobytes() in rows for row in a.train.X[:2000])
    assert len(rows | {row.tobytes() for row in a.train.X}) <= len(full)


def test_loading_returns_fresh_arrays_each_time():
    first = mh.load_mnist_3v7()
    first.train.X[0, 0] = 99.0
    assert mh.load_mnist_3v7().train.X[0, 0] == 0.0


def test_missing_file_is_named_with_the_way_to_restore_it(tmp_path, monkeypatch):
    missing = tmp_path / "mnist_3_7.npz"
    monkeypatch.setattr(data, "MNIST_PATH", missing)
    with pytest.raises(data.DataFileError, match=r"missing: .*mnist_3_7\.npz.*git checkout"):
        mh.load_mnist_3v7()


def test_corrupt_file_is_named_with_its_wrong_checksum(tmp_path, monkeypatch):
    corrupt = tmp_path / "mnist_3_7.npz"
    corrupt.write_bytes(data.MNIST_PATH.read_bytes()[:-10] + b"0123456789")
    monkeypatch.setattr(data, "MNIST_PATH", corrupt)
    with pytest.raises(data.DataFileError, match=r"mnist_3_7\.npz is corrupt: its sha256 is"):
        mh.load_mnist_3v7()


def test_bad_validation_size_is_refused():
    with pytest.raises(ValueError, match="validation_size must be between 0 and 12395"):
        mh.load_mnist_3v7(validation_size=20000)


def test_xor_is_the_truth_table():
    X, Y = mh.xor()
    np.testing.assert_array_equal(Y[:, 0], np.logical_xor(X[:, 0], X[:, 1]))
