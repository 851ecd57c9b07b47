"""Score 1,000,000 EPDS responses from CSV with `bondwell score`, against a bare numpy pass (the limit).

Run: .venv/bin/python bench/score_bulk.py [ROWS]
Goal (issue 3): the whole CLI run, from process start to output file written, under 10 s on the 2-core
machine. The baseline is the least work any scorer must do on the same responses already in memory: one table
lookup per answer and a row sum, in numpy, with no validation, bands, flags, parsing or output.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bondwell.instruments import load, score_many
from bondwell.instruments.csvio import read_responses, render

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
REPEATS = 3


def make_csv(path: Path, rows: int) -> np.ndarray:
    rng = np.random.default_rng(20261124)
    positions = rng.integers(0, 4, size=(rows, 10))
    frame = pd.DataFrame(positions, columns=[f"q{n}" for n in range(1, 11)])
    frame.insert(0, "id", [f"m{n:07d}" for n in range(rows)])
    frame.to_csv(path, index=False)
    return positions


def best_of(repeats: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_numpy(positions: np.ndarray) -> np.ndarray:
    epds = load("epds")
    lookup = np.array([[o.score for o in item.options] for item in epds.items])
    return lookup[np.arange(10), positions].sum(axis=1)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "responses.csv", Path(folder) / "scores.csv"
        positions = make_csv(source, ROWS)
        print(f"input: {ROWS:,} rows, {source.stat().st_size / 1e6:.1f} MB")

        command = [sys.executable, "-m", "bondwell", "score", "epds", str(source), "--out", str(out)]
        cli = best_of(REPEATS, lambda: subprocess.run(command, check=True, capture_output=True))
        written = sum(1 for _ in out.open()) - 1
        assert written == ROWS, f"CLI wrote {written} rows"
        as_json = [*command[:-1], str(out.with_suffix(".json")), "--format", "json"]
        cli_json = best_of(1, lambda: subprocess.run(as_json, check=True, capture_output=True))

        epds = load("epds")
        read = best_of(REPEATS, lambda: read_responses(source, epds))
        responses = read_responses(source, epds)
        scored = best_of(REPEATS, lambda: score_many(epds, responses.positions))
        bulk = score_many(epds, responses.positions)
        rows = np.flatnonzero(bulk.valid)

        def write() -> None:
            with out.open("w") as stream:
                stream.write(render(responses, bulk, rows, "csv"))

        writing = best_of(REPEATS, write)
        baseline = best_of(REPEATS, lambda: bare_numpy(positions))
        assert (bare_numpy(positions) == bulk.totals).all()

    print(f"whole CLI run (process start to file written): {cli:.2f} s  (goal < 10 s: "
          f"{'goal met' if cli < 10 else 'goal NOT met'}); as JSON {cli_json:.2f} s")
    print(f"  read CSV {read:.2f} s, score_many {scored:.3f} s, format and write CSV {writing:.2f} s")
    print(f"score_many vs bare numpy on the in-memory array: ratio {scored / baseline:.1f}")
    print(f"bench score_bulk: ours {cli:.2f} s, baseline {baseline:.3f} s, ratio {cli / baseline:.1f}")


if __name__ == "__main__":
    main()
