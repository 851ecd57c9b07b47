"""A web process made ready before its first request: every page's code imported, then set aside from the
garbage collector.

A full (generation 2) collection walks every object the collector tracks. Imported lazily, the URLconf's views
and the chart code (matplotlib, ~100,000 objects) come in during the first requests, and every full collection
after that walks them again: pauses of 100-400 ms in the middle of a page on a loaded machine (issue 18, the
dashboard bench). Imported at start and frozen (`gc.freeze`), they are never walked again; the collector only
sees what requests make.
"""

from __future__ import annotations

import gc
import importlib

# Imported inside functions by the pages that draw (kept lazy for the CLI and the worker, which do not).
_LAZY_PAGE_MODULES = ("bondwell.progress.charts", "bondwell.stats.meta.plots", "matplotlib.backends.backend_agg")


def settle() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    for name in _LAZY_PAGE_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
