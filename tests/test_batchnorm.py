"""BatchNorm in training mode: standardised columns, a backward that passes the gradient check."""

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers.autograd import Tensor
from mlp_helpers.batchnorm import batchnorm_backward, batchnorm_forward

THRESHOLD = mh.GRADIENT_CHECK_THRESHOLD


def test_forward_gives_columns_of_mean_beta_and_std_gamma(rng):
    x = 3.0 + 5.0 * rng.standard_normal((50, 4))
    gamma, beta = np.full((1, 4), 2.0), np.full((1, 4), -1.0)
    out, cache = batchnorm_forward(x, gamma, beta, 1e-5)
    np.testing.assert_allclose(out.mean(axis=0), -1.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 2.0, rtol=1e-5)
    assert cache[0] is x
    assert cache[3] == 1e-5


@pytest.mark.parametrize("n", [2, 7])
def test_backward_matches_finite_differences_for_x_gamma_and_beta(n, rng):
    x = rng.standard_normal((n, 3)) * 2 + 1
    gamma, beta = rng.standard_normal((1, 3)), rng.standard_normal((1, 3))
    dout = rng.standard_normal((n, 3))
    dx, dgamma, dbeta = batchnorm_backward(dout, batchnorm_forward(x, gamma, beta, 1e-5)[1])
    def loss(_):
        return float(np.sum(batchnorm_forward(x, gamma, beta, 1e-5)[0] * dout))
    for analytic, array in ((dx, x), (dgamma, gamma), (dbeta, beta)):
        assert analytic.shape == array.shape
        assert mh.relative_error(analytic, mh.numerical_gradient(loss, array)) < THRESHOLD


def test_backward_modifies_nothing(rng):
    x, dout = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    gamma, beta = np.ones((1, 2)), np.zeros((1, 2))
    copies = [array.copy() for array in (x, dout, gamma, beta)]
    batchnorm_backward(dout, batchnorm_forward(x, gamma, beta, 1e-5)[1])
    for array, copy in zip((x, dout, gamma, beta), copies):
        np.testing.assert_array_equal(array, copy)


def test_the_hand_derived_backward_equals_the_autograd_of_the_forward(rng):
    x, dout = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    gamma, beta = rng.standard_normal((1, 3)), rng.standard_normal((1, 3))
    xt, gt, bt = Tensor(x), Tensor(gamma), Tensor(beta)
    centred = xt - xt.mean(axis=0, keepdims=True)
    variance = (centred * centred).mean(axis=0, keepdims=True)
    out = gt * centred * (variance + 1e-5) ** -0.5 + bt
    (out * dout).sum().backward()
    by_hand = batchnorm_backward(dout, batchnorm_forward(x, gamma, beta, 1e-5)[1])
    for analytic, tensor in zip(by_hand, (xt, gt, bt)):
        np.testing.assert_allclose(analytic, tensor.grad, rtol=1e-9, atol=1e-14)


def test_batchnorm_agrees_with_torch_in_training_mode(rng):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: make torch installs it")
    x, dout = rng.standard_normal((8, 3)), rng.standard_normal((8, 3))
    gamma, beta = rng.standard_normal((1, 3)), rng.standard_normal((1, 3))
    out, cache = batchnorm_forward(x, gamma, beta, 1e-5)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    tx = torch.tensor(x, requires_grad=True)
    tg = torch.tensor(gamma[0], requires_grad=True)
    tb = torch.tensor(beta[0], requires_grad=True)
    tout = torch.nn.functional.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma[0], tg.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dbeta[0], tb.grad.numpy(), rtol=1e-10)
