"""The rebuild scripts: mnist_idx parses idx files, build_mnist_3_7 keeps 3s and 7s in order."""

import build_mnist_3_7
import mnist_idx
import numpy as np
import pytest


def idx_bytes(array):
    header = bytes([0, 0, 8, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def test_idx_round_trip_gives_back_the_array():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(mnist_idx.read_idx(idx_bytes(images)), images)


def test_truncated_idx_file_is_refused():
    with pytest.raises(ValueError, match="header says"):
        mnist_idx.read_idx(idx_bytes(np.ones((2, 3)))[:-1])
    with pytest.raises(ValueError, match="not an idx file"):
        mnist_idx.read_idx(b"PK\x03\x04")


def test_only_threes_and_sevens_are_kept_in_their_original_order():
    labels = np.array([1, 3, 7, 2, 7, 3], dtype=np.uint8)
    images = np.arange(6, dtype=np.uint8)[:, None, None] * np.ones((1, 2, 2), np.uint8)
    kept_images, kept_labels = build_mnist_3_7.select_threes_and_sevens(images, labels)
    assert kept_labels.tolist() == [3, 7, 7, 3]
    assert kept_images[:, 0, 0].tolist() == [1, 2, 4, 5]
    assert kept_images.flags.c_contiguous
