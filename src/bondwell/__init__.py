"""Bondwell: mother-led infant massage for perinatal care — delivery, screening, outcomes and evidence."""

__version__ = "0.1.0"

# Text in every chart is plain text, never mathematics: "$5 - 50% off $10" in a course name must not crash a
# page. Set before matplotlib is imported anywhere (bondwell/security/matplotlibrc: text.parse_math False).
import os as _os

_os.environ.setdefault("MATPLOTLIBRC", _os.path.join(_os.path.dirname(__file__), "security", "matplotlibrc"))
