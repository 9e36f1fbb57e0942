"""Momentum and Adam: a step computed by hand, nothing modified in place, PyTorch's optimisers."""

import numpy as np
import pytest

from mlp_helpers.optimisers import adam_state, adam_step, momentum_step


def test_adams_first_step_is_computed_by_hand():
    param, grad = np.array([[1.0, -2.0]]), np.array([[0.5, -4.0]])
    new_param, state = adam_step(param, grad, adam_state(param), lr=0.1)
    # t = 1: m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2, so the step is lr * sign(g).
    m, v = 0.1 * grad, 0.001 * grad**2
    expected = param - 0.1 * (m / 0.1) / (np.sqrt(v / 0.001) + 1e-8)
    np.testing.assert_allclose(new_param, expected, rtol=1e-15)
    np.testing.assert_allclose(new_param, [[0.9, -1.9]], rtol=1e-7)
    assert state["t"] == 1
    np.testing.assert_allclose(state["m"], m, rtol=1e-15)
    np.testing.assert_allclose(state["v"], v, rtol=1e-15)


def test_adams_second_step_uses_the_bias_correction_of_t_2():
    param = np.array([2.0])
    state = {"m": np.array([0.3]), "v": np.array([0.004]), "t": 1}
    new_param, new_state = adam_step(param, np.array([1.0]), state, lr=0.01, beta1=0.8,
                                     beta2=0.9, eps=1e-3)
    m, v = 0.8 * 0.3 + 0.2 * 1.0, 0.9 * 0.004 + 0.1 * 1.0
    expected = 2.0 - 0.01 * (m / (1 - 0.8**2)) / (np.sqrt(v / (1 - 0.9**2)) + 1e-3)
    assert new_param[0] == pytest.approx(expected, rel=1e-15)
    assert new_state["t"] == 2


def test_adam_modifies_neither_param_nor_state(rng):
    param, grad = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    state = {"m": rng.standard_normal((3, 2)), "v": rng.random((3, 2)), "t": 4}
    before = (param.copy(), state["m"].copy(), state["v"].copy())
    new_param, new_state = adam_step(param, grad, state, lr=0.01)
    np.testing.assert_array_equal(param, before[0])
    np.testing.assert_array_equal(state["m"], before[1])
    np.testing.assert_array_equal(state["v"], before[2])
    assert state["t"] == 4
    assert new_state["m"] is not state["m"]
    assert new_param.dtype == np.float64


def test_adams_step_hardly_changes_when_the_gradient_is_a_thousand_times_larger(rng):
    param, grad = rng.standard_normal(5), rng.standard_normal(5)
    small, _ = adam_step(param, grad, adam_state(param), lr=0.01)
    large, _ = adam_step(param, 1000 * grad, adam_state(param), lr=0.01)
    np.testing.assert_allclose(large - param, small - param, rtol=1e-6)


def test_momentum_adds_up_past_gradients():
    param, grad = np.array([0.0]), np.array([1.0])
    velocity = np.zeros(1)
    for _ in range(3):
        param, velocity = momentum_step(param, grad, velocity, lr=0.1, momentum=0.5)
    assert velocity[0] == pytest.approx(1 + 0.5 + 0.25)
    assert param[0] == pytest.approx(-0.1 * (1 + 1.5 + 1.75))


def test_momentum_modifies_nothing_and_names_a_gradient_of_the_wrong_shape(rng):
    param, velocity = rng.standard_normal(3), rng.standard_normal(3)
    copies = param.copy(), velocity.copy()
    momentum_step(param, np.ones(3), velocity, lr=0.1)
    np.testing.assert_array_equal(param, copies[0])
    np.testing.assert_array_equal(velocity, copies[1])
    with pytest.raises(ValueError, match="grad must have shape"):
        adam_step(param, np.ones(4), adam_state(param), lr=0.1)


def test_adam_and_momentum_follow_torch_optim_step_by_step(rng):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: make torch installs it")
    start = rng.standard_normal((4, 3))
    grads = [rng.standard_normal((4, 3)) for _ in range(5)]
    for make, ours in [
        (lambda p: torch.optim.Adam([p], lr=0.01), "adam"),
        (lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9), "momentum"),
    ]:
        weight = torch.tensor(start.copy(), requires_grad=True)
        optimiser = make(weight)
        param, state, velocity = start.copy(), adam_state(start), np.zeros_like(start)
        for grad in grads:
            weight.grad = torch.tensor(grad)
            optimiser.step()
            if ours == "adam":
                param, state = adam_step(param, grad, state, lr=0.01)
            else:
                param, velocity = momentum_step(param, grad, velocity, lr=0.1)
        np.testing.assert_allclose(param, weight.detach().numpy(), rtol=1e-12, atol=1e-15)
