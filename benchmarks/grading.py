"""What grading costs: ``nbgrader autograde`` per submission, against an empty notebook.

A temporary copy of the course gets one more assignment, ``00_empty`` (a notebook with no
cells: only the kernel and nbgrader's own work). A class of simulated students each submits
every assignment, completed with the instructor's solutions (the slowest case: every cell runs
to the end). The class is graded in rounds, each round autograding every assignment in turn,
so that load on the machine falls on all of them alike.

Per submission, the time is the interval between two consecutive students' autograded notebooks
being written; the executed notebooks' cell timings say where it goes. The ratio to the empty
notebook is taken round by round, each assignment against the empty notebook graded minutes
before it, and the median over the rounds is given: on a shared machine the empty notebook's
own figure moves by half between runs a few minutes apart, and a ratio of two medians taken at
different times moved with it.
Run: ``python -m benchmarks.grading`` (``--help`` for the settings).
"""

import argparse
import re
import statistics
import tempfile
import time
from itertools import pairwise

import nbformat

from benchmarks._common import REPO, cell_seconds, machine, spread, summarize, write_json
from mlp_helpers import grading

EMPTY = "00_empty"
TARGET_RATIO = 2.0
# The assignments the target holds for; a later one may add the training time it states.
TARGET_ASSIGNMENTS = ("01_xor", "02_mse_gradient", "03_mnist", "04_not_learning")
CLASS_SIZE = 100
# Where a cell's time goes, decided from its source (the first rule that matches wins).
PARTS = (("MNIST load", re.compile(r"load_mnist")),
         ("imports", re.compile(r"^\s*(import|from)\s", re.MULTILINE)),
         ("training", re.compile(r"\btrain\w*\(")))


def available_assignments():
    """The course's assignments whose source notebook exists."""
    return [name for name in grading.ASSIGNMENTS
            if (REPO / "source" / name / f"{name}.ipynb").is_file()]


def prepare(course, assignments):
    """Add the empty assignment, release everything; return each assignment's submission."""
    folder = course / "source" / EMPTY
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / f"{EMPTY}.ipynb")
    submissions = {}
    for assignment in [EMPTY, *assignments]:
        release = grading.generate_assignment(course, assignment)
        source = course / "source" / assignment / f"{assignment}.ipynb"
        submissions[assignment] = grading.fill_in(release, grading.solutions(source))
    return submissions


def autograde(course, assignment):
    """Autograde the students not graded yet; return the wall time in seconds."""
    start = time.perf_counter()
    process = grading.nbgrader(course, "autograde", assignment)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"nbgrader autograde {assignment} failed:\n{process.stderr[-3000:]}")
    return seconds


def written(course, assignment, students):
    """When each student's autograded notebook was written, in order (seconds since epoch)."""
    return sorted((course / "autograded" / student / assignment / f"{assignment}.ipynb")
                  .stat().st_mtime for student in students)


def part_of(cell):
    """Which part of the work a code cell is: checks, MNIST load, imports, training or other."""
    grading_metadata = cell.metadata.get("nbgrader", {})
    if grading_metadata.get("grade") and not grading_metadata.get("solution"):
        return "checks"
    return next((name for name, pattern in PARTS if pattern.search(cell.source)), "other cells")


def breakdown(course, assignment, students):
    """Median seconds per part of the work over the students' autograded notebooks."""
    parts = {}
    for student in students:
        path = course / "autograded" / student / assignment / f"{assignment}.ipynb"
        totals = {}
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                totals[part_of(cell)] = totals.get(part_of(cell), 0.0) + cell_seconds(cell)
        for name, seconds in totals.items():
            parts.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in sorted(parts.items())}


def round_ratios(rounds, empty_rounds):
    """Per round, (median interval in the round) / (the empty notebook's in the same round).

    ``rounds`` and ``empty_rounds``: one list of intervals (seconds) per round, in order. A
    round where either has no interval gives ``None``.
    """
    return [statistics.median(timed) / statistics.median(empty) if timed and empty else None
            for timed, empty in zip(rounds, empty_rounds, strict=True)]


def paired_ratio(rounds, empty_rounds):
    """The median of ``round_ratios`` over the rounds that have one; ``None`` if none has."""
    ratios = [ratio for ratio in round_ratios(rounds, empty_rounds) if ratio is not None]
    return statistics.median(ratios) if ratios else None


