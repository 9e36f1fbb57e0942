"""The sandbox around every kernel that runs a student's code to grade it (bubblewrap).

A grading kernel sees a read-only system (``/usr``), the course's Python environment (the
virtualenv, the Python it was built on, the ``mlp_helpers`` package's kernel edition, which
holds no implementation of a graded part: ``kernel_edition``) and a private
``/tmp`` in memory, which holds its working folder (``WORKDIR``), and nothing else: not its
notebook's folder, ``source/``, the gradebook, the exchange, other students' folders or the
grader's home. What it writes goes when it ends: nbgrader, which writes, copies, chmods and
publishes files in the notebook's folder as the grader, never meets a link, a FIFO or a file the
kernel made there. It has
no network and its own process tree, which dies with it, and limits on memory, file size and
processes. ``Sandbox`` holds the settings (``c.Sandbox.*`` in ``nbgrader_config.py``),
``Sandbox.command`` wraps a kernel's command line, and ``unavailable`` says, after one real
trial, why this machine cannot sandbox (``None`` when it can).
"""

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from traitlets import Bool, Integer, List, Unicode
from traitlets.config import Configurable

from mlp_helpers.checks.kernel import edition as kernel_edition
from mlp_helpers.grading.sandbox import processes as sandbox_processes

PACKAGE = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
# The kernel's working folder, inside its private /tmp: empty at every start, gone at its end.
WORKDIR = "/tmp/work"
# /bin, /lib, ... are symlinks into /usr on current distributions, real folders on older ones.
_TOP_LEVEL = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
# System files a Python process reads: the dynamic linker's cache, the time zone, fonts' config.
_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives")


class Sandbox(Configurable):
    """Settings of the sandbox around grading kernels (``c.Sandbox.*``)."""

    enabled = Bool(True, help=(
        "Run every grading kernel inside the sandbox. False grades with no isolation at all: "
        "only for your own notebook or code you trust.")).tag(config=True)
    address_space_mb = Integer(3072, help=(
        "Virtual memory a grading kernel may reserve, in MiB (RLIMIT_AS). Beyond it, an "
        "allocation raises MemoryError in the student's cell. The honest 03_mnist reserves "
        "about 1 GiB (MNIST, numpy, OpenBLAS).")).tag(config=True)
    file_size_mb = Integer(64, help=(
        "Largest file a grading kernel may write, in MiB (RLIMIT_FSIZE); a larger write fails "
        "with 'File too large'.")).tag(config=True)
    tmp_size_mb = Integer(256, help=(
        "Size of the kernel's private /tmp, in MiB (a tmpfs, held in memory).")).tag(config=True)
    processes = Integer(128, help=(
        "Processes and threads a grading kernel may run at once, itself included (an honest "
        "kernel runs 11 threads).")).tag(config=True)
    read_only_paths = List(Unicode(), help=(
        "More folders or files the kernels may read (e.g. a data set outside the course "
        "package). Never the course root: it holds source/ and the gradebook.")).tag(config=True)
    writable_paths = List(Unicode(), help=(
        "More folders the kernels may write, shared by every student graded: empty unless "
        "you know why.")).tag(config=True)
    passed_environment = List(Unicode(), default_value=[
        "PATH", "LANG", "LANGUAGE", "TZ", "MPLBACKEND", "LC_*", "NBGRADER_*", "PYTHON*",
        "OPENBLAS_*", "OMP_*", "MKL_*"], help=(
        "Environment variables the kernels inherit from the grader (a trailing * matches a "
        "prefix); no others, so the grader's tokens and keys stay outside.")).tag(config=True)

    def command(self, kernel_cmd, private_dir, processes, connection_file=None,
                assignment=None):
        """The command line that runs ``kernel_cmd`` in the sandbox, in ``WORKDIR``.

        ``private_dir`` holds the kernel's sockets (read-write); ``connection_file`` is bound
        read-only on top of it; ``processes`` comes from ``sandbox_processes.for_this_user``.
        The kernel imports the package's kernel edition for ``assignment`` (``None``: one that
        holds no graded part of any assignment).
        """
        args = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--ro-bind", "/usr", "/usr"]
        for name in _TOP_LEVEL:
            path = Path("/", name)
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        for path in _SYSTEM_FILES:
            args += ["--ro-bind-try", path, path]
        # A fresh /proc shows only the sandbox's processes. Read-only, because a kernel run by
        # root is uid 0 on the host too, and /proc/sys would let it change the host's settings.
        # /dev's own tmpfs too (its devices are mounts of their own, and stay usable): else its
        # memory, like the root's, would be writable beyond tmp_size_mb.
        args += ["--dev", "/dev", "--remount-ro", "/dev", "--proc", "/proc",
                 "--remount-ro", "/proc", "--size", str(self.tmp_size_mb * MB), "--tmpfs", "/tmp",
                 "--dir", WORKDIR]
        # Mounted after /tmp: the folders below may live under the host's /tmp.
        for path in [sys.prefix, sys.base_prefix, *self.read_only_paths]:
            args += _bind("--ro-bind", path)
        # The package a kernel imports is the kernel edition, wherever it would find the real
        # one: no graded part's implementation is there to hand in (``kernel_edition``).
        edition = str(kernel_edition.build(assignment))
        for path in self._packages():
            args += _bind("--ro-bind", path, edition)
        for path in [private_dir, *self.writable_paths]:
            args += _bind("--bind", path)
        if connection_file:
            args += _bind("--ro-bind", connection_file)
        # Last: the root bwrap builds (a tmpfs holding the mount points) becomes read-only.
        args += ["--remount-ro", "/"]
        # ipykernel exits when JPY_PARENT_PID is not its parent, which it never is in here.
        args += ["--chdir", WORKDIR, "--unsetenv", "JPY_PARENT_PID",
                 "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp",
                 "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--"]
        # The limits are set inside: bwrap's own set-up is not the student's to pay for.
        limits = ["prlimit", f"--as={self.address_space_mb * MB}",
                  f"--fsize={self.file_size_mb * MB}", "--core=0"]
        return processes.command(args, limits, kernel_cmd)

    def environment(self, env):
        """The variables of ``env`` that ``passed_environment`` lets into the sandbox."""
        names = [name for name in self.passed_environment if not name.endswith("*")]
        prefixes = tuple(name[:-1] for name in self.passed_environment if name.endswith("*"))
        return {key: value for key, value in env.items()
                if key in names or (prefixes and key.startswith(prefixes))}

    def _packages(self):
        # The virtualenv and the Python it was built on (a pyenv one sits in root's home: only
        # its own folder is bound) are bound as they are; of the course, only its package's
        # place: an editable install points at the course root, which holds source/ and the
        # gradebook.
        return list(dict.fromkeys([str(PACKAGE), *_installed_package()]))


