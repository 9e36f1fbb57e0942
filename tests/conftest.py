import os
import sys
from pathlib import Path

# The maintainer's scripts import their shared modules (``mnist_idx``) as siblings, as they do
# when run as ``python scripts/NAME.py``: the tests that load a script find them too.
sys.path.append(str(Path(__file__).resolve().parents[1] / "scripts"))
# Figures render off-screen in tests, whatever the machine's display.
os.environ.setdefault("MPLBACKEND", "Agg")
# One BLAS thread (inherited by notebook kernels too): tests share two cores, and OpenBLAS
# threads fighting over them make small matrix products up to 20 times slower. Results also
# no longer depend on the thread count.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium, for one test module.

    Playwright's sync API runs its event loop in a greenlet of the test's thread and leaves it
    marked as running there while it is started: ``asyncio.run`` and Python 3.11's ``ast.parse``
    then fail in any later test of the same process. So it is stopped after each module, and a
    module that needs both runs its own event loop in a thread (``tests/hub``).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/lib/chromium/chromium",
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def kernel_execute():
    """``execute(code, user_expressions)`` in a Python kernel started in tests/, for a module.

    Each call is one silent execution (one round trip, as a grader's request); it returns the
    reply's content, where ``user_expressions`` are evaluated.
    """
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3",
                                       cwd=str(Path(__file__).resolve().parent))

    def execute(code, user_expressions):
        msg_id = client.execute(code, silent=True, store_history=False,
                                user_expressions=user_expressions)
        while True:
            reply = client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]

    try:
        yield execute
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def pytest_terminal_summary(terminalreporter):
    # Here rather than in tests/browser/conftest.py: with pytest-xdist only this file is loaded
    # by the process that prints the summary.
    for what, words in [("browser", "browser tests need Chromium"),
                        ("sandbox", "sandbox tests need bubblewrap"),
                        ("hub", "hub tests need root"),
                        ("hub", "a class is set up on this machine")]:
        skipped = [report for report in terminalreporter.stats.get("skipped", [])
                   if words in str(report.longrepr)]
        if skipped:
            reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
            terminalreporter.write_line(f"NOTE: {len(skipped)} {what} tests skipped: {reason}",
                                        yellow=True, bold=True)


# The modules that set up the hub's class with its defaults (ports, folders, accounts) take
# turns (a lock in test_hub_class.hub). On two workers the second waited for the first, its
# worker idle meanwhile: pytest-xdist now hands them to one worker, one after the other.
HUB_CLASS_MODULES = ("tests/hub/test_hub_class.py", "tests/hub/test_hub_authoring.py")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's: pytest alone runs without it
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadfile":
        return None  # pytest-xdist's own scheduler for the mode asked
    from xdist.scheduler import LoadFileScheduling

    class HubModulesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid):
            scope = super()._split_scope(nodeid)
            return HUB_CLASS_MODULES[0] if scope in HUB_CLASS_MODULES else scope

    return HubModulesTogether(config, log)
