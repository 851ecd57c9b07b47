"""Plain-text summary of a fitted model, laid out like metafor's print.rma.uni."""

from __future__ import annotations

import math

from bondwell.stats.meta.model import MetaResult

MEASURE_NAMES = {
    "SMD": "standardised mean difference (Hedges' g)",
    "MD": "mean difference",
    "RR": "log risk ratio",
    "OR": "log odds ratio",
    "RD": "risk difference",
    "GEN": "effect size as given",
}
METHOD_NAMES = {
    "DL": "DerSimonian-Laird",
    "REML": "restricted maximum likelihood",
    "ML": "maximum likelihood",
    "PM": "Paule-Mandel",
    "SJ": "Sidik-Jonkman",
    "HE": "Hedges",
}


def pvalue_text(p: float) -> str:
    if math.isnan(p):
        return "NA"
    return "<.0001" if p < 0.0001 else f"{p:.4f}"


def _number(x: float, width: int = 9) -> str:
    return f"{'NA':>{width}}" if math.isnan(x) else f"{x:>{width}.4f}"


def summary_text(res: MetaResult) -> str:
    lines = []
    kind = "Fixed-Effects" if res.method == "FE" else "Random-Effects"
    if res.p > 1:
        kind = "Mixed-Effects" if res.method != "FE" else "Fixed-Effects with Moderators"
    header = f"{kind} Model (k = {res.k}"
    header += ")" if res.method == "FE" else f"; tau^2 estimator: {res.method}, {METHOD_NAMES[res.method]})"
    lines += [header, f"Outcome: {MEASURE_NAMES.get(res.measure, res.measure)}"]
    if res.omitted:
        lines.append(f"{len(res.omitted)} studies omitted for missing values: {', '.join(res.omitted)}")
    lines.append("")
    if res.method != "FE":
        residual = "residual " if res.p > 1 else ""
        lines += [
            f"tau^2 (estimated amount of {residual}heterogeneity): {res.tau2:.4f} (SE = {res.tau2_se:.4f})",
            f"tau (square root of estimated tau^2 value):      {res.tau:.4f}",
        ]
    lines += [
        f"I^2 (heterogeneity / total variability):         {res.i2:.2f}%",
        f"H^2 (total variability / sampling variability):  {res.h2:.2f}",
    ]
    if res.r2 is not None:
        lines.append(f"R^2 (amount of heterogeneity accounted for):     {res.r2:.2f}%")
    label = "Test for Residual Heterogeneity" if res.p > 1 else "Test for Heterogeneity"
    lines += ["", f"{label}:", f"Q(df = {res.q_df}) = {res.q:.4f}, p-val {_p_phrase(res.q_pvalue)}", ""]
    if res.p > 1:
        m, ddf = res.qm_df
        test = f"F(df1 = {m}, df2 = {ddf})" if ddf is not None else f"QM(df = {m})"
        lines += [
            f"Test of Moderators (coefficients 2:{res.p}):",
            f"{test} = {res.qm:.4f}, p-val {_p_phrase(res.qm_pvalue)}",
            "",
        ]
    stat_name = "tval" if res.ddf is not None else "zval"
    hk = {"knha": "Hartung-Knapp", "adhoc": "Hartung-Knapp, ad hoc correction"}.get(res.test)
    lines.append("Model Results:" + (f" ({hk}, t on {res.ddf} df)" if hk else ""))
    lines.append("")
    lines.append(f"{'':10}{'estimate':>9}{'se':>9}{stat_name:>9}{'pval':>9}{'ci.lb':>9}{'ci.ub':>9}")
    for i, name in enumerate(res.coef_names):
        lines.append(
            f"{name[:10]:10}{_number(res.beta[i])}{_number(res.se_beta[i])}{_number(res.statistic_beta[i])}"
            f"{pvalue_text(res.pval_beta[i]):>9}{_number(res.ci_low_beta[i])}{_number(res.ci_high_beta[i])}"
        )
    if res.p == 1 and res.method != "FE":
        lines += ["", f"95% prediction interval: {res.pi_low:.4f} to {res.pi_high:.4f}"]
    if res.is_ratio and res.p == 1:
        ratio = "RR" if res.measure == "RR" else "OR"
        lines += [
            "",
            f"Back-transformed: {ratio} = {math.exp(res.estimate):.4f} "
            f"(95% CI {math.exp(res.ci_low):.4f} to {math.exp(res.ci_high):.4f})"
            + (
                f"; prediction interval {math.exp(res.pi_low):.4f} to {math.exp(res.pi_high):.4f}"
                if res.method != "FE"
                else ""
            ),
        ]
    return "\n".join(lines) + "\n"


def _p_phrase(p: float) -> str:
    text = pvalue_text(p)
    return text if text.startswith("<") else f"= {text}"
