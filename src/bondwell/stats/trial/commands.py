"""Command line: `bondwell analyse trial`, `bondwell power` and `bondwell synth trial` (pure, no Django)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bondwell.stats.cli import FormatOption, OutputFormat, fail

# scipy and pandas load inside each command, so `bondwell --help` and the other capabilities' commands start
# without paying for them; option defaults that live in the statistics modules are resolved there too.


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The sub-command group `name`, shared with any other capability that registered it first."""
    for info in app.registered_groups:
        if info.name == name and isinstance(info.typer_instance, typer.Typer):
            return info.typer_instance
    group = typer.Typer(name=name, help=help_text, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def _print_json(value: dict[str, Any]) -> None:
    from bondwell.stats.results import to_json  # the one JSON serialiser of bondwell.stats

    typer.echo(to_json(value))


def analyse_trial_command(
    file: Annotated[Path, typer.Argument(help="CSV with columns participant, arm, week and the outcome.")],
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column, e.g. epds.")],
    output_format: FormatOption = OutputFormat.text,
    per_protocol_min: Annotated[
        float | None,
        typer.Option("--per-protocol-min", help="Also run a per-protocol analysis at this adherence."),
    ] = None,
    adherence_column: Annotated[
        str | None,
        typer.Option(
            "--adherence-column",
            help="Adherence column used by --per-protocol-min [default: adherence_minutes_per_week].",
        ),
    ] = None,
    cutoff: Annotated[
        float | None,
        typer.Option("--cutoff", help="Clinical cut-off: proportions strictly below it are reported [default: 13]."),
    ] = None,
    arms: Annotated[
        str | None,
        typer.Option(
            "--arms",
            help="Map arm labels, e.g. 'Usual care=control,Massage=intervention' (control/intervention in any "
            "case are always recognised).",
        ),
    ] = None,
) -> None:
    """Analyse a two-arm trial: ANCOVA per week and a random-intercept mixed model (intention-to-treat)."""
    import pandas as pd

    from bondwell.stats.trial.analysis import analyse_trial
    from bondwell.stats.trial.data import DEFAULT_ADHERENCE_COLUMN, TrialDataError, load_trial_csv, parse_arms
    from bondwell.stats.trial.reliability import EPDS_CUTOFF

    adherence_column = adherence_column or DEFAULT_ADHERENCE_COLUMN
    cutoff = EPDS_CUTOFF if cutoff is None else cutoff
    try:
        mapping = parse_arms(arms) if arms else None
        data = load_trial_csv(file, outcome, adherence_column if per_protocol_min is not None else None, mapping)
        result = analyse_trial(data, per_protocol_min, cutoff)
    except TrialDataError as error:
        fail(f"{file}:\n{error}")
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        fail(f"{file}: {error}")
    if output_format is OutputFormat.json:
        _print_json(result.as_dict())
    else:
        typer.echo(str(result.summary()))


def power_command(
    smd: Annotated[float, typer.Option("--smd", help="Standardised difference to detect (Cohen's d).")],
    power: Annotated[float, typer.Option("--power", help="Power, e.g. 0.9.")] = 0.8,
    alpha: Annotated[float, typer.Option("--alpha", help="Two-sided significance level.")] = 0.05,
    baseline_correlation: Annotated[
        float, typer.Option("--baseline-correlation", help="Baseline-outcome correlation r (ANCOVA).")
    ] = 0.0,
    attrition: Annotated[float, typer.Option("--attrition", help="Expected loss to follow-up, 0-1.")] = 0.0,
    icc: Annotated[float | None, typer.Option("--icc", help="Intra-class correlation within groups.")] = None,
    cluster_size: Annotated[
        float | None, typer.Option("--cluster-size", help="Mothers per group (class).")
    ] = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Sample size per arm for a two-arm trial (R's power.t.test, then adjusted)."""
    if (icc is None) != (cluster_size is None):
        fail("--icc and --cluster-size go together")
    if cluster_size is not None and not 1 <= cluster_size <= 10_000:
        fail(f"--cluster-size: {cluster_size:g} mothers per group; give a number from 1 to 10000")
    try:
        from bondwell.stats.trial.power import sample_size

        result = sample_size(smd, power, alpha, baseline_correlation, attrition,
                             icc or 0.0, cluster_size or 1.0)
    except (ValueError, ArithmeticError) as error:
        fail(str(error))
    if output_format is OutputFormat.json:
        _print_json({"n_per_arm": result.n_per_arm, "n_per_arm_adjusted": result.n_per_arm_adjusted,
                     "n_total": result.n_total, "n_exact": result.n_exact,
                     "design_effect": result.design_effect})
    else:
        typer.echo(str(result.summary()))


def synth_trial_command(
    participants: Annotated[int, typer.Option("--participants", help="Number of mothers randomised.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    effect_size: Annotated[
        float, typer.Option("--effect-size", help="Extra improvement with the intervention, in SDs.")
    ] = 0.4,
    attrition: Annotated[float, typer.Option("--attrition", help="Drop-out by the last wave, 0-1.")] = 0.2,
    sites: Annotated[int, typer.Option("--sites", help="Number of sites.")] = 4,
) -> None:
    """Write a synthetic two-arm EPDS trial (long format, one row per mother and visit)."""
    try:
        from bondwell.stats.trial.synth import synth_trial

        frame = synth_trial(participants, seed, effect_size, attrition, sites)
        frame.to_csv(out, index=False)
    except (ValueError, OSError) as error:
        fail(str(error))
    typer.echo(f"wrote {len(frame)} rows for {participants} participants to {out}", err=True)


def register(app: typer.Typer) -> None:
    analyse = _group(app, "analyse", "Analyse study data (pure statistics, no database).")
    analyse.command("trial")(analyse_trial_command)
    app.command("power")(power_command)
    synth = _group(app, "synth", "Generate synthetic data sets (no real people).")
    synth.command("trial")(synth_trial_command)
