"""A published version's frozen content, what changed since the previous one, and its downloads.

A snapshot is plain data: the review, the included studies (agreed extraction, risk of bias, sources), the
studies considered and excluded with reasons and sources, the PRISMA counts and the analyses. The CSV lists
every number with its source; the R script repeats the main analysis with metafor.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from bondwell.evidence.pool import analyses, fmt
from bondwell.evidence.review.extraction import NUMBERS
from bondwell.security import cells

CSV_COLUMNS = (
    "status", "key", "label", "citation", "link", "year", "design", "country", "pnd_definition", "dose",
    "comparator", "time_point", *NUMBERS, "source", "not_poolable_reason", "exclusion_reason", "rob_tool",
    "rob_overall", "site_own_unpublished_data",
)  # fmt: skip


def build_snapshot(
    review: Mapping[str, Any],
    studies: Sequence[Mapping[str, Any]],
    excluded: Sequence[Mapping[str, Any]],
    prisma_counts: Mapping[str, Any],
) -> dict[str, Any]:
    ordered = sorted(studies, key=lambda s: (s.get("year") or 9999, str(s["label"])))
    return {
        "schema": 1,
        "review": dict(review),
        "studies": [dict(s) for s in ordered],
        "excluded": [dict(e) for e in sorted(excluded, key=lambda e: str(e["label"]))],
        "prisma": dict(prisma_counts),
        "analyses": analyses(ordered),
    }


def _main(snapshot: Mapping[str, Any]) -> Mapping[str, Any]:
    return next(a for a in snapshot["analyses"] if a["name"] == "main")


def estimate_text(snapshot: Mapping[str, Any]) -> str:
    a = _main(snapshot)
    if a["k"] >= 2:
        return f"g = {fmt(a['estimate'])} (95% CI {fmt(a['ci_low'])} to {fmt(a['ci_high'])}) from {a['k']} studies"
    if a["k"] == 1:
        return f"no combined estimate (one study with complete numbers: {a['studies'][0]['label']})"
    return "no estimate (no study with complete numbers)"


def changes(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> list[str]:
    """What changed, in sentences: studies added and removed, numbers corrected, the estimate before and after."""
    if previous is None:
        return ["First published version.", f"Estimate: {estimate_text(current)}."]
    before = {s["key"]: s for s in previous["studies"]}
    after = {s["key"]: s for s in current["studies"]}
    lines = [f"Study added: {after[k]['label']}." for k in after if k not in before]
    lines += [f"Study removed: {before[k]['label']}." for k in before if k not in after]
    for key in after.keys() & before.keys():
        old, new = before[key], after[key]
        fixed = [n for n in (*NUMBERS, "time_point") if old.get(n) != new.get(n)]
        if fixed:
            details = ", ".join(f"{n} {old.get(n)} → {new.get(n)}" for n in fixed)
            lines.append(f"Numbers corrected for {new['label']}: {details}.")
        if (old.get("rob") or {}).get("overall") != (new.get("rob") or {}).get("overall"):
            lines.append(f"Risk of bias judged for {new['label']}: {(new.get('rob') or {}).get('overall', 'none')}.")
    old_excluded = {e["key"] for e in previous.get("excluded", [])}
    lines += [f"Study considered and excluded: {e['label']} ({e['reason']})."
              for e in current.get("excluded", []) if e["key"] not in old_excluded]  # fmt: skip
    lines.append(f"Estimate before: {estimate_text(previous)}; after: {estimate_text(current)}.")
    return lines


def data_csv(snapshot: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for study in snapshot["studies"]:
        rob = study.get("rob") or {}
        writer.writerow(cells.mapping({**study, "status": "included", "rob_tool": rob.get("tool", ""),
                         "rob_overall": rob.get("overall", ""),
                         "site_own_unpublished_data": "yes" if study.get("own_data") else ""}))  # fmt: skip
    for item in snapshot["excluded"]:
        writer.writerow(cells.mapping({**item, "status": "excluded", "exclusion_reason": item.get("reason", ""),
                         "source": item.get("source", "")}))  # fmt: skip
    return buffer.getvalue()


def _r_vector(values: Sequence[object]) -> str:
    parts = []
    for v in values:
        parts.append('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' if isinstance(v, str) else repr(v))
    return "c(" + ", ".join(parts) + ")"


def r_script(snapshot: Mapping[str, Any], version: int) -> str:
    """The main and sensitivity analyses as metafor runs them (metafor >= 4.0 for test = "adhoc")."""
    main = _main(snapshot)
    keys = {s["key"] for s in main["studies"]}
    rows = [s for s in snapshot["studies"] if s["key"] in keys]
    lines = [
        f"# {snapshot['review']['title']}: version {version}, main analysis and sensitivity analyses.",
        "# Hedges' g (massage minus comparator; negative favours massage), REML, Hartung-Knapp with the",
        "# ad hoc correction (variance factor max(1, s^2), t on k - 1 df).",
        "library(metafor)",
        "dat <- data.frame(",
        f"  study = {_r_vector([s['label'] for s in rows])},",
        f"  design = {_r_vector([s.get('design', '') for s in rows])},",
        f"  rob = {_r_vector([(s.get('rob') or {}).get('overall', 'not assessed') for s in rows])},",
    ]
    for n in NUMBERS:
        lines.append(f"  {n} = {_r_vector([s[n] for s in rows])},")
    lines[-1] = lines[-1].rstrip(",")
    lines += [
        ")",
        'dat <- escalc("SMD", m1i = mean_massage, sd1i = sd_massage, n1i = n_massage,',
        "              m2i = mean_control, sd2i = sd_control, n2i = n_control, data = dat, slab = study)",
        "# REML with Hartung-Knapp and the ad hoc correction: native in metafor >= 4.0; in older metafor the same",
        "# numbers from the knha fit (variance factor max(1, s2w) times the z variance, t on k - 1 df).",
        "pool <- function(d) {",
        '  if (packageVersion("metafor") >= "4.0.0") {',
        '    res <- rma(yi, vi, data = d, method = "REML", test = "adhoc")',
        "    pred <- predict(res)",
        "    return(c(estimate = as.numeric(res$beta), ci_lb = res$ci.lb, ci_ub = res$ci.ub,",
        "             pi_lb = pred$pi.lb, pi_ub = pred$pi.ub, tau2 = res$tau2, i2 = res$I2))",
        "  }",
        '  knha <- rma(yi, vi, data = d, method = "REML", test = "knha")',
        "  se <- sqrt(max(1, knha$s2w)) * knha$se / sqrt(knha$s2w)",
        "  crit <- qt(0.975, knha$k - 1)",
        "  b <- as.numeric(knha$beta)",
        "  half <- crit * sqrt(se^2 + knha$tau2)",
        "  c(estimate = b, ci_lb = b - crit * se, ci_ub = b + crit * se, pi_lb = b - half, pi_ub = b + half,",
        "    tau2 = knha$tau2, i2 = knha$I2)",
        "}",
        "if (nrow(dat) >= 2) print(pool(dat)) else print(dat)  # one study: its own effect, no pooled estimate",
        'rct <- subset(dat, design == "rct")',
        "if (nrow(rct) >= 2) print(pool(rct))",
        'low <- subset(dat, rob == "low")',
        "if (nrow(low) >= 2) print(pool(low))",
        "",
    ]
    return "\n".join(lines)