def _installed_package():
    """The folders a kernel imports ``mlp_helpers`` from, away from the course root.

    The grader may run in a copy of the course (its ``mlp_helpers`` comes first on its path),
    while a kernel, started in a submission's folder, finds the package through the
    environment's (editable) install: both must be there in the sandbox.
    """
    path = [entry for entry in sys.path if entry not in ("", os.getcwd())]
    for finder in sys.meta_path:
        try:
            spec = finder.find_spec("mlp_helpers", path)
        except (AttributeError, ImportError, TypeError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            return [os.path.realpath(folder) for folder in spec.submodule_search_locations]
    return []


def _bind(option, path, source=None):
    """``option`` for ``path`` at its own place, and at its real place when it is a symlink.

    ``source``: what is mounted there instead of ``path`` itself.
    """
    real = os.path.realpath(path)
    source = real if source is None else source
    binds = [option, source, real]
    if os.path.abspath(path) != real:
        binds += [option, source, os.path.abspath(path)]
    return binds


class SandboxUnavailable(RuntimeError):
    """Grading refused: the sandbox cannot run here (the message says why and what to do)."""


UNSANDBOXED = (
    "To grade without a sandbox anyway, only your own notebook or code you trust: "
    "`make check NB=<notebook> UNSANDBOXED=1` or `python -m mlp_helpers.grading --unsandboxed "
    "<notebook>`; for nbgrader, `c.Sandbox.enabled = False` in nbgrader_config.py (or "
    "`--Sandbox.enabled=False` on its command line).")


@functools.cache
def unavailable():
    """Why grading kernels cannot be sandboxed here, in one paragraph; ``None`` if they can.

    Decided once per process by a real trial: a trivial Python run inside the same sandbox.
    """
    if shutil.which("bwrap") is None:
        return ("Grading refused: student code is graded only inside a sandbox, and bubblewrap "
                "(the `bwrap` command) is not installed. Install it with "
                "`apt-get install bubblewrap` (Debian, Ubuntu; `dnf install bubblewrap` on "
                f"Fedora). {UNSANDBOXED}")
    processes = sandbox_processes.for_this_user(Sandbox().processes)
    if isinstance(processes, str):
        return f"Grading refused: student code is graded only inside a sandbox, and {processes} "\
               f"{UNSANDBOXED}"
    with tempfile.TemporaryDirectory(prefix="sandbox-trial-") as folder:
        command = Sandbox().command([sys.executable, "-c", "pass"], folder, processes)
        try:
            trial = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                   check=False, env=Sandbox().environment(os.environ))
        finally:
            processes.remove()
    if trial.returncode == 0:
        return None
    said = " ".join(trial.stderr.split())[:300] or f"exit status {trial.returncode}"
    return ("Grading refused: student code is graded only inside a sandbox, and bubblewrap "
            f"cannot create one on this machine ({said}). It needs user namespaces: enable "
            "them (`sysctl -w kernel.unprivileged_userns_clone=1`, "
            "`sysctl -w user.max_user_namespaces=10000`; in a container, allow them), then try "
            f"again. {UNSANDBOXED}")


def require():
    """Raise ``SandboxUnavailable`` with the reason when grading kernels cannot be sandboxed."""
    reason = unavailable()
    if reason:
        raise SandboxUnavailable(reason)
