"""Whether this machine can sandbox grading kernels, for the tests that grade.

Where it can (bubblewrap installed, user namespaces on), every test that grades does it in the
sandbox, as the course does. Where it cannot, the tests that need the sandbox are skipped with
``SKIP_REASON`` (announced in one line at the end of the run by ``tests/conftest.py``), and the
other grading tests grade with the explicit switch ``sandboxed=False``.
"""

import pytest

from mlp_helpers.grading import sandbox

MISSING = sandbox.unavailable()
SANDBOXED = MISSING is None
SKIP_REASON = ("sandbox tests need bubblewrap and user namespaces (apt-get install bubblewrap; "
               ".ci/run does it)")
needs_sandbox = pytest.mark.skipif(not SANDBOXED, reason=SKIP_REASON)
# Command-line switches of `python -m mlp_helpers.grading` and `make check` for the same choice.
GRADING_FLAGS = [] if SANDBOXED else ["--unsandboxed"]
MAKE_FLAGS = [] if SANDBOXED else ["UNSANDBOXED=1"]
