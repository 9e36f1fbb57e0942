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

While it runs it prints a line per student graded (``[ 3/200] s002  11 / 13 points  1.4 s
failed: train_xor``: points of the test cells; written answers are graded by hand later), and
it ends with a table of the class, a student a row, and the class's time; the exit status is 1
when any student could not be graded.
"""

import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat

from mlp_helpers.grading import sandbox
from mlp_helpers.grading.logs import grading_log, is_noise, scored


def students(assignment, course="."):
    """The students with a submission of ``assignment`` in ``course``, sorted."""
    return sorted(folder.name for folder in (Path(course) / "submitted").iterdir()
                  if (folder / assignment).is_dir())


def groups(names, jobs):
    """``names`` dealt round-robin into ``jobs`` groups (no empty group)."""
    return [group for group in (names[start::jobs] for start in range(jobs)) if group]


def graded(folder):
    """``{"points", "max", "failed"}`` of the autograded notebooks in ``folder``, summed."""
    points = possible = 0.0
    failed = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        earned, most, lost = scored(nbformat.read(path, as_version=4))
        points, possible, failed = points + earned, possible + most, {**failed, **lost}
    return {"points": points, "max": possible, "failed": failed}


def _worker(assignment, names):
    from nbgrader.apps import NbGraderAPI

    from mlp_helpers.grading.pipeline import course_config

    # The log of this process states each score (the course's nbgrader_config.py may set it up
    # too: grading_log is idempotent).
    grading_log()
    api = NbGraderAPI(config=course_config())
    for name in names:
        start = time.monotonic()
        result = api.autograde(assignment, name, force=True)
        record = {"student": name, "seconds": time.monotonic() - start}
        folder = Path("autograded") / name / assignment
        if result["success"] and folder.is_dir():
            record.update(graded(folder))
        else:
            lines = str(result.get("error") or "").strip().splitlines()
            record["error"] = (lines or ["nbgrader could not run the notebook"])[-1][:300]
            sys.stderr.write(f"{name}: {result.get('error') or result.get('log', '')}\n")
        print(json.dumps(record), flush=True)  # one line a student, read as it comes


def _read(process, lines):
    with process.stdout:
        for line in process.stdout:
            lines.put(line)
    process.wait()
    lines.put(None)


def _pass_on(stream):
    # What the grading processes print besides the records, but for known noise.
    with stream:
        for line in stream:
            if not is_noise(line):
                sys.stderr.write(line)


def _run_workers(assignment, groups_, course, env, report):
    """Grade ``groups_`` in one worker each; ``report(record)`` as each student is done.

    Returns ``{student: record}``; a worker that stopped early leaves its students out.
    """
    lines, records = queue.Queue(), {}
    command = [sys.executable, "-m", "mlp_helpers.grading.grade_class", "--worker", assignment]
    processes = [subprocess.Popen([*command, *group], cwd=course, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
                 for group in groups_]
    errors = [threading.Thread(target=_pass_on, args=(process.stderr,), daemon=True)
              for process in processes]
    for process, passing_on in zip(processes, errors, strict=True):
        threading.Thread(target=_read, args=(process, lines), daemon=True).start()
        passing_on.start()
    running = len(processes)
    while running:
        line = lines.get()
        if line is None:
            running -= 1
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue  # not a record: a stray print in the worker
        if isinstance(record, dict) and "student" in record:
            records[record["student"]] = record
            report(record)
    for passing_on in errors:
        passing_on.join()
    return records


def progress_line(record, done, total):
    """``[ 3/200] s002  11 / 13 points  1.4 s  failed: train_xor``, or why it was not graded."""
    head = f"[{done:>{len(str(total))}}/{total}] {record['student']}"
    if "error" in record:
        return f"{head}  not graded: {record['error'][:200]}"
    failed = ", ".join(record["failed"]) or "none"
    return (f"{head}  {record['points']:g} / {record['max']:g} points  "
            f"{record['seconds']:.1f} s  failed: {failed}")


def table(records):
    """The class, a student a row: student, score, max, parts failed, seconds."""
    rows = [("student", "score", "max", "parts failed", "s")]
    for name, record in sorted(records.items()):
        if "error" in record:
            rows.append((name, "-", "-", f"not graded: {record['error'][:60]}",
                         f"{record['seconds']:.1f}"))
        else:
            rows.append((name, f"{record['points']:g}", f"{record['max']:g}",
                         ", ".join(record["failed"]) or "-", f"{record['seconds']:.1f}"))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    return "\n".join(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  "
                     f"{row[3]:<{widths[3]}}  {row[4]:>{widths[4]}}".rstrip() for row in rows)


def grade(assignment, jobs=None, course=".", env=None, progress=None):
    """Autograde every submitted student of ``assignment`` with ``jobs`` processes.

    ``env``: the processes' environment (default: this one); ``progress``: called with a line
    of text as each student is graded (default: nothing is printed).

    Returns ``{"students", "jobs", "seconds", "failed", "results"}``; ``results`` maps each
    student to ``{"points", "max", "failed": {part: message}, "seconds"}``, or to
    ``{"error", "seconds"}`` when they could not be graded.
    """
    from mlp_helpers.grading.pipeline import course_config

    config = course_config(course)  # refuses, before any student, a course without its grader
    if config.Sandbox.get("enabled", True):
        sandbox.require()  # the paragraph that says why and what to do, before any student
    jobs = jobs or os.cpu_count() or 1
    names = students(assignment, course)
    start = time.monotonic()

    def run(groups_, total):
        done = []

        def report(record):
            done.append(record["student"])
            if progress:
                progress(progress_line(record, len(done), total))

        return _run_workers(assignment, groups_, course, env, report)

    results = run(groups(names, jobs), len(names))
    # A student whose notebook could not run at all (a kernel that did not start in time on a
    # busy machine) is tried once more, alone; so is one that a stopped worker never reached.
    again = [name for name in names if "error" in results.get(name, {"error": ""})]
    if again:
        if progress:
            progress(f"Trying {len(again)} student(s) once more, alone: {', '.join(again)}")
        results.update(run([again], len(again)))
    for name in names:
        results.setdefault(name, {"student": name, "error": "its grading process stopped",
                                  "seconds": 0.0})
    failed = [name for name in names if "error" in results[name]]
    return {"students": len(names), "jobs": min(jobs, max(len(names), 1)),
            "seconds": time.monotonic() - start, "failed": failed, "results": results}


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
    from mlp_helpers.grading.pipeline import environment

    try:
        result = grade(args.assignment, args.jobs, env=environment(),
                       progress=lambda line: print(line, flush=True))
    except sandbox.SandboxUnavailable as refused:
        sys.exit(str(refused))
    print(f"\n{table(result['results'])}\n")
    print(f"{result['students']} students graded by {result['jobs']} processes in "
          f"{result['seconds']:.1f} s; could not grade: {', '.join(result['failed']) or 'none'}")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
