"""A real JupyterLab on a copy of the course, driven by headless Chromium.

``start_lab`` runs the README's ``make lab`` (minus the browser) in a temporary copy of the
course, so the tests never write into the repository; ``Lab.stop`` ends it by its process id and
checks that no kernel is left behind. ``LabPage`` holds the few gestures a person makes.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

CHROMIUM = Path("/usr/lib/chromium/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
LANDING_PAGE = "START_HERE.md"  # what `make lab` opens first (jupyter/jupyter_lab_config.json)

# The mistake every flow plants: `1 - a` as the sigmoid's derivative in assignment 1's hidden delta.
WRONG_HIDDEN_DELTA = """def hidden_delta(delta_next, W_next, a):
    return (delta_next @ W_next.T) * (1 - a)"""
RIGHT_HIDDEN_DELTA = """def hidden_delta(delta_next, W_next, a):
    return (delta_next @ W_next.T) * a * (1 - a)"""
ITS_DIAGNOSIS = "You used 1 - a as the derivative"

# Whatever a working copy holds besides the course itself: builds, caches, grading state.
NOT_COURSE = shutil.ignore_patterns(
    ".venv", ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
    ".ipynb_checkpoints", "test-artifacts", "gradebook.db", ".exchange",
)
# nbgrader's folders of grading state, at the course's top only: mlp_helpers/templates/ has a
# folder named feedback/ too, the feedback pages' template.
GRADING_STATE = ("submitted", "autograded", "feedback")


def _not_course(folder, names):
    ignored = set(NOT_COURSE(folder, names))
    if Path(folder) == REPO:
        ignored |= set(GRADING_STATE) & set(names)
    return ignored


def copy_course(destination):
    """Copy the course (not its builds or grading state) to ``destination``; return the path."""
    shutil.copytree(REPO, destination, ignore=_not_course)
    return Path(destination)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A running ``make lab``: its address, token, process, log and per-user folders."""

    def __init__(self, home, port, token, process, log):
        self.home, self.token = home, token
        self.url = f"http://127.0.0.1:{port}"
        self.process, self.log = process, log

    def api(self, path, method="GET"):
        """Call the server's REST API; return the decoded JSON answer."""
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read() or b"null")

    def reset(self):
        """Shut every kernel down and forget the open tabs, so the next visitor starts afresh."""
        for kernel in self.api("/api/kernels"):
            self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
        for workspace in self.api("/lab/api/workspaces")["workspaces"]["ids"]:
            self.api(f"/lab/api/workspaces/{workspace}", method="DELETE")

    def link(self, path=""):
        """The address a person opens, logged in by the token."""
        return f"{self.url}/{path}?token={self.token}"

    def log_tail(self, lines=40):
        """The end of the server's log, for failure messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        """Stop the server by its process id and make sure nothing it started outlives it.

        ``make``, its shell and ``jupyter lab`` share the process group started for ``make``.
        Only ``jupyter lab`` is signalled, so that it shuts its kernels down and is reaped by its
        parent, after which ``make`` ends by itself. The kernels run in their own sessions but
        name their connection file under ``home``.
        """
        group = self.process.pid
        for pid in _processes(lambda pid, cmd: os.getpgid(pid) == group and "jupyter-lab" in cmd):
            os.kill(pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()
        leftovers = _wait_gone(
            lambda pid, command: os.getpgid(pid) == group or str(self.home) in command
        )
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
        if leftovers:
            raise RuntimeError(f"JupyterLab left processes running (now killed): {leftovers}")


def _processes(condition):
    """Ids of the processes (other than this one) for which ``condition(pid, command)`` holds."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if command and condition(int(entry.name), command):
                found.append(int(entry.name))
        except OSError:  # it ended while we looked
            continue
    return found


