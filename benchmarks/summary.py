"""The latest figures of ``benchmarks/results/*.json`` as Markdown, for ``benchmarks/README.md``.

Run: ``python -m benchmarks.summary`` after the benchmarks; paste its output into the README.
"""

import json

from benchmarks._common import RESULTS, spread


def load(name):
    """A result file as a dict, or ``None`` when that benchmark has not run."""
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def machine_lines(result):
    """Where and under what load a result was taken."""
    machine = result["machine"]
    blas = next((pool for pool in machine["blas"] if pool.get("user_api") == "blas"),
                machine["blas"][0])
    load = ", ".join(f"{value:.1f}" for value in machine["load_average_1_5_15_min"])
    if "load_average_after" in machine:
        load += " at the start; " + ", ".join(
            f"{value:.1f}" for value in machine["load_average_after"]) + " at the end"
    forced = {key: value for key, value in machine["blas_environment"].items() if value}
    return [f"Taken {machine['date_utc']} on {machine['cpu']} ({machine['cores']} cores), "
            f"Python {machine['python']}, numpy {machine['numpy']} with "
            f"{blas.get('internal_api', blas.get('name'))} {blas.get('version')} "
            f"(kernel {blas.get('architecture', '?')}, {blas.get('num_threads', '?')} threads); "
            f"BLAS environment variables set: {forced or 'none'}; "
            f"load average (1, 5, 15 min): {load}."]


def training_lines(result):
    """Per dtype: seconds per epoch, GFLOP/s, fraction of GEMM throughput, test accuracy."""
    lines = machine_lines(result)
    torch_reports = [reports[0] for figures in result["dtypes"].values()
                     for name, reports in figures["final"].items() if name == "torch"]
    if torch_reports:
        lines[0] += (f" PyTorch {torch_reports[0]['torch']} with "
                     f"{torch_reports[0]['threads']} threads.")
    for dtype, figures in result["dtypes"].items():
        lines += ["", f"**{dtype}**: {figures['flops_per_epoch'] / 1e9:.2f} GFLOP of matrix "
                  f"products per epoch; one 1024x1024 GEMM runs at "
                  f"{figures['square_1024_gflops']:.1f} GFLOP/s.", "",
                  "| contender | s/epoch, median [q1-q3] | GFLOP/s | of GEMM at these shapes "
                  "| test accuracy |", "|---|---|---|---|---|"]
        for name, summary in figures["epoch_seconds"].items():
            accuracy = figures["test_accuracy"].get(name)
            lines.append(
                f"| {name} | {summary['median']:.3f} [{summary['q1']:.3f}-{summary['q3']:.3f}] "
                f"| {figures['gflops'][name]:.1f} "
                f"| {figures['fraction_of_gemm_throughput'].get(name, 1.0):.0%} "
                f"| {f'{min(accuracy):.2%}' if accuracy else '-'} |")
        if "ratio_reference_to_torch" in figures:
            lines += ["", f"Reference / PyTorch time per epoch: "
                      f"**{figures['ratio_reference_to_torch']:.2f}** (bare numpy loop / "
                      f"PyTorch: {figures['ratio_numpy_loop_to_torch']:.2f})."]
        overheads = figures["overheads"]
        lines.append(f"Reference / bare numpy loop: {figures['ratio_reference_to_numpy_loop']:.2f}."
                     f" Input checks: {overheads['checks_per_train_call_s'] * 1e3:.1f} ms per "
                     f"`train` call ({overheads['checks_fraction_of_epoch']:.1%} of one epoch);"
                     f" `History` bookkeeping: {overheads['bookkeeping_per_epoch_s'] * 1e3:.1f} "
                     f"ms per epoch ({overheads['bookkeeping_fraction_of_epoch']:.1%}).")
    return lines


def grading_lines(result):
    """Per assignment: seconds per submission, ratio to the empty notebook, where time goes."""
    lines = [
        *machine_lines(result), "",
        f"{result['students']} students, graded in {result['rounds']} rounds; each submission is "
        f"{result['submission']}.", "",
        "| assignment | s/submission, median [q1-q3] | x empty | class of 100 | where the time "
        "goes (median s per submission) |", "|---|---|---|---|---|"]
    for name, figures in result["assignments"].items():
        summary = figures["per_submission_seconds"]
        parts = [f"kernel start + nbgrader {figures['kernel_start_and_nbgrader_seconds']:.2f}"]
        parts += [f"{part} {seconds:.2f}"
                  for part, seconds in figures["where_the_time_goes_seconds"].items()]
        lines.append(f"| {name} | {summary['median']:.2f} [{summary['q1']:.2f}-"
                     f"{summary['q3']:.2f}] | {figures['ratio_to_empty']:.2f} "
                     f"| {figures['class_of_100_minutes']:.1f} min | {', '.join(parts)} |")
    lines += ["", f"A class of 100 on every assignment: "
              f"**{result['class_of_100_all_assignments_minutes']:.1f} minutes** of autograde."]
    return lines


