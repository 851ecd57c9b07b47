"""`bondwell meta FILE.csv`: a meta-analysis from a CSV with metafor's column names (pure: no Django)."""

from __future__ import annotations

import enum
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bondwell.stats.cli import FormatOption, OutputFormat, fail
from bondwell.stats.meta.csv_input import InputError, read_effects
from bondwell.stats.results import to_json

if TYPE_CHECKING:
    from bondwell.stats.meta.model import MetaResult


class MeasureChoice(enum.StrEnum):
    SMD = "SMD"
    MD = "MD"
    RR = "RR"
    OR = "OR"
    RD = "RD"
    GEN = "GEN"


class MethodChoice(enum.StrEnum):
    FE = "FE"
    DL = "DL"
    REML = "REML"
    ML = "ML"
    PM = "PM"
    SJ = "SJ"
    HE = "HE"


class TestChoice(enum.StrEnum):
    z = "z"
    knha = "knha"
    adhoc = "adhoc"


def register(app: typer.Typer) -> None:
    app.command("meta")(meta)


def meta(
    file: Annotated[Path, typer.Argument(help="CSV: m1i,sd1i,n1i,m2i,sd2i,n2i | ai,bi,ci,di | yi,vi; optional study.")],
    measure: Annotated[MeasureChoice, typer.Option("--measure", help="Effect size, as metafor's escalc.")],
    method: Annotated[MethodChoice, typer.Option("--method", help="tau² estimator (FE: fixed effect).")] = (
        MethodChoice.REML
    ),
    test: Annotated[
        TestChoice, typer.Option("--test", help="z (Wald), knha (Hartung-Knapp) or adhoc (HK, factor >= 1).")
    ] = TestChoice.z,
    output_format: FormatOption = OutputFormat.text,
    forest: Annotated[Path | None, typer.Option("--forest", help="Write a forest plot (.svg or .png).")] = None,
    funnel: Annotated[Path | None, typer.Option("--funnel", help="Write a funnel plot (.svg or .png).")] = None,
) -> None:
    """Pool the studies in FILE as R's metafor::rma would, and report (ratio measures on the log scale)."""
    from bondwell.stats.meta.model import rma
    from bondwell.stats.meta.tau2 import ConvergenceError

    for plot in (forest, funnel):
        if plot is not None and plot.suffix.lower() not in (".svg", ".png"):
            fail(f"{plot}: plot files must end in .svg or .png")
    try:
        effects = read_effects(file, measure.value)
    except InputError as error:
        fail(f"{file}: {error}")
    studies = int(sum(1 for y, v in zip(effects.yi, effects.vi, strict=True) if y == y and v == v))
    if test is not TestChoice.z and studies < 2:
        fail(f"{file}: --test {test.value} needs at least two studies (found {studies}); with one study "
             "there is no between-study spread to scale by. Use --test z.")
    try:
        result = rma(effects, method=method.value, test=test.value)
    except (ValueError, ConvergenceError) as error:
        fail(f"{file}: cannot fit the model: {error}")
    except ArithmeticError as error:  # e.g. effects or variances near 1e308 overflow the weights
        fail(f"{file}: cannot fit the model: the values are too large or too small to pool ({error})")
    if output_format is OutputFormat.json:
        sys.stdout.write(to_json(json_report(result)) + "\n")
    else:
        sys.stdout.write(str(result.summary()))
    for path, draw in ((forest, result.forest), (funnel, result.funnel)):
        if path is not None:
            if path.is_dir():
                fail(f"{path}: is a folder; give a file name ending in .svg or .png")
            try:
                draw(path)
            except OSError as error:
                fail(f"{path}: cannot write the plot ({error.strerror or error})")
            typer.echo(f"wrote {path}", err=True)


def json_report(result: MetaResult) -> dict[str, object]:
    """The contract's JSON keys (plus method, test, measure and p-values); NaN becomes null."""
    report: dict[str, object] = {
        "measure": result.measure,
        "method": result.method,
        "test": result.test,
        "k": result.k,
        "estimate": result.estimate,
        "se": result.se,
        "zval" if result.ddf is None else "tval": result.statistic,
        "pval": result.pval,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "tau2": result.tau2,
        "tau2_se": result.tau2_se,
        "i2": result.i2,
        "h2": result.h2,
        "q": result.q,
        "q_df": result.q_df,
        "q_pvalue": result.q_pvalue,
        "pi_low": result.pi_low,
        "pi_high": result.pi_high,
    }
    if result.ddf is not None:
        report["df"] = result.ddf
    if result.is_ratio:
        for key in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high"):
            report[f"{key}_exp"] = math.exp(getattr(result, key))
    return {key: (None if isinstance(value, float) and math.isnan(value) else value) for key, value in report.items()}
