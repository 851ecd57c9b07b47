"""Random-intercept LMM: our REML fit against lme4 on the same 10,000-participant × 5-wave trial.

    .venv/bin/python bench/lmm_vs_lme4.py

Both sides time the model fit only, on data already in memory with baselines attached: ours is
`fit_mixed_model` (design, per-participant sums, REML optimisation, effects), lme4's is the `lmer()` call
timed with `proc.time()` inside one Rscript run (R's start-up, package loading and CSV reading are excluded).
Each side takes the best of several repetitions. The estimates are compared too, so a fast wrong answer shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bondwell.stats.trial import fit_mixed_model, prepare_trial, synth_trial

PARTICIPANTS = 10_000
REPEATS_OURS = 7
REPEATS_R = 3

R_SCRIPT = r"""
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
base <- d[d$week == 0, c("participant", "epds")]
names(base)[2] <- "baseline"
d <- merge(d, base, by = "participant")
post <- d[d$week > 0, ]
post$arm <- factor(post$arm, levels = c("control", "intervention"))
times <- numeric(0)
for (i in seq_len(as.integer(args[2]))) {
  start <- proc.time()[["elapsed"]]
  fit <- lmer(epds ~ baseline + arm * factor(week) + (1 | participant), data = post, REML = TRUE)
  times <- c(times, proc.time()[["elapsed"]] - start)
}
vc <- as.data.frame(VarCorr(fit))
cat(toJSON(list(seconds = times, coefficients = unname(fixef(fit)), sigma2 = sigma(fit)^2,
                tau2 = vc$vcov[vc$grp == "participant"], lme4 = as.character(packageVersion("lme4")),
                r = R.version.string), auto_unbox = TRUE, digits = NA))
"""


def main() -> int:
    frame = synth_trial(PARTICIPANTS, seed=2026, effect_size=0.4, attrition=0.2, sites=8)
    data = prepare_trial(frame, "epds")
    n_obs = len(data.follow_up)
    print(f"data: {PARTICIPANTS} participants x 5 waves, {n_obs} post-baseline observations")

    ours_seconds = []
    for _ in range(REPEATS_OURS):
        start = time.perf_counter()
        ours = fit_mixed_model(data)
        ours_seconds.append(time.perf_counter() - start)
    ours_ms = 1000 * min(ours_seconds)
    print(f"ours: best of {REPEATS_OURS} fits {ours_ms:.1f} ms; "
          f"sigma2 {ours.sigma2:.6f}, tau2 {ours.tau2:.6f}")

    rscript = shutil.which("Rscript")
    if rscript is None:
        print("bench lmm_vs_lme4: skipped, Rscript not found (ours measured alone above)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "trial.csv"
        script = Path(tmp) / "fit.R"
        frame.to_csv(csv, index=False)
        script.write_text(R_SCRIPT)
        completed = subprocess.run([rscript, str(script), str(csv), str(REPEATS_R)],
                                   capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        print(completed.stderr, file=sys.stderr)
        print("bench lmm_vs_lme4: skipped, the lme4 fit failed (see above)")
        return 1
    r = json.loads(completed.stdout.strip().splitlines()[-1])
    lme4_ms = 1000 * min(r["seconds"])
    largest = max(abs(a - b) for a, b in zip(ours.coefficients, r["coefficients"], strict=True))
    print(f"lme4 {r['lme4']} ({r['r']}): best of {REPEATS_R} lmer() calls {lme4_ms:.1f} ms; "
          f"sigma2 {r['sigma2']:.6f}, tau2 {r['tau2']:.6f}")
    print(f"largest |coefficient difference| ours vs lme4: {largest:.2e}; "
          f"|sigma2 diff| {abs(ours.sigma2 - r['sigma2']):.2e}, |tau2 diff| {abs(ours.tau2 - r['tau2']):.2e}")
    ratio = ours_ms / lme4_ms
    print(f"bench lmm_vs_lme4: ours {ours_ms:.1f} ms, baseline {lme4_ms:.1f} ms, ratio {ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
