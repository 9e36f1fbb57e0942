"""Huge logits stay finite and silent; bad arguments get a ValueError that names them."""

import numpy as np
import pytest

import mlp_helpers as mh


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_of_huge_logits_is_exactly_zero_or_one(dtype):
    z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=dtype)
    a = mh.sigmoid(z)  # filterwarnings=error turns any overflow warning into a failure
    assert a.dtype == dtype
    assert np.all(np.isfinite(a))
    assert a[0, 0] == 0.0
    assert a[0, 2] == 0.5
    assert a[0, -1] == 1.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_of_huge_logits_is_finite_and_normalised(dtype):
    z = np.array([[1e4, 0.0], [-1e4, 1e4], [1e4, 1e4], [-1e4, -1e4]], dtype=dtype)
    p = mh.softmax(z)
    assert p.dtype == dtype
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(p, [[1, 0], [0, 1], [0.5, 0.5], [0.5, 0.5]])


def test_cross_entropy_of_a_confidently_wrong_prediction_is_large_but_finite():
    p = mh.softmax(np.array([[1e4, -1e4]]))
    loss, delta = mh.cross_entropy_loss(p, np.array([[0.0, 1.0]]))
    assert np.isfinite(loss)
    assert loss > 700
    np.testing.assert_allclose(delta, [[1.0, -1.0]])


def test_sigmoid_derivative_takes_the_activation_not_z():
    assert mh.sigmoid_derivative(np.array([0.5]))[0] == 0.25
    assert mh.sigmoid_derivative(mh.sigmoid(np.array([0.0])))[0] == 0.25


def test_sum_reduction_scales_the_gradient_by_n(rng):
    a, y = rng.random((5, 2)), rng.random((5, 2))
    loss_mean, grad_mean = mh.mse_loss(a, y)
    loss_sum, grad_sum = mh.mse_loss(a, y, reduction="sum")
    assert loss_sum == pytest.approx(5 * loss_mean)
    np.testing.assert_allclose(grad_sum, 5 * grad_mean)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mh.hidden_delta(np.ones((4, 3)), np.ones((3, 5)), np.ones((4, 5))),
         r"W_next must have shape \(any, 3\), got \(3, 5\)"),
        (lambda: mh.hidden_delta(np.ones((4, 3)), np.ones((5, 3)), np.ones((2, 5))),
         r"a must have shape \(4, 5\), got \(2, 5\)"),
        (lambda: mh.dense_gradients(np.ones((4, 2)), np.ones((3, 5))),
         r"delta must have shape \(4, any\), got \(3, 5\)"),
        (lambda: mh.output_delta_mse(np.ones((4, 1)), np.ones(4)),
         r"y must be a 2-D array, got shape \(4,\)"),
        (lambda: mh.mse_loss(np.ones((4, 1)), np.ones((4, 2))),
         r"y must have shape \(4, 1\), got \(4, 2\)"),
        (lambda: mh.cross_entropy_loss(np.ones((3, 2)) / 2, np.ones((2, 2))),
         r"y must have shape \(3, 2\), got \(2, 2\)"),
        (lambda: mh.softmax(np.ones(3)), r"z must be a 2-D array, got shape \(3,\)"),
        (lambda: mh.dense_forward(np.ones((4, 3)), np.ones((2, 5)), None),
         r"W must have shape \(3, any\), got \(2, 5\)"),
        (lambda: mh.MLP((2, 3, 1)).forward(np.ones((4, 3))),
         r"X must have shape \(any, 2\), got \(4, 3\)"),
        (lambda: mh.relative_error(np.ones(2), np.ones(3)), r"same shape, got \(2,\) and \(3,\)"),
    ],
)
def test_wrong_shapes_name_the_argument_and_the_expected_shape(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused_with_the_argument_named(bad):
    z = np.array([[0.0, bad]])
    with pytest.raises(ValueError, match="z contains nan or inf"):
        mh.sigmoid(z)
    with pytest.raises(ValueError, match="delta_next contains nan or inf"):
        mh.hidden_delta(z, np.ones((3, 2)), np.ones((1, 3)) / 2)
    with pytest.raises(ValueError, match="X contains nan or inf"):
        mh.train(mh.MLP((2, 1), output="sigmoid"), z, np.ones((1, 1)), lr=0.1, epochs=1)


def test_text_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="z must hold numbers"):
        mh.sigmoid(np.array(["a", "b"]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"output": "relu"}, "output must be one of"), ({"init": "zeros"}, "init must be one of")],
)
def test_unknown_network_options_are_listed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mh.MLP((2, 3, 1), **kwargs)


def test_graded_reference_functions_do_not_modify_their_arguments(rng):
    arrays = [rng.random((4, 3)), rng.random((3, 2)), rng.random((4, 2))]
    copies = [a.copy() for a in arrays]
    delta_next, W_next, y = arrays[2], arrays[1], arrays[2]
    mh.hidden_delta(delta_next, W_next, arrays[0])
    mh.dense_gradients(arrays[0], arrays[2])
    mh.output_delta_mse(arrays[2], y)
    mh.cross_entropy_loss(mh.softmax(arrays[2]), y)
    mh.mse_loss(arrays[2], y)
    for array, copy in zip(arrays, copies):
        np.testing.assert_array_equal(array, copy)