def _wait_gone(condition, timeout=20):
    """Wait until no process meets ``condition``; return the ids of those still there."""
    deadline = time.monotonic() + timeout
    while (left := _processes(condition)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def start_lab(course, home, timeout=60):
    """Run ``make lab`` in ``course`` with a free port and a token; wait until it answers.

    ``home`` receives the per-user Jupyter folders (settings, workspaces, runtime, IPython), so
    neither the user's own configuration nor the test's traces leak between the two.
    """
    port, token = _free_port(), os.urandom(16).hex()
    options = [
        "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:
        options.append("--allow-root")
    env = dict(os.environ)
    for variable, folder in [
        ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"), ("IPYTHONDIR", "ipython"),
    ]:
        (home / folder).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / folder)
    # The server and its kernels start as they would for a person: matplotlib's inline figures,
    # no warnings turned into errors.
    for variable in ("MPLBACKEND", "PYTHONWARNINGS"):
        env.pop(variable, None)
    venv = Path(sys.prefix)
    log = home / "lab.log"
    command = [
        "make", "--silent", "--no-print-directory", "-C", str(course),
        "-o", str(venv / ".ready"), "lab", f"VENV={venv}", f"LAB_ARGS={' '.join(options)}",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=course, env=env, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    lab = Lab(home, port, token, process, log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"make lab exited with {process.returncode}:\n{lab.log_tail()}")
        try:
            lab.api("/api/status")
            return lab
        except OSError:
            if time.monotonic() > deadline:
                lab.stop()
                raise RuntimeError(
                    f"JupyterLab did not answer in {timeout} s:\n{lab.log_tail()}"
                ) from None
            time.sleep(0.2)


def new_context(chromium):
    """A fresh browser profile with a laptop-sized window."""
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(30_000)
    return context


class LabPage:
    """A browser tab on JupyterLab, with the gestures of a person and numbered screenshots."""

    def __init__(self, page, lab, flow):
        self.page, self.lab, self.flow = page, lab, flow
        self.shots = 0
        for old in ARTIFACTS.glob(f"{flow}-*.png"):
            old.unlink()

    def screenshot(self, what, of=None):
        """Keep what the person sees now as ``test-artifacts/<flow>-<n>-<what>.png``.

        ``of`` (a locator) narrows the picture to that element, e.g. one widget.
        """
        self.shots += 1
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.flow}-{self.shots:02d}-{what}.png"
        # Let the notebook paint what was just scrolled into view (it renders cells lazily).
        self.page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        (of or self.page).screenshot(path=path)
        return path

    def open(self, path="", workspace=None):
        """Open ``path`` (a file in the course; by default the landing page) as a link would.

        ``workspace`` names a JupyterLab workspace of its own, for a second window at once.
        Returns once the file's tab is the current one, so nothing opens over what comes next.
        """
        where = f"lab/workspaces/{workspace}/" if workspace else "lab/"
        self.page.goto(self.lab.link(f"{where}tree/{path}" if path or workspace else ""))
        current = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
        current.filter(has_text=Path(path or LANDING_PAGE).name).wait_for()

    def notebook(self):
        """The notebook in the current tab, once its kernel is idle."""
        panel = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        panel.locator(".jp-Cell").first.wait_for()
        self.wait_idle()
        return panel

    def wait_idle(self, timeout=60_000):
        """Wait until the kernel is idle and no cell of the notebook is waiting to run."""
        self.page.wait_for_function(
            """() => {
                const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                const status = document.querySelector('#jp-main-statusbar');
                const prompts = panel ? [...panel.querySelectorAll('.jp-InputPrompt')] : [];
                return panel && status && /\\| Idle/.test(status.textContent)
                    && !prompts.some(prompt => prompt.textContent.includes('*'));
            }""",
            timeout=timeout,
        )

    def show(self, locator, tries=5):
        """Scroll ``locator`` into the window and keep it there.

        The notebook sizes cells as it first paints them, so what was scrolled to can move away
        while the cells above it appear: scroll again until it stays in view.
        """
        for _ in range(tries):
            locator.scroll_into_view_if_needed()
            try:
                expect(locator).to_be_in_viewport(ratio=0.5, timeout=1_000)
                return
            except AssertionError:
                continue
        expect(locator).to_be_in_viewport(ratio=0.5)

    def menu(self, *labels):
        """Click through the menu bar, e.g. ``menu("Run", "Run All Cells")``."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=labels[0]).click()
        for label in labels[1:]:
            self.page.locator(".lm-Menu-itemLabel").get_by_text(label, exact=True).click()

    def cell(self, containing):
        """The code cell whose source contains ``containing``."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").filter(
            has=self.page.locator(".cm-content", has_text=containing)
        ).first

    def replace_source(self, cell, source):
        """Select everything in ``cell``'s editor and type ``source`` in its place."""
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Escape")