def sandbox_lines(result):
    """Per assignment: seconds per submission with and without the sandbox, and their ratio."""
    lines = [
        *machine_lines(result), "",
        f"{result['students']} students, graded in {result['rounds']} rounds in each of two "
        f"copies of the course; each submission is {result['submission']}.", "",
        "| assignment | unsandboxed s/submission [q1-q3] | sandboxed | extra s | ratio |",
        "|---|---|---|---|---|"]
    for name, figures in result["assignments"].items():
        lines.append(
            f"| {name} | {spread(figures['unsandboxed'], digits=2)} "
            f"| {spread(figures['sandboxed'], digits=2)} | {figures['extra_seconds']:+.2f} "
            f"| {figures['ratio']:.2f} |")
    kernel = result["kernel_start_stop_seconds"]
    limits = result["limits"]
    lines += ["", f"One kernel's start and stop through jupyter_client: "
              f"{spread(kernel['unsandboxed'], digits=2)} s unsandboxed, "
              f"{spread(kernel['sandboxed'], digits=2)} s sandboxed "
              f"(**{result['kernel_extra_seconds']:+.2f} s**). The trial run that decides "
              f"whether a grading process can sandbox: "
              f"{spread(result['trial_seconds'], unit=1e-3, digits=0)} ms, once per process. "
              f"Limits: {limits['address_space_mb']} MiB of address space, "
              f"{limits['file_size_mb']} MiB per file, {limits['tmp_size_mb']} MiB of /tmp, "
              f"{limits['processes']} processes and threads."]
    return lines


def class_parallel_lines(result):
    """Per number of grading processes: the class's minutes, seconds a student, speed-up."""
    lines = [
        *machine_lines(result), "",
        f"A class of {result['students']} on {result['assignment']}, each submission the "
        f"instructor's solutions, {'sandboxed' if result['sandboxed'] else 'NOT sandboxed'}.",
        "", "| grading processes | minutes | s a student | speed-up | not graded |",
        "|---|---|---|---|---|"]
    for run in result["runs"]:
        lines.append(f"| {run['jobs']} | {run['seconds'] / 60:.1f} "
                     f"| {run['seconds_per_student']:.2f} | {run['speed_up']:.2f} "
                     f"| {len(run['failed'])} |")
    target = result["target_seconds_for_200_on_2_cores"]
    on_two = next((run for run in result["runs"] if run["jobs"] == 2), None)
    if on_two is not None and result["students"] == 200:
        verdict = "within" if on_two["seconds"] <= target else "over"
        lines += ["", f"With two processes: **{on_two['seconds'] / 60:.1f} minutes** for 200, "
                  f"{verdict} the target of {target / 60:.0f} minutes."]
    return lines


def course_lines(result):
    """Per notebook: seconds in a fresh kernel, and the slowest cell."""
    lines = [*machine_lines(result), "", "| notebook | s, median [q1-q3] | slowest cell |",
             "|---|---|---|"]
    for name, figures in result["notebooks"].items():
        slowest = figures["slowest_cells"][0] if figures["slowest_cells"] else (0.0, 0, "")
        lines.append(f"| {name} | {figures['median']:.2f} [{figures['q1']:.2f}-"
                     f"{figures['q3']:.2f}] | {slowest[0]:.2f} s: `{slowest[2]}` |")
    lines += ["", f"All {len(result['notebooks']) - 1} notebooks: "
              f"**{result['total_seconds']:.1f} s** (target under "
              f"{result['target_seconds']:.0f} s), of which "
              f"{result['kernel_start_stop_seconds']:.2f} s per notebook is the kernel's start "
              f"and stop; errors: {result['errors']}."]
    return lines


def main():
    """Print the Markdown of every result present."""
    sections = (("Reference training vs PyTorch (CPU)", "training", training_lines),
                ("Grading overhead", "grading", grading_lines),
                ("The sandbox's cost", "sandbox", sandbox_lines),
                ("A class on every core", "class_parallel", class_parallel_lines),
                ("Course run time", "course", course_lines))
    for title, name, lines in sections:
        result = load(name)
        if result is not None:
            print(f"### {title}\n")
            print("\n".join(lines(result)) + "\n")


if __name__ == "__main__":
    main()
