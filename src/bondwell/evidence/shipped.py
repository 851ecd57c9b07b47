"""The shipped evidence base (data/studies.yaml) as the shipped review's records and first published version.

Called by the data migration with its historical models. Studies in the file that did not select mothers
with postnatal depression are recorded as considered and excluded, like the `excluded:` list of the file.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bondwell.evidence.data import EvidenceBase, PublishedStudy, load_evidence
from bondwell.evidence.publishing import snapshot
from bondwell.evidence.review import prisma
from bondwell.evidence.review.changes_text import FIRST_VERSION_NOTE
from bondwell.evidence.review.versions import changes

SLUG = "infant-massage-pnd"
TITLE = "Mother-led infant massage for postnatal depression"
QUESTION = (
    "In mothers with postnatal depression, does mother-led infant massage, compared with routine care or another "
    "support, lower depression scores (EPDS)?"
)
SOURCE = "Shipped evidence base (abstracts, registry records, Cochrane 2013 table)"
NOT_PND = {
    "nct06475885": "Mothers not selected for postnatal depression",
    "nct05813782": "Mothers not selected for postnatal depression",
}


def review_info() -> dict[str, str]:
    return {"slug": SLUG, "title": TITLE, "question": QUESTION}


def study_data(study: PublishedStudy) -> dict[str, Any]:
    outcome = study.primary_outcome
    prefix = "outcomes.0."
    sources = "; ".join(sorted({t for p, t in study.sources.items() if p.startswith(prefix)}))
    rob = study.risk_of_bias
    note = " ".join(x for x in (rob.other, rob.note) if x)
    inclusion = {"unverified": "whether Geary 2023 included it is not verified", "no": "not in Geary 2023"}
    return {
        "label": study.short, "citation": study.citation, "link": study.link or "", "year": study.year,
        "design": study.design, "country": study.country or "", "population": study.population,
        "pnd_definition": study.pnd_definition, "dose": study.dose.description, "comparator": study.comparator,
        "time_point": outcome.time_point,
        "n_massage": outcome.massage.n, "mean_massage": outcome.massage.mean, "sd_massage": outcome.massage.sd,
        "n_control": outcome.control.n, "mean_control": outcome.control.mean, "sd_control": outcome.control.sd,
        "source": sources, "not_poolable_reason": outcome.not_poolable_reason or "",
        "reported_result": outcome.reported_result or "", "rob_note": note,
        "geary_2023": inclusion.get(study.in_geary_2023, ""), "sources": dict(study.sources),
    }  # fmt: skip


def load_shipped_review(review_model: Any, record_model: Any, version_model: Any,
                        evidence: EvidenceBase | None = None) -> Any:  # fmt: skip
    """Create the shipped review, its records and version 1 (idempotent: does nothing if it exists)."""
    evidence = evidence or load_evidence()
    with transaction.atomic():
        review, created = review_model.objects.get_or_create(slug=SLUG, defaults={"title": TITLE, "question": QUESTION})
        if not created and version_model.objects.filter(review=review).exists():
            return review
        for study in evidence.studies:
            data = study_data(study)
            excluded = NOT_PND.get(study.key)
            record_model.objects.create(
                review=review, source=SOURCE, key=study.key, title=study.citation, year=study.year,
                doi=study.doi or "", pmid=str(study.pmid or ""),
                state=prisma.FT_EXCLUDED if excluded else prisma.INCLUDED, state_reason=excluded or "",
                agreed={**data, "detail": data["pnd_definition"], "source": data["source"] or "registry record"}
                if excluded else data,
            )  # fmt: skip
        for item in evidence.excluded:
            record_model.objects.create(
                review=review, source=SOURCE, key=item.key, title=item.citation, year=item.year,
                state=prisma.FT_EXCLUDED, state_reason=item.reason,
                agreed={"label": item.short, "citation": item.citation, "link": item.link, "detail": item.detail,
                        "source": item.source},
            )  # fmt: skip
        content = snapshot(review_info(), record_model.objects.filter(review=review).order_by("id"))
        version_model.objects.create(
            review=review, number=1, note=FIRST_VERSION_NOTE, snapshot=content, changes=changes(None, content)
        )
    return review
