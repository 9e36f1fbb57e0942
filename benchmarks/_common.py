"""What the benchmarks share: a description of the machine, timing statistics, JSON output.

The machine is shared and noisy, so every figure is a median over interleaved repeats, given
with its spread and with the load average under which it was taken.
"""

import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("results")
REPO = Path(__file__).resolve().parent.parent
# OpenBLAS reads these at start-up; a forced core type can pick a slower kernel than the CPU's.
BLAS_ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                    "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def summarize(samples):
    """Median and spread of a list of timings: ``{median, q1, q3, min, max, n}``."""
    ordered = sorted(samples)
    quartiles = statistics.quantiles(ordered, n=4, method="inclusive") if ordered[1:] else None
    q1, _, q3 = quartiles or ordered * 3
    return {"median": statistics.median(ordered), "q1": q1, "q3": q3,
            "min": ordered[0], "max": ordered[-1], "n": len(ordered)}


def cpu_model():
    """The processor's name from ``/proc/cpuinfo`` (or what ``platform`` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_pools():
    """The BLAS of numpy as threadpoolctl sees it (library, version, kernel, threads).

    Without threadpoolctl, numpy's build configuration stands in (it cannot tell the threads).
    """
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [{"source": "numpy.show_config", **config}]
    keys = ("user_api", "internal_api", "version", "architecture", "threading_layer",
            "num_threads", "prefix")
    return [{"source": "threadpoolctl", **{key: pool.get(key) for key in keys}}
            for pool in threadpool_info()]


def blas_threads():
    """Threads numpy's BLAS uses (the core count when threadpoolctl cannot tell)."""
    threads = [pool.get("num_threads") for pool in blas_pools() if pool.get("user_api") == "blas"]
    return threads[0] if threads and threads[0] else os.cpu_count()


def machine():
    """The machine and software a figure came from, and the load it was taken under."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_pools(),
        "blas_environment": {name: os.environ.get(name) for name in BLAS_ENVIRONMENT},
        "load_average_1_5_15_min": list(os.getloadavg()),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def spread(summary, unit=1.0, digits=3):
    """``median [q1 - q3]`` as text, in the given unit (1e-3 for milliseconds)."""
    scaled = {key: summary[key] / unit for key in ("median", "q1", "q3")}
    return f"{scaled['median']:.{digits}f} [{scaled['q1']:.{digits}f}-{scaled['q3']:.{digits}f}]"


def cell_seconds(cell):
    """A notebook cell's run time from the timestamps nbclient records (0 if it did not run)."""
    timing = cell.metadata.get("execution", {})
    try:
        started = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        finished = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (finished - started).total_seconds()


def write_json(result, name, out=None):
    """Write ``result`` to ``out`` (default ``benchmarks/results/<name>.json``); return the path."""
    path = Path(out) if out else RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n")
    print(f"Results written to {path}", file=sys.stderr)
    return path
