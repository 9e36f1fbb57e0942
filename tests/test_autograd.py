"""The small autograd: each vector-Jacobian product, unbroadcast, and the course's deltas."""

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers.autograd import Tensor, topological_order
from mlp_helpers.broadcasting import unbroadcast

THRESHOLD = mh.GRADIENT_CHECK_THRESHOLD


def check_against_finite_differences(build, *arrays):
    """``build(*tensors)`` gives a scalar Tensor; each input's grad against central differences."""
    tensors = [Tensor(array) for array in arrays]
    build(*tensors).backward()
    for tensor in tensors:
        numeric = mh.numerical_gradient(
            lambda x, t=tensor: float(build(*[Tensor(x if u is t else u.data)
                                               for u in tensors]).data), tensor.data.copy())
        assert tensor.grad.shape == tensor.shape
        assert mh.relative_error(tensor.grad, numeric) < THRESHOLD


@pytest.mark.parametrize(("name", "build"), [
    ("add a bias row", lambda x, b: ((x + b) * (x + b)).sum()),
    ("multiply by a column", lambda x, c: (x * c).sum()),
    ("divide", lambda x, c: (x / (c * c + 1.0)).sum()),
    ("subtract", lambda x, c: ((x - c) ** 2).mean()),
    ("power", lambda x, c: ((x * x + 1.0) ** -0.5 * c).sum()),
    ("exp and log", lambda x, c: ((x * c).exp() + 1.0).log().sum()),
    ("sigmoid", lambda x, c: (x.sigmoid() * c).sum()),
    ("tanh", lambda x, c: (x.tanh() * c).sum()),
    ("relu", lambda x, c: ((x + 0.05).relu() * c).sum()),
    ("sum over an axis", lambda x, c: (x.sum(axis=0) * x.sum(axis=0)).sum() + (c * 2.0).sum()),
    ("mean keeping the axis", lambda x, c: (x.mean(axis=1, keepdims=True) * c).sum()),
])
def test_each_operation_matches_finite_differences(name, build, rng):
    shapes = {"add a bias row": (1, 3), "multiply by a column": (4, 1)}
    check_against_finite_differences(build, rng.standard_normal((4, 3)),
                                     rng.standard_normal(shapes.get(name, (4, 3))))


def test_matrix_product_with_broadcast_leading_axes_matches_finite_differences(rng):
    # A tensor beyond two axes: (batch, time, features) @ (features, units) + (units,).
    X, W, b = (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)),
               rng.standard_normal(5))
    check_against_finite_differences(lambda X, W, b: ((X @ W + b).tanh()).sum(), X, W, b)


def test_a_tensor_used_twice_gets_both_gradients():
    x = Tensor(np.array([[3.0]]))
    (x * x + x).sum().backward()
    assert x.grad.tolist() == [[7.0]]


def test_backward_twice_gives_the_same_gradient_not_twice_it(rng):
    x = Tensor(rng.standard_normal((2, 2)))
    loss = (x * x).sum()
    loss.backward()
    first = x.grad.copy()
    loss.backward()
    np.testing.assert_array_equal(x.grad, first)


def test_a_matrix_product_with_a_vector_asks_for_a_matrix():
    with pytest.raises(ValueError, match=r"make a vector a \(1, d\) or \(d, 1\) matrix"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones(3))


def test_backward_without_a_gradient_needs_a_scalar():
    with pytest.raises(ValueError, match="needs a scalar"):
        (Tensor(np.ones((2, 2))) * 2.0).backward()


def test_topological_order_puts_every_tensor_after_its_parents():
    a, b = Tensor(1.0), Tensor(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d
    assert all(order.index(parent) < order.index(node) for node in order for parent in node.parents)


@pytest.mark.parametrize(("grad_shape", "shape"), [
    ((4, 3), (1, 3)),        # a bias row added to every example
    ((4, 3), (3,)),          # a leading axis added
    ((2, 4, 3), (3,)),       # two leading axes added
    ((2, 4, 3), (4, 1)),     # a leading axis added and a kept 1-axis
    ((2, 4, 3), (2, 1, 3)),  # a 1-axis in the middle
    ((4, 3), (4, 3)),        # nothing stretched
    ((4, 3), ()),            # a scalar
])
def test_unbroadcast_returns_exactly_the_operands_shape_and_the_sums(grad_shape, shape, rng):
    grad = rng.standard_normal(grad_shape)
    result = unbroadcast(grad, shape)
    assert result.shape == shape
    # The gradient of sum(g * broadcast(x)) with respect to x, entry by entry.
    x = np.zeros(shape)
    numeric = mh.numerical_gradient(lambda x_: float(np.sum(grad * x_)), x)
    np.testing.assert_allclose(result, numeric, rtol=1e-8)


def test_unbroadcast_refuses_a_shape_that_cannot_have_been_broadcast():
    with pytest.raises(ValueError, match="broadcast"):
        unbroadcast(np.ones((4, 3)), (2, 3))
    with pytest.raises(ValueError, match="does not broadcast"):
        unbroadcast(np.ones(3), (2, 3))


def test_a_bias_added_to_every_row_gets_the_sum_of_the_rows_gradients(rng):
    z, b = Tensor(rng.standard_normal((5, 3))), Tensor(np.zeros((1, 3)))
    upstream = rng.standard_normal((5, 3))
    ((z + b) * upstream).sum().backward()
    np.testing.assert_allclose(b.grad, upstream.sum(axis=0, keepdims=True), rtol=1e-14)


def test_autograd_of_lecture_3s_network_gives_the_courses_deltas(rng):
    net = mh.MLP((6, 5, 4, 3), init="xavier", seed=3)
    X, Y = rng.random((7, 6)), np.eye(3)[rng.integers(0, 3, 7)]
    W = [Tensor(w) for w in net.weights]
    b = [Tensor(b_) for b_ in net.biases]
    a1 = (Tensor(X) @ W[0] + b[0]).sigmoid()
    a2 = (a1 @ W[1] + b[1]).sigmoid()
    z3 = a2 @ W[2] + b[2]
    shifted = z3 - z3.data.max(axis=1, keepdims=True)
    log_p = shifted - shifted.exp().sum(axis=1, keepdims=True).log()
    loss = -(log_p * Y).sum() / len(X)
    loss.backward()
    assert float(loss.data) == pytest.approx(net.loss(X, Y), rel=1e-13)
    reference = net.backward(net.forward(X)[1], Y)
    for l in (1, 2, 3):
        np.testing.assert_allclose(W[l - 1].grad, reference[f"W{l}"], rtol=1e-10, atol=1e-16)
        np.testing.assert_allclose(b[l - 1].grad, reference[f"b{l}"], rtol=1e-10, atol=1e-16)


def test_autograd_agrees_with_torch_autograd(rng):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: make torch installs it")
    X, W, b = rng.standard_normal((3, 4, 5)), rng.standard_normal((5, 2)), rng.standard_normal(2)
    ours = [Tensor(X), Tensor(W), Tensor(b)]
    ((ours[0] @ ours[1] + ours[2]).tanh() ** 2).mean().backward()
    theirs = [torch.tensor(array, requires_grad=True) for array in (X, W, b)]
    (torch.tanh(theirs[0] @ theirs[1] + theirs[2]) ** 2).mean().backward()
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-12, atol=1e-15)
