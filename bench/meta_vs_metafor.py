"""Benchmark: a REML random-effects fit, ours against R metafor::rma on the same data in the same run.

For k = 10, 100, 1,000 and 10,000 studies (simulated with a fixed seed and written to CSV for R), each side
times only the fit: `time.perf_counter()` around `rma(...)` here, `proc.time()` around `rma(...)` in R, both
repeated and averaged. The estimates are compared too, so the timing is of fits that agree.

metafor builds k×k matrices (P %*% P in every Fisher-scoring step), so its cost grows as k³: about 7 s at
k = 1,000 and 60 s at k = 2,000 on this 2-core machine, hence hours at k = 10,000. R is therefore run up to
--r-max-k (default 1,000) and larger sizes print a skip line for R. The final line compares the summed
per-fit times over the sizes both sides ran.

    .venv/bin/python bench/meta_vs_metafor.py [--r-max-k 2000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bondwell.stats.meta import rma

SIZES = (10, 100, 1_000, 10_000)
OUR_REPEATS = {10: 200, 100: 200, 1_000: 50, 10_000: 10}
R_REPEATS = {10: 50, 100: 50, 1_000: 2, 10_000: 1}
SEED = 1  # a draw on which Fisher scoring converges at every k (in metafor too)

R_SCRIPT = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
reps <- as.integer(args[2])
res <- rma(d$yi, d$vi, method = "REML")  # warm-up, untimed
start <- proc.time()[["elapsed"]]
for (i in seq_len(reps)) res <- rma(d$yi, d$vi, method = "REML")
elapsed <- proc.time()[["elapsed"]] - start
cat(sprintf("%.17g %.17g %.17g %s\n", elapsed / reps, res$tau2, res$beta[1], packageVersion("metafor")))
"""


def simulate(k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(0.25, np.sqrt(0.1 + vi))
    return yi, vi


def time_ours(yi: np.ndarray, vi: np.ndarray, repeats: int) -> tuple[float, float, float]:
    result = rma(yi, vi, method="REML")  # warm-up, untimed
    start = time.perf_counter()
    for _ in range(repeats):
        result = rma(yi, vi, method="REML")
    return (time.perf_counter() - start) / repeats, result.tau2, result.estimate


def time_r(rscript: str, csv: Path, script: Path, repeats: int) -> tuple[float, float, float, str]:
    out = subprocess.run(
        [rscript, str(script), str(csv), str(repeats)], capture_output=True, text=True, check=True, timeout=3600
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), out[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--r-max-k", type=int, default=1_000, help="largest k to time in R (cost grows as k³)")
    options = parser.parse_args()
    rscript = shutil.which("Rscript")
    has_metafor = rscript is not None and (
        subprocess.run([rscript, "-e", "library(metafor)"], capture_output=True).returncode == 0
    )
    if not has_metafor:
        print("skip R: Rscript with metafor not found; timing ours only")
    rng = np.random.default_rng(SEED)
    ours_total = r_total = ours_all = 0.0
    compared: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "time_rma.R"
        script.write_text(R_SCRIPT)
        for k in SIZES:
            yi, vi = simulate(k, rng)
            ours, tau2, estimate = time_ours(yi, vi, OUR_REPEATS[k])
            ours_all += ours
            line = f"k = {k:>6}: ours {ours * 1e3:9.3f} ms/fit (tau2 {tau2:.8f}, estimate {estimate:.8f})"
            if not has_metafor or rscript is None:
                print(line)
                continue
            if k > options.r_max_k:
                print(line + f"; skip R at k = {k} (metafor is O(k³): hours here; raise --r-max-k to try)")
                continue
            csv = Path(tmp) / f"k{k}.csv"
            np.savetxt(csv, np.column_stack([yi, vi]), delimiter=",", header="yi,vi", comments="", fmt="%.17g")
            r_time, r_tau2, r_estimate, version = time_r(rscript, csv, script, R_REPEATS[k])
            agree = abs(r_tau2 - tau2) <= 1e-6 * max(1.0, r_tau2) and abs(r_estimate - estimate) <= 1e-6
            print(
                line + f"; metafor {version} {r_time * 1e3:9.3f} ms/fit (tau2 {r_tau2:.8f}); "
                f"ratio {ours / r_time:.4f}; estimates agree: {'yes' if agree else 'NO'}"
            )
            ours_total += ours
            r_total += r_time
            compared.append(k)
    sys.stdout.flush()
    if compared:
        sizes = "+".join(str(k) for k in compared)
        print(f"(summed per-fit REML time over k = {sizes})")
        ratio = ours_total / r_total
        print(f"bench meta_vs_metafor: ours {ours_total:.6f} s, baseline {r_total:.6f} s, ratio {ratio:.4f}")
    else:
        print(f"bench meta_vs_metafor: ours {ours_all:.6f} s, baseline nan s, ratio nan")


if __name__ == "__main__":
    main()
