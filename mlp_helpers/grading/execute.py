"""How a submission's cells run when it is graded: in a sandbox, on the clock, restarted.

``KernelRestartingExecute`` replaces nbgrader's ``Execute`` among the autograde preprocessors
(``nbgrader_config.py``). Every notebook's kernel runs in the sandbox
(``mlp_helpers.grading.sandbox``),
or grading refuses to start when the machine cannot make one, unless ``c.Sandbox.enabled`` is
False. The kernel works in a folder of its own, never the notebook's folder, where nbgrader
writes, copies, chmods and publishes files as the grader. Graded test cells are never sent to
the kernel: the grader judges them in its own process (``grading.judge``), so their hidden tests
and answer keys never reach the student's code. A cell that runs longer than
``c.Execute.timeout`` is stopped, and a notebook that runs
longer than ``notebook_timeout`` in all stops there: the rest of its cells score nothing, and
the class waits no longer for it. A cell that kills its kernel, or will not stop when its time
is up, costs that cell only: the kernel is restarted and grading goes on.
"""

import math
import tempfile
from time import monotonic

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer

from mlp_helpers.checks.kernel.remote import Kernel
from mlp_helpers.grading import judge as grading_judge
from mlp_helpers.grading import sandbox
from mlp_helpers.grading.outputs import BoundedOutputs
from mlp_helpers.grading.sandbox.kernel import SandboxedKernelManager

KERNEL_DIED = ("this cell stopped the Python kernel (os._exit, a crash, or running out of "
               "memory). The cells above it were run again in a new kernel and grading went on "
               "from the next cell; what this cell defines is missing.")
KERNEL_STOPPED = ("this cell ran past the time limit and did not stop when interrupted, so its "
                  "kernel was stopped. The cells above it were run again in a new kernel and "
                  "grading went on from the next cell; what this cell defines is missing.")
EXIT_STOPS_THE_CELL = ("exit() and quit() would stop the Python kernel; while the notebook is "
                       "graded they stop this cell only. Remove them from the notebook.")
UNSANDBOXED_WARNING = ("Grading kernels run WITHOUT a sandbox (c.Sandbox.enabled = False): "
                       "student code can read and change everything this user can.")


