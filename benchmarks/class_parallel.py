"""A class on every core: ``mlp_helpers.grading.grade_class`` against one grading process.

A temporary copy of the course; a class of simulated students each submits 01_xor completed
with the instructor's solutions; the class is autograded (sandboxed, as the course does) with
each number of grading processes in turn (default: 1, then one per core), each time from a
fresh gradebook. Prints the minutes, the seconds per student and the speed-up over one
process (target: a class of 200 within 4 minutes on 2 cores), and writes them to
``benchmarks/results/class_parallel.json``.
Run: ``python -m benchmarks.class_parallel [--students 200] [--jobs 1 2]``.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks._common import machine, write_json
from mlp_helpers import grading
from mlp_helpers.grading import grade_class, sandbox

ASSIGNMENT = "01_xor"
TARGET_SECONDS_FOR_200 = 240


def main(argv=None):
    """Grade the class with each number of processes; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="*",
                        help="grading processes to time (default: 1 and one per core)")
    parser.add_argument("--out", help="where to write the JSON (default: benchmarks/results/)")
    args = parser.parse_args(argv)
    sandboxed = sandbox.unavailable() is None
    cores = os.cpu_count() or 1
    result = {"benchmark": "class_parallel", "machine": machine(), "assignment": ASSIGNMENT,
              "students": args.students, "sandboxed": sandboxed,
              "target_seconds_for_200_on_2_cores": TARGET_SECONDS_FOR_200, "runs": []}
    print(f"{args.students} students, {ASSIGNMENT}, {cores} cores, "
          f"{'sandboxed' if sandboxed else 'NOT sandboxed (no bubblewrap)'}")
    with tempfile.TemporaryDirectory() as folder:
        course = grading.make_course(Path(folder) / "course", [ASSIGNMENT], sandboxed=sandboxed)
        released = grading.generate_assignment(course, ASSIGNMENT)
        notebook = grading.fill_in(released, grading.solutions(
            course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
        for number in range(args.students):
            grading.submit(course, ASSIGNMENT, f"s{number:03d}", notebook)
        environment = grading.environment()
        for jobs in args.jobs or sorted({1, cores}):
            for leftover in ("autograded", "gradebook.db"):
                path = course / leftover
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            grading.generate_assignment(course, ASSIGNMENT)  # the gradebook knows the assignment
            graded = grade_class.grade(ASSIGNMENT, jobs, course=course, env=environment)
            run = {"jobs": jobs, "seconds": graded["seconds"],
                   "seconds_per_student": graded["seconds"] / max(graded["students"], 1),
                   "failed": graded["failed"]}
            run["speed_up"] = result["runs"][0]["seconds"] / run["seconds"] if result["runs"] \
                else 1.0
            result["runs"].append(run)
            print(f"{jobs} process(es): {run['seconds'] / 60:.1f} min, "
                  f"{run['seconds_per_student']:.2f} s a student, speed-up "
                  f"{run['speed_up']:.2f}; failed: {len(run['failed'])}")
    result["machine"]["load_average_after"] = list(os.getloadavg())
    write_json(result, "class_parallel", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
