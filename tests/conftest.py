import os

# Figures render off-screen in tests, whatever the machine's display.
os.environ.setdefault("MPLBACKEND", "Agg")
# One BLAS thread (inherited by notebook kernels too): tests share two cores, and OpenBLAS
# threads fighting over them make small matrix products up to 20 times slower. Results also
# no longer depend on the thread count.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