class KernelRestartingExecute(BoundedOutputs, Execute):
    """nbgrader's ``Execute``, sandboxed, with a time limit per notebook, surviving dead kernels.

    With nbgrader's own, a kernel that dies (``os._exit`` in a student's cell, or in a function
    a check calls; a crash; the memory running out) ends the execution, and nbgrader drops the
    whole submission: the student gets no grade and no feedback. Here the cell gets a
    ``KernelDied`` error instead, a new kernel runs the cells above it again (silently, to
    rebuild the student's state) and execution goes on with the next cell, so only what
    depended on the killing cell loses points.
    """

    notebook_timeout = Integer(300, allow_none=True, help=(
        "Seconds one notebook may run in all, its kernel's restarts included (None: no "
        "limit). When they are up, the running cell is stopped and the cells after it are not "
        "run; their tests score nothing. Each cell also has c.Execute.timeout.")).tag(config=True)

    # Once every test is judged, the kernel is stopped at once (nbclient's default waits for
    # it to run its atexit hooks): they are the student's code, with nothing left to do, and
    # the wait cost each student about 0.08 s.
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate", help=(
        "How the kernel is stopped once the notebook is graded.")).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Execute the notebook in a sandboxed kernel, within ``notebook_timeout``."""
        if sandbox.Sandbox(parent=self).enabled:
            reason = sandbox.unavailable()
            if reason:
                # nbgrader logs a traceback for the student and goes on to the next, who is
                # refused too: the paragraph first, where the instructor reads it.
                self.log.error("%s", reason)
                raise sandbox.SandboxUnavailable(reason)
            self.kernel_manager_class = SandboxedKernelManager
        else:
            self.log.warning(UNSANDBOXED_WARNING)
            self.kernel_manager_class = AsyncKernelManager
        self._deadline = monotonic() + self.notebook_timeout if self.notebook_timeout else None
        self._assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        # Unsandboxed, the kernel still works in a throw-away folder; in the sandbox it gets
        # its own (``sandbox.WORKDIR``) whatever this is.
        with tempfile.TemporaryDirectory(prefix="grading-work-") as workdir:
            self._workdir = workdir
            return super().preprocess(nb, resources, km)

    def create_kernel_manager(self):
        """The kernel manager; a sandboxed one imports the kernel edition of this assignment."""
        km = super().create_kernel_manager()
        if isinstance(km, SandboxedKernelManager):
            km.assignment = self._assignment
        return km

    async def async_start_new_kernel(self, **kwargs):
        """Start the kernel in the throw-away folder, never in the notebook's own."""
        kwargs["cwd"] = self._workdir
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def preprocess_cell(self, cell, resources, index):
        """Execute one cell, unless it is a graded test; after the last, judge every test."""
        if grading_judge.is_test(cell):
            cell.outputs, cell.execution_count = [], None
        else:
            cell, resources = self._run_cell(cell, resources, index)
        if index == len(self.nb.cells) - 1:
            self._judge(resources)
        return cell, resources

    def _judge(self, resources):
        who = resources.get("nbgrader", {}).get("student") or "the submission"
        if self._out_of_time() or not run_sync(self.km.is_alive)():
            grading_judge.unjudged(self.nb, f"not graded: grading this notebook took longer "
                                   f"than {self.notebook_timeout} s in all, and the grader "
                                   "could not check this part.")
            return
        grading_judge.judge(self.nb, Kernel(self.ask, self._revive), self.log, who)

    def _revive(self):
        """After a request with no answer: if it stopped the kernel, start it again.

        A student's function that kills its kernel (``os._exit``) when the grader calls it
        costs that part only: the kernel is restarted and the notebook's cells run again.
        """
        if not self._out_of_time() and not run_sync(self.km.is_alive)():
            self.log.warning("A call of the grader's stopped the kernel; restarting it.")
            self._restart(len(self.nb.cells))

    def _run_cell(self, cell, resources, index):
        """Execute one cell; if the kernel dies or hangs, record it and restart it."""
        if index == 0:
            self._prepare_kernel()
        if self._out_of_time():
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error("NotebookTimeout", f"not run: grading this notebook "
                                       f"took longer than {self.notebook_timeout} s in all, "
                                       "and the cells from here on were not run.")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.log.warning("Cell %s stopped the kernel; restarting it.", index)
            cell.outputs = [_error("KernelDied", KERNEL_DIED)]
        except CellTimeoutError:
            self.log.warning("Cell %s did not stop when interrupted; restarting its kernel.",
                             index)
            cell.outputs = [_error("KernelStopped", KERNEL_STOPPED)]
        if self._out_of_time():  # nothing more will run: no new kernel
            run_sync(self.km.shutdown_kernel)(now=True)
            return cell, resources
        self._restart(index)
        return cell, resources

    def _restart(self, index):
        """A new kernel in which the cells before ``index`` have run again, silently."""
        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        self._prepare_kernel()
        for earlier in self.nb.cells[:index]:
            if self._out_of_time():  # the cells from here on will not run anyway
                break
            if (earlier.cell_type == "code" and earlier.source.strip() and not _stopped(earlier)
                    and not grading_judge.is_test(earlier)):
                self.wait_for_reply(self.kc.execute(earlier.source, silent=True,
                                                    store_history=False), earlier)

    def _get_timeout(self, cell):
        # A cell may run until its own limit or the notebook's, whichever comes first.
        timeout = super()._get_timeout(cell)
        if getattr(self, "_deadline", None) is None:
            return timeout
        left = max(1, math.ceil(self._deadline - monotonic()))
        return left if timeout is None else min(timeout, left)

    async def _async_handle_timeout(self, timeout, cell=None):
        reply = await super()._async_handle_timeout(timeout, cell)
        if reply is not None and self._out_of_time():
            error = _error("NotebookTimeout", f"grading this notebook took longer than "
                           f"{self.notebook_timeout} s in all: this cell was stopped, and the "
                           "cells after it were not run.")
            reply = {"content": {"status": "error", "ename": error.ename,
                                 "evalue": error.evalue, "traceback": error.traceback}}
        return reply

    def _prepare_kernel(self):
        # exit() and quit() ask the kernel to shut down after the cell, some cells later, where
        # nothing ties the death to that cell; here they stop only their own cell.
        self.wait_for_reply(self.kc.execute(_STOP_THE_CELL_ON_EXIT, silent=True,
                                            store_history=False))


_STOP_THE_CELL_ON_EXIT = f"""
def _stop_this_cell(*args, **kwargs):
    raise SystemExit({EXIT_STOPS_THE_CELL!r})
get_ipython().user_ns.update(exit=_stop_this_cell, quit=_stop_this_cell)
del _stop_this_cell
"""


def _error(name, message):
    return nbformat.v4.new_output("error", ename=name, evalue=message,
                                  traceback=[f"{name}: {message}"])


def _stopped(cell):
    # A cell that killed or hung the kernel once would do it again: it is not run again.
    return any(output.get("ename") in ("KernelDied", "KernelStopped", "NotebookTimeout")
               for output in cell.get("outputs", []))
