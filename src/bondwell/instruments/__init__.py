"""Exact scoring of validated questionnaires: one engine for every way answers arrive.

Pure Python and numpy; no Django import. Who calls it: the web pages and the REST API through
`bondwell.screening.services.record_assessment` (which calls `score`), the REDCap import in
`bondwell.api.redcap` (through the same service, and `score` to check a file's totals), the FHIR export
(`fhir.to_questionnaire_response`) and the CLI's `bondwell score` (the vectorised `score_many`, which must agree
with `score` on every response). Definitions are YAML files in `definitions/`, guideline profiles in
`profiles.yaml`, and licensed wording is installed as text packs (see `textpacks`).

    >>> from bondwell import instruments
    >>> epds = instruments.load("epds")  # the default guideline profile: Australian (COPE 2023) bands
    >>> answers = {f"q{i}": 0 for i in range(1, 11)}  # the printed position of each answer, 0 = top option
    >>> result = instruments.score(epds, answers)
    >>> result.total, result.band.key, sorted(result.flags)
    (21, 'likely', ['self_harm'])
"""

from bondwell.instruments.bulk import BulkScores, score_many
from bondwell.instruments.definitions import (
    DEFAULT_PROFILE,
    TEXT_DIR_ENV,
    available,
    default_text_dir,
    load,
    profiles,
)
from bondwell.instruments.model import (
    Band,
    DefinitionError,
    Instrument,
    Item,
    ItemProblem,
    Licence,
    Option,
    RiskRule,
    Score,
    ScoringError,
    Subscale,
    TextPackError,
)
from bondwell.instruments.scoring import check_answers, risk_flags, score

__all__ = [
    "DEFAULT_PROFILE",
    "TEXT_DIR_ENV",
    "Band",
    "BulkScores",
    "DefinitionError",
    "Instrument",
    "Item",
    "ItemProblem",
    "Licence",
    "Option",
    "RiskRule",
    "Score",
    "ScoringError",
    "Subscale",
    "TextPackError",
    "available",
    "check_answers",
    "default_text_dir",
    "load",
    "profiles",
    "risk_flags",
    "score",
    "score_many",
]
