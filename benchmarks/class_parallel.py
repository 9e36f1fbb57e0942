"""A class on every core: ``mlp_helpers.grading.grade_class`` against one grading process.

A temporary copy of the course; a class of simulated students each submits the heaviest
of the assignments the target is for, 01 to 04 (the slowest per submission in the latest
``benchmarks.grading`` run, 04_not_learning without one), completed with the instructor's
solutions; the class is autograded (sandboxed, as the course does) with each number of grading
processes in turn (default: 1, then one per core), each time from a fresh gradebook. Prints
the minutes, the seconds per student and the speed-up over one process (target: a class of 200
within 2 minutes on 2 cores), and writes them to ``benchmarks/results/class_parallel.json``.
Run: ``python -m benchmarks.class_parallel [--students 200] [--jobs 1 2] [--assignment ID]``.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks._common import RESULTS, machine, write_json
from benchmarks.grading import TARGET_ASSIGNMENTS
from mlp_helpers import grading
from mlp_helpers.grading import grade_class, sandbox

TARGET_SECONDS_FOR_200 = 120


def heaviest(results=RESULTS / "grading.json"):
    """Of ``TARGET_ASSIGNMENTS``, the slowest to grade per submission in ``results``."""
    try:
        measured = json.loads(Path(results).read_text())["assignments"]
    except (OSError, ValueError, KeyError):
        return TARGET_ASSIGNMENTS[-1]
    timed = [name for name in TARGET_ASSIGNMENTS if name in measured]
    return max(timed, key=lambda name: measured[name]["per_submission_seconds"]["median"],
               default=TARGET_ASSIGNMENTS[-1])


def main(argv=None):
    """Grade the class with each number of processes; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="*",
                        help="grading processes to time (default: 1 and one per core)")
    parser.add_argument("--assignment", help="default: the heaviest of 01 to 04 to grade in "
                        "benchmarks/results/grading.json")
    parser.add_argument("--out", help="where to write the JSON (default: benchmarks/results/)")
    args = parser.parse_args(argv)
    assignment = args.assignment or heaviest()
    sandboxed = sandbox.unavailable() is None
    cores = os.cpu_count() or 1
    result = {"benchmark": "class_parallel", "machine": machine(), "assignment": assignment,
              "students": args.students, "sandboxed": sandboxed,
              "target_seconds_for_200_on_2_cores": TARGET_SECONDS_FOR_200, "runs": []}
    print(f"{args.students} students, {assignment}, {cores} cores, "
          f"{'sandboxed' if sandboxed else 'NOT sandboxed (no bubblewrap)'}")
    with tempfile.TemporaryDirectory() as folder:
        course = grading.make_course(Path(folder) / "course", [assignment], sandboxed=sandboxed)
        released = grading.generate_assignment(course, assignment)
        notebook = grading.fill_in(released, grading.solutions(
            course / "source" / assignment / f"{assignment}.ipynb"))
        for number in range(args.students):
            grading.submit(course, assignment, f"s{number:03d}", notebook)
        environment = grading.environment()
        for jobs in args.jobs or sorted({1, cores}):
            for leftover in ("autograded", "gradebook.db"):
                path = course / leftover
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            grading.generate_assignment(course, assignment)  # the gradebook knows the assignment
            graded = grade_class.grade(assignment, jobs, course=course, env=environment)
            run = {"jobs": jobs, "seconds": graded["seconds"],
                   "seconds_per_student": graded["seconds"] / max(graded["students"], 1),
                   "failed": graded["failed"]}
            run["speed_up"] = result["runs"][0]["seconds"] / run["seconds"] if result["runs"] \
                else 1.0
            result["runs"].append(run)
            print(f"{jobs} process(es): {run['seconds'] / 60:.1f} min, "
                  f"{run['seconds_per_student']:.2f} s a student, speed-up "
                  f"{run['speed_up']:.2f}; failed: {len(run['failed'])}")
    on_two = next((run for run in result["runs"] if run["jobs"] == 2), None)
    if on_two is not None:
        verdict = "met" if on_two["seconds"] <= TARGET_SECONDS_FOR_200 * args.students / 200 \
            else "NOT met"
        print(f"A class of {args.students} on {assignment}, 2 processes: "
              f"{on_two['seconds'] / 60:.2f} min (target for 200: "
              f"{TARGET_SECONDS_FOR_200 / 60:.0f} min): {verdict}")
    result["machine"]["load_average_after"] = list(os.getloadavg())
    write_json(result, "class_parallel", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
