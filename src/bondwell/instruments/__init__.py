"""Exact scoring of validated questionnaires: one engine for the web app, the API, the importer and the CLI.

Pure Python and numpy; no Django import. Definitions are YAML files in `definitions/`, guideline profiles in
`profiles.yaml`, and licensed wording is installed as text packs (see `textpacks`).

    >>> from bondwell import instruments
    >>> epds = instruments.load("epds")              # Australian (COPE 2023) bands by default
    >>> result = instruments.score(epds, {"q1": 0, ..., "q10": 0})
    >>> result.total, result.band.label, result.flags
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
