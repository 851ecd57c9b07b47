"""Bondwell: mother-led infant massage for perinatal care — delivery, screening, outcomes and evidence."""

__version__ = "0.1.0"