def main(argv=None):
    """Grade a simulated class in rounds; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4, help="the class is graded in this "
                        "many rounds, each over every assignment")
    parser.add_argument("--assignments", nargs="*", default=None,
                        help="default: every assignment whose source notebook exists")
    parser.add_argument("--out", help="JSON file (default benchmarks/results/grading.json)")
    args = parser.parse_args(argv)
    machine_at_start = machine()
    assignments = available_assignments() if args.assignments is None else args.assignments
    names = [EMPTY, *assignments]
    students = [f"student{number:03d}" for number in range(1, args.students + 1)]
    rounds = [students[index::args.rounds] for index in range(args.rounds) if students[index:]]
    calls = {name: [] for name in names}
    intervals = {name: [] for name in names}
    by_round = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as directory:
        course = grading.make_course(directory, assignments)
        submissions = prepare(course, assignments)
        for group in rounds:
            for name in names:
                for student in group:
                    grading.submit(course, name, student, submissions[name])
                calls[name].append((autograde(course, name), len(group)))
                times = written(course, name, group)
                by_round[name].append([after - before for before, after in pairwise(times)])
                intervals[name] += by_round[name][-1]
        results = {}
        for name in names:
            call_seconds = sum(seconds for seconds, _ in calls[name])
            per_submission = (summarize(intervals[name]) if intervals[name] else
                              summarize([seconds / count for seconds, count in calls[name]]))
            fixed = (call_seconds - per_submission["median"] * args.students) / len(calls[name])
            results[name] = {"per_submission_seconds": per_submission,
                             "ratio_to_empty_each_round": round_ratios(by_round[name],
                                                                       by_round[EMPTY]),
                             "autograde_calls_seconds": [seconds for seconds, _ in calls[name]],
                             "fixed_seconds_per_call": fixed,
                             "where_the_time_goes_seconds": breakdown(course, name, students)}
    empty = results[EMPTY]["per_submission_seconds"]["median"]
    print(f"\nnbgrader autograde, {args.students} students in {len(rounds)} rounds")
    print(f"{'assignment':<18} {'s/submission [q1-q3]':>22} {'x empty':>8} {'class of 100':>13}")
    for name, figures in results.items():
        per = figures["per_submission_seconds"]["median"]
        paired = paired_ratio(by_round[name], by_round[EMPTY])
        figures["ratio_to_empty"] = per / empty if paired is None else paired
        one_call = per * CLASS_SIZE + figures["fixed_seconds_per_call"]
        figures["class_of_100_minutes"] = one_call / 60
        print(f"{name:<18} {spread(figures['per_submission_seconds'], digits=2):>22} "
              f"{figures['ratio_to_empty']:8.2f} {figures['class_of_100_minutes']:10.1f} min")
        parts = ", ".join(f"{part} {seconds:.2f} s"
                          for part, seconds in figures["where_the_time_goes_seconds"].items())
        kernel_and_nbgrader = per - sum(figures["where_the_time_goes_seconds"].values())
        figures["kernel_start_and_nbgrader_seconds"] = kernel_and_nbgrader
        print(f"    kernel start + nbgrader {kernel_and_nbgrader:.2f} s" +
              (f"; cells: {parts}" if parts else ""))
    total = sum(results[name]["class_of_100_minutes"] for name in assignments)
    print(f"A class of {CLASS_SIZE} graded on every assignment: {total:.1f} min on this machine.")
    print(f"Within {TARGET_RATIO:g}x the empty notebook: " + ", ".join(
        f"{name} {results[name]['ratio_to_empty']:.2f} "
        f"{'met' if results[name]['ratio_to_empty'] <= TARGET_RATIO else 'NOT met'}"
        for name in assignments if name in TARGET_ASSIGNMENTS))
    machine_at_start["load_average_after"] = machine()["load_average_1_5_15_min"]
    result = {"benchmark": "grading", "machine": machine_at_start, "students": args.students,
              "rounds": len(rounds), "submission": "the instructor's solutions in every cell",
              "assignments": results, "target_ratio_to_empty": TARGET_RATIO,
              "within_target": all(results[name]["ratio_to_empty"] <= TARGET_RATIO
                                   for name in assignments if name in TARGET_ASSIGNMENTS),
              "class_of_100_all_assignments_minutes": total}
    write_json(result, "grading", args.out)
    return result


if __name__ == "__main__":
    main()
