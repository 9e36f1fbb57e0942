"""Reference code for the course "Backpropagation from scratch".

The notation is the course's: rows are examples, ``z_l = a_{l-1} @ W_l + b_l``,
``a_l = f(z_l)``, losses are means over the ``n`` examples, and ``delta_l = dL/dz_l``.
"""

from mlp_helpers.activations import (
    gelu,
    gelu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    tanh,
    tanh_derivative,
)
from mlp_helpers.autograd import Tensor
from mlp_helpers.batchnorm import batchnorm_backward, batchnorm_forward
from mlp_helpers.broadcasting import unbroadcast
from mlp_helpers.data import (
    MNIST10,
    DigitSplit,
    MNIST3v7,
    Split,
    load_mnist_3v7,
    load_mnist_10,
    xor,
)
from mlp_helpers.deltas import dense_gradients, hidden_delta, hidden_delta_relu, output_delta_mse
from mlp_helpers.gradcheck import (
    GRADIENT_CHECK_THRESHOLD,
    GradientReport,
    check_network_gradients,
    numerical_gradient,
    relative_error,
)
from mlp_helpers.initialisation import init_for_activation
from mlp_helpers.layers import (
    dense_backward,
    dense_forward,
    linear_backward,
    sigmoid_backward,
    sigmoid_forward,
)
from mlp_helpers.losses import cross_entropy_loss, mse_loss
from mlp_helpers.network import MLP, init_weights
from mlp_helpers.optimisers import adam_state, adam_step, momentum_step
from mlp_helpers.training import History, train

__all__ = [
    "GRADIENT_CHECK_THRESHOLD",
    "MLP",
    "MNIST10",
    "DigitSplit",
    "GradientReport",
    "History",
    "MNIST3v7",
    "Split",
    "Tensor",
    "adam_state",
    "adam_step",
    "batchnorm_backward",
    "batchnorm_forward",
    "check_network_gradients",
    "cross_entropy_loss",
    "dense_backward",
    "dense_forward",
    "dense_gradients",
    "gelu",
    "gelu_derivative",
    "hidden_delta",
    "hidden_delta_relu",
    "init_for_activation",
    "init_weights",
    "linear_backward",
    "load_mnist_3v7",
    "load_mnist_10",
    "momentum_step",
    "mse_loss",
    "numerical_gradient",
    "output_delta_mse",
    "relative_error",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_derivative",
    "sigmoid_forward",
    "softmax",
    "tanh",
    "tanh_derivative",
    "train",
    "unbroadcast",
    "xor",
]
