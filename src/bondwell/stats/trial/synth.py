"""Synthetic two-arm trials with EPDS-like outcomes, for demos, tests and benchmarks (no real data).

The generating model, on the EPDS scale (0–30, integers):

    epds = 15 + site + participant + recovery(week) − effect_size · 4 · ramp(week) · adherence / 60 + noise

with site SD 0.8, participant SD 3 and noise SD 2.5, so the baseline SD is about 4. Everyone recovers
somewhat (4 · (1 − e^(−week/10)) points); the intervention adds `effect_size` baseline SDs of extra
improvement, reached gradually and scaled by each mother's home practice (mean 60 minutes a week), so a
per-protocol analysis differs from intention-to-treat. Drop-out is monotone and grows linearly with the wave,
reaching `attrition` at the last wave, plus 3% of single visits missed at random. Missing visits have no row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

EPDS_MAX = 30
_BASELINE_MEAN = 15.0
_SITE_SD, _PARTICIPANT_SD, _NOISE_SD = 0.8, 3.0, 2.5
_OUTCOME_SD = 4.0
_MEAN_ADHERENCE = 60.0
_MISSED_VISIT = 0.03


def synth_trial(
    participants: int,
    seed: int,
    effect_size: float = 0.4,
    attrition: float = 0.2,
    sites: int = 4,
    weeks: Sequence[int] = (0, 6, 13, 26, 52),
) -> pd.DataFrame:
    """Long-format trial: participant, site, arm, week, epds, adherence_minutes_per_week."""
    if participants < 2 or sites < 1:
        raise ValueError("need at least 2 participants and 1 site")
    if not 0 <= attrition < 1:
        raise ValueError("attrition must be in [0, 1)")
    week_array = np.asarray(sorted(weeks), dtype=np.int64)
    if week_array.size < 2 or week_array[0] != 0:
        raise ValueError("weeks must start with the baseline week 0 and have a follow-up")
    rng = np.random.default_rng(seed)

    site = rng.integers(0, sites, participants)
    # Permuted blocks of two within each site keep the arms balanced at every site.
    arm = np.empty(participants, dtype=np.int64)
    for s in range(sites):
        members = np.flatnonzero(site == s)
        blocks = np.tile([0, 1], (members.size + 1) // 2)[: members.size]
        arm[members] = rng.permutation(blocks)
    site_effect = rng.normal(0, _SITE_SD, sites)[site]
    person_effect = rng.normal(0, _PARTICIPANT_SD, participants)
    adherence = np.where(arm == 1, rng.gamma(2.0, _MEAN_ADHERENCE / 2.0, participants), 0.0)

    waves = week_array.size - 1
    dropout_draw = rng.uniform(size=participants)
    # First follow-up wave (1-based) missed for good: cumulative drop-out attrition · k / waves by wave k.
    dropout_wave = np.floor(dropout_draw / attrition * waves).astype(np.int64) + 1 if attrition > 0 else None

    wk = week_array[None, :].astype(float)
    recovery = 4.0 * (1 - np.exp(-wk / 10.0))
    ramp = 1 - np.exp(-wk / 8.0)
    extra = effect_size * _OUTCOME_SD * ramp * (adherence[:, None] / _MEAN_ADHERENCE) * arm[:, None]
    latent = (_BASELINE_MEAN + site_effect[:, None] + person_effect[:, None] - recovery - extra
              + rng.normal(0, _NOISE_SD, (participants, week_array.size)))
    epds = np.clip(np.rint(latent), 0, EPDS_MAX).astype(np.int64)

    wave_number = np.arange(week_array.size)[None, :]
    observed = rng.uniform(size=epds.shape) >= _MISSED_VISIT
    if dropout_wave is not None:
        observed &= wave_number < dropout_wave[:, None]
    observed[:, 0] = True

    person, wave = np.nonzero(observed)
    width = len(str(participants))
    return pd.DataFrame({
        "participant": [f"P{i + 1:0{width}d}" for i in person],
        "site": [f"S{s + 1:02d}" for s in site[person]],
        "arm": np.where(arm[person] == 1, "intervention", "control"),
        "week": week_array[wave],
        "epds": epds[person, wave],
        "adherence_minutes_per_week": np.round(adherence[person], 1),
    })
