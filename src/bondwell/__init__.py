"""Bondwell: mother-led infant massage for perinatal care — delivery, screening, outcomes and evidence."""

__version__ = "0.1.0"

# Text in every chart is plain text, never mathematics: set before matplotlib is imported anywhere.
from bondwell.bootstrap import plain_text_charts as _plain_text_charts

_plain_text_charts()
