"""One way to fail: a service's refusal (`bondwell.errors.BondwellError`) reads the same on a form, in the CLI
(exit status 2) and in the API (a 422 problem document naming the field)."""

from __future__ import annotations

import json

import pytest
import typer
from django import forms
from django.test import RequestFactory
from typer.testing import CliRunner

from bondwell import cli
from bondwell.errors import BondwellError, add_to_form, field_errors


class _Form(forms.Form):
    email = forms.EmailField()


def test_a_refusal_carries_its_message_and_field() -> None:
    error = BondwellError("Enter an address.", field="email")
    assert (str(error), error.message, error.field) == ("Enter an address.", "Enter an address.", "email")
    assert field_errors(error) == [("email", "Enter an address.")]
    assert BondwellError("No.").field is None
    assert field_errors(BondwellError("No.")) == []
    assert isinstance(error, ValueError)  # what the per-app errors derived from before


def test_each_apps_service_error_is_a_bondwell_error() -> None:
    from bondwell.accounts.phones import PhoneNumberError
    from bondwell.accounts.staff import StaffError
    from bondwell.api.redcap import RedcapFileError
    from bondwell.api.tokens import TokenError
    from bondwell.evidence.services import ReviewError
    from bondwell.mfa.passkeys import PasskeyError
    from bondwell.notify.mobile import MobileError
    from bondwell.notify.rota import RotaError
    from bondwell.ops.backup import BackupError
    from bondwell.pathway.services import PathwayError
    from bondwell.programme.services import ProgrammeError
    from bondwell.rights.erasure import ErasureError
    from bondwell.screening.services import ScreeningError
    from bondwell.studies.services import StudyError
    from bondwell.workspace.concerns import ConcernError

    for kind in (PhoneNumberError, StaffError, RedcapFileError, ReviewError, MobileError, RotaError, PathwayError,
                 ErasureError, ScreeningError, StudyError, ConcernError, ProgrammeError, TokenError, BackupError,
                 PasskeyError):
        assert issubclass(kind, BondwellError), kind
    assert StudyError("Closed.", field="title").field == "title"
    assert RotaError("Ends before it starts.", "ends_at").field == "ends_at"


def test_on_a_form_the_message_sits_beside_its_field_or_above_the_form() -> None:
    form = _Form(data={"email": "a@b.test"})
    assert form.is_valid()
    add_to_form(form, BondwellError("Already a member of staff.", field="email"))
    assert form.errors == {"email": ["Already a member of staff."]}
    other = _Form(data={"email": "a@b.test"})
    other.is_valid()
    add_to_form(other, BondwellError("The study is locked.", field="not_on_this_form"))
    assert other.non_field_errors() == ["The study is locked."]
    renamed = _Form(data={"email": "a@b.test"})
    renamed.is_valid()
    add_to_form(renamed, BondwellError("Choose another address.", field="address"), fields={"address": "email"})
    assert renamed.errors == {"email": ["Choose another address."]}


def test_in_the_cli_a_refusal_prints_its_message_and_exits_2() -> None:
    assert isinstance(typer.main.get_command(cli.app), cli._Commands)
    app = typer.Typer(cls=cli._Commands)

    @app.command()
    def lock() -> None:
        raise BondwellError("Recruitment is still open.", field="study")

    @app.command()
    def other() -> None:
        """A second command, so the group (not a lone command) runs."""

    result = CliRunner().invoke(app, ["lock"])
    assert result.exit_code == 2
    assert "study: Recruitment is still open." in result.output


@pytest.mark.django_db
def test_in_the_api_a_refusal_is_a_problem_document_naming_the_field() -> None:
    from bondwell.api.rest import api
    from bondwell.studies.services import StudyError

    request = RequestFactory().post("/api/v1/things")
    response = api.on_exception(request, StudyError("The study is locked.", field="study"))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["detail"] == "The study is locked."
    assert body["errors"] == [{"field": "study", "problem": "The study is locked."}]
