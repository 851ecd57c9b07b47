"""One way to fail: `BondwellError`, a refusal whose message is fit to show to the person who asked.

A service refuses a request by raising a subclass of `BondwellError` (ScreeningError, StudyError, PathwayError,
…) with a message in plain words and, when the refusal belongs to one input, the name of that `field`. The
three ways out map it once each:

- a web form: `add_to_form(form, error)` puts the message beside its field (or above the form);
- the CLI: `bondwell.cli.app` prints the message and exits with status 2;
- the API: `bondwell.api.http.BondwellApi` answers an RFC 9457 problem document, 422, naming the field.

Pure: no Django import at module level, so the pure cores (instruments, stats) may raise it too. It subclasses
ValueError so that code written against the per-app errors' old base keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms


class BondwellError(ValueError):
    """A request the rules refuse. `message` is shown as is; `field` names the input it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field: str | None = field or None

    def __str__(self) -> str:
        return self.message


def field_errors(error: BondwellError) -> list[tuple[str, str]]:
    """(field, message) pairs for an API problem document: empty when the refusal names no field."""
    return [(error.field, error.message)] if error.field else []


def add_to_form(form: forms.BaseForm, error: BondwellError, *, fields: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal on the form that asked: beside its field when the form has it, else above.

    `fields` maps a service's field name to the form's where they differ (the service's `times` is the
    form's `time_1`).
    """
    name = (fields or {}).get(error.field or "", error.field)
    form.add_error(name if name and name in form.fields else None, error.message)
