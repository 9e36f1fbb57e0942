"""The kernel manager that starts every grading kernel inside the sandbox.

nbgrader's ``Execute`` is nbclient's ``NotebookClient``, which makes one kernel manager per
notebook from its ``kernel_manager_class``; ``KernelRestartingExecute`` gives it this one when
``c.Sandbox.enabled``. It is jupyter_client's own manager, and all of the kernel's life
(start, restart, interrupt, shutdown, kill) keeps going through jupyter_client's code, with
five changes:

- ZMQ runs over Unix sockets (``transport = "ipc"``): TCP on 127.0.0.1 cannot reach into the
  sandbox's own network namespace. The sockets and the connection file live in a private
  folder per manager (a fixed socket path collided between graders running side by side), bound
  into the sandbox; the connection file read-only.
- The kernel's command line is wrapped by ``Sandbox.command`` (``format_kernel_cmd``), so a
  restart (``KernelRestartingExecute``, after a cell killed its kernel) gets a new sandbox too,
  with a new, empty working folder: never the notebook's folder, where nbgrader works.
- The kernel inherits only the variables ``Sandbox.passed_environment`` names, and its own
  stdout (where ipykernel would print a banner) goes nowhere.
- Interrupts are sent as messages: a signal would reach bwrap, not the kernel inside it.
- The kernel imports the package's kernel edition for the assignment graded (``kernel_edition``):
  none of that assignment's graded parts is implemented there.
"""

import os
import shutil
import subprocess
import tempfile

from jupyter_client.manager import AsyncKernelManager

from mlp_helpers.grading.sandbox import Sandbox, SandboxUnavailable
from mlp_helpers.grading.sandbox import processes as sandbox_processes


class SandboxedKernelManager(AsyncKernelManager):
    """jupyter_client's ``AsyncKernelManager``, whose kernels run in the sandbox."""

    _private = None
    _processes = None
    # The assignment graded, set by ``KernelRestartingExecute`` (``None``: the kernel edition
    # then holds no graded part of any assignment).
    assignment = None

    @property
    def sandbox(self):
        """The sandbox's settings, from the same configuration as the manager."""
        return Sandbox(config=self.config)

    @property
    def kernel_spec(self):
        """The kernel's spec, interrupted by message (``interrupt_mode``)."""
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec

    async def _async_pre_start_kernel(self, **kw):
        if self._private is None:
            # mkdtemp: a folder only this user can enter, with a short path (a Unix socket's
            # path must stay under 108 bytes).
            self._private = tempfile.mkdtemp(prefix="grading-kernel-")
            self.transport = "ipc"
            self.connection_file = os.path.join(self._private, "kernel.json")
            self.ip = os.path.join(self._private, "zmq")
            self._processes = sandbox_processes.for_this_user(self.sandbox.processes)
            if isinstance(self._processes, str):
                raise SandboxUnavailable(self._processes)
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernel spec's command line, run in a new sandbox."""
        command = super().format_kernel_cmd(extra_arguments)
        return self.sandbox.command(command, self._private, self._processes,
                                    self.connection_file, self.assignment)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = self.sandbox.environment(kw.get("env") or os.environ)
        # bwrap itself starts in the private folder; the kernel, inside, in its own WORKDIR.
        kw["cwd"] = self._private
        # Without JPY_PARENT_PID, ipykernel prints its "To connect another client" banner to
        # its own stdout, the grader's terminal; cells' output travels over ZMQ, not there.
        kw.setdefault("stdout", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart=False):
        try:
            await super()._async_cleanup_resources(restart=restart)
            # The kernel is gone by now: its process group (a cgroup, for root) goes too...
            if self._processes is not None:
                self._processes.remove()
        finally:  # ...and the private folder, once the manager is done with it.
            if not restart and self._private is not None:
                shutil.rmtree(self._private, ignore_errors=True)
                self._private = None

    async def _async_wait(self, pollinterval=0.1):
        # jupyter_client looks every 0.1 s whether a stopped kernel is gone; a killed sandbox
        # is gone within milliseconds, and every student waited the whole interval.
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    # AsyncKernelManager binds these public names to KernelManager's own coroutines, which
    # would bypass the methods above: nbclient calls cleanup_resources directly when it finds
    # the kernel already dead (it never started, or died in the last cell).
    pre_start_kernel = _async_pre_start_kernel
    _launch_kernel = _async_launch_kernel
    cleanup_resources = _async_cleanup_resources

