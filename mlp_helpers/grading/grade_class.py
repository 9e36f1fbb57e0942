"""Autograde a whole class on every core: one gradebook, several grading processes.

nbgrader has no parallel autograde (its FAQ: "Not yet"; issue #174). This splits the submitted
students of an assignment into ``--jobs`` groups and grades each group in its own process, which
loads nbgrader and the course's ``nbgrader_config.py`` once and calls ``NbGraderAPI.autograde``
for each of its students in turn (a process per student would pay nbgrader's start-up, about
2 s, 200 times). All processes write the course's one sqlite gradebook; separate nbgrader
processes on one sqlite gradebook ran consistently here (docs/hub.md). Each kernel is
sandboxed as the course's config says. A student whose notebook could not run at all (a kernel
that did not start in time on a busy machine) is tried once more, alone, at the end.

Run in the course folder (on the hub: as the grader account, after Collect)::

    python -m mlp_helpers.grading.grade_class 01_xor --jobs 2

It prints one line per group and the class's time; the exit status is 1 when any student
could not be graded.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mlp_helpers.grading import sandbox


def students(assignment, course="."):
    """The students with a submission of ``assignment`` in ``course``, sorted."""
    return sorted(folder.name for folder in (Path(course) / "submitted").iterdir()
                  if (folder / assignment).is_dir())


def groups(names, jobs):
    """``names`` dealt round-robin into ``jobs`` groups (no empty group)."""
    return [group for group in (names[start::jobs] for start in range(jobs)) if group]


def _worker(assignment, names):
    from nbgrader.apps import NbGraderAPI

    from mlp_helpers.grading.logs import quiet_harmless_warnings
    from mlp_helpers.grading.pipeline import course_config

    # Also called by the course's nbgrader_config.py; here for a course whose config does not.
    quiet_harmless_warnings()
    api = NbGraderAPI(config=course_config())
    failed = []
    for name in names:
        result = api.autograde(assignment, name, force=True)
        if not result["success"] or not (Path("autograded") / name / assignment).is_dir():
            failed.append(name)
            sys.stderr.write(f"{name}: {result.get('error') or result.get('log', '')}\n")
    print(json.dumps({"graded": len(names) - len(failed), "failed": failed}))


def grade(assignment, jobs=None, course=".", env=None):
    """Autograde every submitted student of ``assignment`` with ``jobs`` processes.

    ``env``: the processes' environment (default: this one).

    Returns ``{"students", "jobs", "seconds", "failed"}``.
    """
    from mlp_helpers.grading.pipeline import course_config

    config = course_config(course)  # refuses, before any student, a course without its grader
    if config.Sandbox.get("enabled", True):
        sandbox.require()  # the paragraph that says why and what to do, before any student
    jobs = jobs or os.cpu_count() or 1
    names = students(assignment, course)
    start = time.monotonic()
    processes = [subprocess.Popen([sys.executable, "-m", "mlp_helpers.grading.grade_class",
                                   "--worker",
                                   assignment, *group], cwd=course, stdout=subprocess.PIPE,
                                  text=True, env=env)
                 for group in groups(names, jobs)]
    failed = []
    for process in processes:
        out, _ = process.communicate()
        lines = out.strip().splitlines()
        failed += json.loads(lines[-1])["failed"] if lines else ["(a worker crashed)"]
    retried = [name for name in failed if not name.startswith("(")]
    if retried:
        again = subprocess.run([sys.executable, "-m", "mlp_helpers.grading.grade_class", "--worker",
                                assignment, *retried], cwd=course, stdout=subprocess.PIPE,
                               text=True, check=False, env=env).stdout.strip().splitlines()
        failed = json.loads(again[-1])["failed"] if again else retried
    return {"students": len(names), "jobs": min(jobs, max(len(names), 1)),
            "seconds": time.monotonic() - start, "failed": failed}


def main(argv=None):
    """Command line: ``python -m mlp_helpers.grading.grade_class ASSIGNMENT [--jobs N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("names", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None,
                        help="grading processes (default: one per core)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.assignment, args.names)
        return 0
    try:
        result = grade(args.assignment, args.jobs)
    except sandbox.SandboxUnavailable as refused:
        sys.exit(str(refused))
    print(f"{result['students']} students graded by {result['jobs']} processes in "
          f"{result['seconds']:.1f} s; could not grade: {', '.join(result['failed']) or 'none'}")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
