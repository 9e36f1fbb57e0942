"""What the sandbox costs: ``nbgrader autograde`` per submission, sandboxed against not.

Two identical temporary copies of the course get the same simulated class: one grades in the
sandbox (the course's configuration), the other with ``c.Sandbox.enabled = False``. Each
student submits every assignment completed with the instructor's solutions, and ``00_empty``
(a notebook with no cells: only the kernel's start and stop and nbgrader's own work). The class
is graded in rounds; each round autogrades every assignment in both courses, which course goes
first alternating from round to round, so that load on the machine falls on both alike.

Per submission, the time is the interval between two consecutive students' autograded notebooks
being written, as in ``benchmarks.grading``. Also timed: one kernel's start and stop through
jupyter_client alone, sandboxed or not, and the trial run by which a grading process decides
once that it can sandbox (``sandbox.unavailable``).
Run: ``python -m benchmarks.sandbox`` (``--help`` for the settings).
"""

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from itertools import pairwise
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from benchmarks._common import machine, spread, summarize, write_json
from benchmarks.grading import EMPTY, autograde, available_assignments, prepare, written
from mlp_helpers import grading
from mlp_helpers.grading import sandbox
from mlp_helpers.grading.sandbox.kernel import SandboxedKernelManager

TARGET_RATIO = 1.15
MODES = ("unsandboxed", "sandboxed")


async def kernel_start_stop(manager_class, folder):
    """Seconds to start a kernel, wait until it answers, and shut it down."""
    start = time.perf_counter()
    manager = manager_class(kernel_name="python3")
    # The kernels' banners and warnings would drown the figures.
    await manager.start_kernel(cwd=str(folder), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    client.stop_channels()
    await manager.shutdown_kernel()
    return time.perf_counter() - start


def kernels(repeats):
    """Kernel start and stop, sandboxed and not, interleaved: ``{mode: [seconds]}``."""
    seconds = {mode: [] for mode in MODES}
    classes = {"unsandboxed": AsyncKernelManager, "sandboxed": SandboxedKernelManager}
    with tempfile.TemporaryDirectory(prefix="bench-kernel-") as folder:
        for repeat in range(repeats):
            for mode in MODES[::-1] if repeat % 2 else MODES:
                seconds[mode].append(asyncio.run(kernel_start_stop(classes[mode], folder)))
    return seconds


def trials(repeats):
    """Seconds of the trial run that decides whether this machine can sandbox."""
    seconds = []
    for _ in range(repeats):
        sandbox.unavailable.cache_clear()
        start = time.perf_counter()
        reason = sandbox.unavailable()
        seconds.append(time.perf_counter() - start)
        if reason:
            raise SystemExit(reason)
    return seconds


def main(argv=None):
    """Grade a simulated class in both courses; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--kernels", type=int, default=10,
                        help="kernel starts and stops timed in each mode")
    parser.add_argument("--assignments", nargs="*", default=None,
                        help="default: every assignment whose source notebook exists")
    parser.add_argument("--out", help="JSON file (default benchmarks/results/sandbox.json)")
    args = parser.parse_args(argv)
    machine_at_start = machine()
    trial_seconds = trials(5)
    kernel_seconds = kernels(args.kernels)
    assignments = available_assignments() if args.assignments is None else args.assignments
    names = [EMPTY, *assignments]
    students = [f"student{number:03d}" for number in range(1, args.students + 1)]
    rounds = [students[index::args.rounds] for index in range(args.rounds) if students[index:]]
    intervals = {mode: {name: [] for name in names} for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as directory:
        courses = {mode: grading.make_course(Path(directory) / mode, assignments,
                                             sandboxed=mode == "sandboxed") for mode in MODES}
        submissions = {mode: prepare(course, assignments) for mode, course in courses.items()}
        for number, group in enumerate(rounds):
            for name in names:
                for mode in MODES[::-1] if number % 2 else MODES:
                    for student in group:
                        grading.submit(courses[mode], name, student, submissions[mode][name])
                    autograde(courses[mode], name)
                    times = written(courses[mode], name, group)
                    intervals[mode][name] += [after - before
                                              for before, after in pairwise(times)]
    results = {}
    print(f"\nnbgrader autograde, {args.students} students in {len(rounds)} rounds, per "
          "submission (median [q1-q3] s)")
    print(f"{'assignment':<18} {'unsandboxed':>20} {'sandboxed':>20} {'extra s':>8} {'ratio':>6}")
    for name in names:
        figures = {mode: summarize(intervals[mode][name]) for mode in MODES}
        extra = figures["sandboxed"]["median"] - figures["unsandboxed"]["median"]
        ratio = figures["sandboxed"]["median"] / figures["unsandboxed"]["median"]
        results[name] = {**figures, "extra_seconds": extra, "ratio": ratio}
        print(f"{name:<18} {spread(figures['unsandboxed'], digits=2):>20} "
              f"{spread(figures['sandboxed'], digits=2):>20} {extra:8.2f} {ratio:6.2f}")
    kernel = {mode: summarize(values) for mode, values in kernel_seconds.items()}
    kernel_extra = kernel["sandboxed"]["median"] - kernel["unsandboxed"]["median"]
    print(f"kernel start and stop: unsandboxed {spread(kernel['unsandboxed'], digits=2)} s, "
          f"sandboxed {spread(kernel['sandboxed'], digits=2)} s ({kernel_extra:+.2f} s)")
    trial = summarize(trial_seconds)
    print(f"trial run, once per grading process: {spread(trial, unit=1e-3, digits=0)} ms")
    machine_at_start["load_average_after"] = machine()["load_average_1_5_15_min"]
    settings = sandbox.Sandbox()
    result = {"benchmark": "sandbox", "machine": machine_at_start, "students": args.students,
              "rounds": len(rounds), "submission": "the instructor's solutions in every cell",
              "assignments": results, "kernel_start_stop_seconds": kernel,
              "kernel_extra_seconds": kernel_extra, "trial_seconds": trial,
              "limits": {name: getattr(settings, name) for name in
                         ("address_space_mb", "file_size_mb", "tmp_size_mb", "processes")},
              "target_ratio": TARGET_RATIO,
              "within_target": all(results[name]["ratio"] <= TARGET_RATIO
                                   for name in assignments),
              "median_extra_seconds_per_submission": statistics.median(
                  results[name]["extra_seconds"] for name in assignments)}
    write_json(result, "sandbox", args.out)
    return result


if __name__ == "__main__":
    main()
