"""The downloadable R script reproduces the published version's analysis (run with the installed R/metafor)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bondwell.evidence.review.versions import build_snapshot, r_script

RAISI = {"key": "raisi", "label": "Raisi Dehkordi 2019", "design": "rct", "n_massage": 60, "mean_massage": 7.75,
         "sd_massage": 2.18, "n_control": 60, "mean_control": 9.2, "sd_control": 2.04, "rob": None}  # fmt: skip
TESTWELL = {"key": "testwell", "label": "Testwell 2025", "design": "rct", "n_massage": 40, "mean_massage": 8.0,
            "sd_massage": 3.0, "n_control": 40, "mean_control": 11.0, "sd_control": 3.5,
            "rob": {"overall": "low"}}  # fmt: skip
SECOND = {**TESTWELL, "key": "second", "label": "Second 2026", "mean_massage": 9.5, "design": "quasi_experimental"}


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_the_r_script_gives_the_published_numbers(tmp_path: Path) -> None:
    snap = build_snapshot({"title": "Test review"}, [RAISI, TESTWELL, SECOND], [], {})
    script = tmp_path / "analysis.R"
    script.write_text(r_script(snap, 2) + 'cat(sprintf("%.10f", pool(dat)), sep = "\\n")\n', encoding="utf-8")
    try:
        run = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, timeout=120, check=True)
    except subprocess.CalledProcessError as error:
        if "metafor" in error.stderr:
            pytest.skip("the R package metafor is not installed")
        raise
    values = [float(line) for line in run.stdout.strip().splitlines()[-7:]]
    main = snap["analyses"][0]
    ours = [main[k] for k in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2")]
    assert values == pytest.approx(ours, abs=1e-6)
    assert main["test"] == "adhoc"
