"""Pathway fixtures: the screening ones (no text packs by default; the placeholder EPDS pack on request)."""

from tests.screening.conftest import epds_pack, fast_password_hashing, no_text_packs

__all__ = ["epds_pack", "fast_password_hashing", "no_text_packs"]
