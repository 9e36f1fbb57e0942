"""How many processes one grading sandbox may run, counted for that sandbox alone.

``prlimit --nproc`` around the sandbox counts *every* process of the grading user: with a dozen
graders side by side, honest kernels were refused their threads. Set *inside* the sandbox's
user namespace, RLIMIT_NPROC counts that namespace's processes only (Linux 5.14 and later keep
the count per user namespace): ``RlimitProcesses``, for an ordinary user. Linux never holds
uid 0 of the host to RLIMIT_NPROC, in a namespace or not, so a grader running as root puts each
kernel in a pids cgroup of its own instead: ``CgroupProcesses`` (cgroup v2, or v1's pids
hierarchy). Both count threads too. ``for_this_user`` picks the one that works here.
"""

import functools
import itertools
import os
import platform
import re
import signal
import time
from pathlib import Path

_NAMES = itertools.count()


def for_this_user(limit):
    """A process limit of ``limit`` that holds for this user, or why there is none (a str)."""
    if os.geteuid() != 0:
        release = tuple(int(part) for part in re.findall(r"\d+", platform.release())[:2])
        if release < (5, 14):
            return (f"Linux {platform.release()} counts RLIMIT_NPROC per user, not per sandbox "
                    "(5.14 and later count it per user namespace): upgrade the kernel.")
        return RlimitProcesses(limit)
    parent = _pids_hierarchy()
    if parent is None:
        return ("grading runs as root, whose processes only a pids cgroup can count, and no "
                "cgroup with the pids controller is writable here. Grade as an ordinary user "
                "(the sandbox then limits processes inside its user namespace), or give root a "
                "writable cgroup v2 with the pids controller.")
    return CgroupProcesses(limit, parent)


class RlimitProcesses:
    """RLIMIT_NPROC, set inside the sandbox's user namespace by ``prlimit``."""

    def __init__(self, limit):
        self.limit = limit

    def command(self, bwrap, limits, kernel_cmd):
        """``bwrap`` then ``prlimit`` (``limits`` plus the process limit) then the kernel."""
        return [*bwrap, *limits, f"--nproc={self.limit}", "--", *kernel_cmd]

    def remove(self):
        """Nothing to clean up: the limit ends with the sandbox."""


class CgroupProcesses:
    """A new pids cgroup under ``parent`` for each kernel started; ``remove`` deletes them."""

    def __init__(self, limit, parent):
        self.limit, self.parent, self.groups = limit, Path(parent), []

    def command(self, bwrap, limits, kernel_cmd):
        """The kernel's command, which first moves itself into a new group with ``pids.max``."""
        group = self.parent / f"mlp-grading-{os.getpid()}-{next(_NAMES)}"
        group.mkdir()
        self.groups.append(group)
        (group / "pids.max").write_text(str(self.limit))
        # The shell enters the group, then becomes bwrap (exec, same pid): everything the
        # sandbox starts is born inside the group, with no moment outside it.
        enter = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(group / "cgroup.procs")]
        return [*enter, *bwrap, *limits, "--", *kernel_cmd]

    def remove(self):
        """Delete the groups; processes left in one (there should be none) are killed first."""
        for group in list(self.groups):
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # busy: the sandbox's processes are still being torn down
                    _kill_members(group)
                    time.sleep(0.02)
            self.groups.remove(group)


def _kill_members(group):
    try:
        kill = group / "cgroup.kill"  # cgroup v2: the whole group at once
        if kill.exists():
            kill.write_text("1")
            return
        members = (group / "cgroup.procs").read_text().split()
    except FileNotFoundError:  # the group is gone already
        return
    for pid in members:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass


@functools.cache
def _pids_hierarchy():
    """The root of a writable cgroup hierarchy with the pids controller (v2 first), or None.

    Empty groups left by a grader that was killed (its pid is gone) are removed on the way.
    """
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        separator = fields.index("-")
        mount, kind, options = fields[4], fields[separator + 1], fields[-1].split(",")
        if kind == "cgroup2":
            controllers = Path(mount, "cgroup.subtree_control")
            if controllers.exists() and "pids" in controllers.read_text().split():
                found.insert(0, mount)
        elif kind == "cgroup" and "pids" in options:
            found.append(mount)
    for mount in found:
        for group in Path(mount).glob("mlp-grading-*"):
            owner = re.fullmatch(r"mlp-grading-(\d+)-\d+", group.name)
            if owner and not Path("/proc", owner[1]).exists():
                try:
                    group.rmdir()
                except OSError:  # not empty, or not ours to remove
                    pass
        trial = Path(mount, f"mlp-grading-trial-{os.getpid()}")
        try:
            trial.mkdir()
            (trial / "pids.max").write_text("8")
            trial.rmdir()
            return mount
        except OSError:
            try:
                trial.rmdir()
            except OSError:
                pass
    return None
