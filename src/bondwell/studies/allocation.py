"""Randomisation of a participant: concealed (see randomisation.py), final and audited."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.studies import randomisation as rnd
from bondwell.studies.models import (
    Allocation,
    Method,
    Participant,
    ParticipantStatus,
    RandomisationKey,
    Study,
    StudyStatus,
)
from bondwell.studies.safety_check import OpenRisks, open_risks
from bondwell.studies.services import StudyError, parse_numbers


def _stratum_factors(participant: Participant) -> dict[str, str]:
    study = participant.study
    factors: dict[str, str] = {}
    if study.stratify_by_site:
        factors["site"] = participant.site.slug
    if study.stratify_by_severity:
        factors["severity"] = rnd.severity_level(participant.baseline_epds, study.severity_cutoff)
    return factors


def randomise_participant(
    participant: Participant,
    *,
    by: User,
    now: datetime | None = None,
    seen: OpenRisks | None = None,
    note: str = "",
) -> Allocation:
    """Allocate an enrolled, consented, eligible, active participant. Final: a second call is refused.

    `seen` is the safety check the person randomising confirmed (open risk alerts and follow-ups); when
    something new has opened since, the randomisation is refused so she looks again. The counts and the
    decision are recorded on the allocation and in the audit.
    """
    # Decide on the rows as they are now, not as the caller last saw them.
    participant = Participant.objects.select_related("study", "screening", "site", "mother").get(pk=participant.pk)
    study = participant.study
    current = open_risks(participant.mother)
    if seen is not None and (len(current.alerts) > len(seen.alerts) or len(current.follow_ups) > len(seen.follow_ups)):
        raise StudyError("A risk alert or follow-up was opened for her since the check was shown; check again.")
    decision = f"Proceed after the safety check. {current.decision_text()}"
    if note.strip():
        decision += f" Note: {note.strip()}"
    if not study.is_randomised:
        raise StudyError("This is a single-arm study: there is nothing to randomise.")
    if study.status != StudyStatus.RECRUITING:
        raise StudyError("Randomisation happens only while the study is recruiting.")
    if participant.status != ParticipantStatus.ACTIVE:
        raise StudyError("Only an active participant can be randomised.")
    if not participant.consented_at or participant.consent_version != study.consent_version:
        raise StudyError("Consent to the current version must be recorded first.")
    if not participant.screening.eligible or participant.screening.exclusion_reason:
        raise StudyError("Only an eligible participant can be randomised.")
    with transaction.atomic():
        # Lock the study's key: allocations of one study are made one at a time.
        key = RandomisationKey.objects.select_for_update().get(study=study)
        if Allocation.objects.filter(participant=participant).exists():
            raise StudyError("This participant has already been randomised; the allocation is final.")
        arms = list(study.arms.all())
        weights = [rnd.ArmWeight(a.code, a.ratio) for a in arms]
        by_code = {a.code: a for a in arms}
        factors = _stratum_factors(participant)
        seed = bytes.fromhex(key.seed)
        if study.method == Method.MINIMISATION:
            sequence = Allocation.objects.filter(study=study).count() + 1
            choice = rnd.minimisation(seed, sequence, weights, factors, _factor_counts(study, factors),
                                      study.minimisation_probability)
            arm, stratum, block_number, block_size = by_code[choice.arm], "all", None, None
        else:
            stratum = rnd.stratum_key(factors)
            sequence = Allocation.objects.filter(study=study, stratum=stratum).count() + 1
            drawn = rnd.block_allocation(seed, stratum, sequence, weights,
                                         parse_numbers(study.block_sizes, "Block sizes", allow_zero=False))
            arm, block_number, block_size = by_code[drawn.arm], drawn.block_number, drawn.block_size
        try:
            with transaction.atomic():
                allocation = Allocation.objects.create(
                    study=study, participant=participant, arm=arm, method=study.method, stratum=stratum,
                    sequence=sequence, block_number=block_number, block_size=block_size, allocated_by=by,
                    allocated_at=now or timezone.now(), open_alerts_seen=len(current.alerts),
                    open_follow_ups_seen=len(current.follow_ups), safety_decision=decision[:300],
                )
        except IntegrityError as error:
            raise StudyError("Another randomisation was made at the same moment; try again.") from error
        audit(None, "study:randomise", mother=participant.mother, obj=allocation, actor=by,
              detail=f"study={study.code} participant={participant.code} open_alerts={len(current.alerts)} "
                     f"open_follow_ups={len(current.follow_ups)} decision=proceed")
    return allocation


def defer_randomisation( participant: Participant, *, by: User, seen: OpenRisks, note: str = ""
) -> None:
    """Record the decision not to randomise her now, after seeing the safety check (audited)."""
    participant = Participant.objects.select_related("study", "mother").get(pk=participant.pk)
    if Allocation.objects.filter(participant=participant).exists():
        raise StudyError("This participant has already been randomised; the allocation is final.")
    with transaction.atomic():
        audit(None, "study:randomise-deferred", mother=participant.mother, obj=participant, actor=by,
              detail=f"study={participant.study.code} participant={participant.code} "
                     f"open_alerts={len(seen.alerts)} open_follow_ups={len(seen.follow_ups)} "
                     f"note={note.strip()[:120]}")


def _factor_counts(study: Study, factors: dict[str, str]) -> dict[str, dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    allocations = Allocation.objects.filter(study=study).select_related("participant__site", "arm")
    for allocation in allocations:
        levels = _stratum_factors(allocation.participant)
        for factor in factors:
            level_counts = counts[factor][levels[factor]]
            level_counts[allocation.arm.code] = level_counts.get(allocation.arm.code, 0) + 1
    return counts
