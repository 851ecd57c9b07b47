"""Fifty hand-made bad inputs to the command line: each exits 2 with a message, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bondwell.cli import app

EPDS_HEAD = "id," + ",".join(f"q{i}" for i in range(1, 11))
GOOD_EPDS = EPDS_HEAD + "\nA," + ",".join(["1"] * 10) + "\n"
META_HEAD = "study,yi,vi\n"

FILES = {
    "epds_ok.csv": GOOD_EPDS,
    "epds_minus.csv": EPDS_HEAD + "\nA,-50," + ",".join(["1"] * 9) + "\n",
    "epds_big.csv": EPDS_HEAD + "\nA,1e308," + ",".join(["1"] * 9) + "\n",
    "epds_dup.csv": GOOD_EPDS + "A," + ",".join(["2"] * 10) + "\n",
    "epds_short.csv": EPDS_HEAD + "\nA,1,1\n",
    "epds_text.csv": EPDS_HEAD + "\nA,lots," + ",".join(["1"] * 9) + "\n",
    "epds_nohead.csv": "A," + ",".join(["1"] * 10) + "\n",
    "empty.csv": "",
    "binary.csv": "\x00\x01\x02\xff",
    "meta_nan.csv": META_HEAD + "a,nan,0.1\nb,0.2,0.1\n",
    "meta_neg_var.csv": META_HEAD + "a,0.1,-0.1\nb,0.2,0.1\n",
    "meta_inf.csv": META_HEAD + "a,1e308,1e308\nb,0.2,0.1\n",
    "meta_one.csv": META_HEAD + "a,0.1,0.1\n",
    "meta_dup.csv": META_HEAD + "a,0.1,0.1\na,0.1,0.1\nb,0.2,0.1\n",
    "meta_text.csv": META_HEAD + "a,big,0.1\nb,0.2,0.1\n",
    "meta_md_huge_n.csv": "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,1,1,1e300,2,1,10\nb,1,1,10,2,1,10\n",
    "meta_md_zero_sd.csv": "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,1,0,10,2,0,10\nb,1,0,10,2,0,10\n",
    "meta_md_frac_n.csv": "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,1,1,2.5,2,1,10\nb,1,1,10,2,1,10\n",
    "meta_or_neg.csv": "study,ai,bi,ci,di\na,-1,10,5,10\nb,1,10,5,10\n",
    "meta_dollar.csv": META_HEAD + "$x^{$,0.1,0.1\n$5 - 50% off $10,0.2,0.1\n",
    "meta_no_cols.csv": "study,foo\na,1\n",
}


def _cases(tmp: Path) -> list[list[str]]:
    f = {name: str(tmp / name) for name in FILES}
    return [
        ["score", "nosuch", f["epds_ok.csv"]],
        ["score", "epds", str(tmp / "missing.csv")],
        ["score", "epds", str(tmp)],
        ["score", "epds", f["epds_ok.csv"], "--out", str(tmp)],
        ["score", "epds", f["epds_ok.csv"], "--out", "/proc/bondwell-cannot-write-here.csv"],
        ["score", "epds", f["epds_ok.csv"], "--format", "xml"],
        ["score", "epds", f["epds_ok.csv"], "--profile", "MARS"],
        ["score", "epds", f["epds_minus.csv"]],
        ["score", "epds", f["epds_big.csv"]],
        ["score", "epds", f["epds_dup.csv"]],
        ["score", "epds", f["epds_short.csv"]],
        ["score", "epds", f["epds_text.csv"]],
        ["score", "epds", f["epds_nohead.csv"]],
        ["score", "epds", f["empty.csv"]],
        ["score", "epds", f["binary.csv"]],
        ["score", "phq9", f["epds_short.csv"]],
        ["meta", f["meta_nan.csv"], "--measure", "GEN"],
        ["meta", f["meta_neg_var.csv"], "--measure", "GEN"],
        ["meta", f["meta_inf.csv"], "--measure", "GEN"],
        ["meta", f["meta_one.csv"], "--measure", "GEN", "--method", "REML", "--test", "knha"],
        ["meta", f["meta_dup.csv"], "--measure", "GEN"],
        ["meta", f["meta_text.csv"], "--measure", "GEN"],
        ["meta", f["meta_md_huge_n.csv"], "--measure", "SMD"],
        ["meta", f["meta_md_zero_sd.csv"], "--measure", "SMD"],
        ["meta", f["meta_md_frac_n.csv"], "--measure", "MD"],
        ["meta", f["meta_or_neg.csv"], "--measure", "OR"],
        ["meta", f["meta_no_cols.csv"], "--measure", "GEN"],
        ["meta", f["empty.csv"], "--measure", "GEN"],
        ["meta", f["binary.csv"], "--measure", "GEN"],
        ["meta", str(tmp / "missing.csv"), "--measure", "GEN"],
        ["meta", f["meta_nan.csv"], "--measure", "XYZ"],
        ["meta", f["meta_nan.csv"], "--measure", "GEN", "--method", "MAGIC"],
        ["meta", f["meta_dollar.csv"], "--measure", "GEN", "--forest", str(tmp / "plot.gif")],
        ["meta", f["meta_dollar.csv"], "--measure", "GEN", "--forest", str(tmp)],
        ["meta", f["meta_dollar.csv"], "--measure", "GEN", "--funnel", str(tmp / "plots.svg")],
        ["power", "--smd", "0"],
        ["power", "--smd", "-0.5", "--power", "1.5"],
        ["power", "--smd", "nan"],
        ["power", "--smd", "1e308"],
        ["power", "--smd", "0.5", "--alpha", "0"],
        ["power", "--smd", "0.5", "--alpha", "1"],
        ["power", "--smd", "0.5", "--attrition", "1"],
        ["power", "--smd", "0.5", "--attrition", "-0.1"],
        ["power", "--smd", "0.5", "--baseline-correlation", "1"],
        ["power", "--smd", "0.5", "--icc", "0.05", "--cluster-size", "1e308"],
        ["power", "--smd", "0.5", "--icc", "2", "--cluster-size", "6"],
        ["power", "--smd", "0.5", "--icc", "0.05", "--cluster-size", "0"],
        ["power", "--smd", "abc"],
        ["restore", str(tmp / "missing.backup")],
        ["backup", str(tmp)],
        ["nosuchcommand"],
    ]


def test_there_are_at_least_fifty_cases(tmp_path: Path) -> None:
    assert len(_cases(tmp_path)) >= 50


@pytest.mark.parametrize("index", range(51))
def test_a_bad_command_line_exits_2_with_a_message_and_no_traceback(
    index: int, tmp_path: Path, db: None, settings: Any
) -> None:
    settings.BONDWELL_BACKUP_KEY = "q9bfSvOMmTqmrxN0f1LXD8m3z9a2cqo1o4YVb0x6hAU="
    for name, text in FILES.items():
        (tmp_path / name).write_bytes(text.encode("latin-1", errors="replace"))
    (tmp_path / "plots.svg").mkdir()  # a folder where a plot file was asked for
    argv = _cases(tmp_path)[index]
    result = CliRunner().invoke(app, argv)
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{argv[:2]}: raised {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in output
    assert result.exit_code == 2, f"{' '.join(argv)} -> exit {result.exit_code}: {output[-300:]}"
    assert output.strip(), "a message says what was wrong"
