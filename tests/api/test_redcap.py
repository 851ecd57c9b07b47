"""REDCap out and in: a study as a longitudinal REDCap project, and records imported all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from bondwell.api import redcap
from bondwell.screening.models import Assessment, RiskAlert
from tests.api.conftest import assert_problem
from tests.screening.helpers import EPDS_CALM, PHQ9_SELF_HARM

DEMO_LOADERS = ["bondwell.demo.accounts.load", "bondwell.studies.demo.load"]


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _numbers(study: Any) -> dict[str, Any]:
    from bondwell.studies.analysis import analyse_study

    analysis = analyse_study(study)
    assert analysis.trial is not None, analysis.problems
    frame = analysis.frame[["participant", "arm", "week", "epds"]].sort_values(["participant", "week"])
    return {
        "frame": frame.to_csv(index=False),
        "trajectories": analysis.trajectories,
        "itt": analysis.trial.intention_to_treat.as_dict(),
        "problems": analysis.problems,
    }


def _demo_study(monkeypatch: Any, settings: Any) -> Any:
    from bondwell import demo
    from bondwell.studies.models import Study

    settings.BONDWELL_DEMO_LOADERS = DEMO_LOADERS
    # The same randomisation seed in both databases, so the fresh one allocates as the first did.
    monkeypatch.setattr("bondwell.studies.services.secrets.token_hex", lambda n: "5eed" * (n // 2))
    demo.load(reset=False)
    return Study.objects.get(code="HAPPI")


@pytest.mark.django_db(transaction=True)
def test_round_trip_export_a_demo_study_import_it_into_a_fresh_database_same_analysis(
    monkeypatch: Any, settings: Any
) -> None:
    from bondwell.accounts.models import User
    from bondwell.studies import demo as studies_demo
    from bondwell.studies.models import Participant

    study = _demo_study(monkeypatch, settings)
    before = _numbers(study)
    project = {part: redcap.render(study, part) for part in redcap.PARTS}
    records = _rows(project["records"])
    assert {r["redcap_event_name"] for r in records} >= {"week_0_arm_1", "week_6_arm_1"}
    names = set(Participant.objects.values_list("mother__full_name", flat=True))
    assert not any(name in project["records"].decode() for name in names)

    # A fresh database: the same sites, people and enrolments, but no follow-up answers.
    call_command("flush", interactive=False, verbosity=0)
    record = studies_demo.record_epds

    def baseline_only(mother: Any, total: int, answered_on: date, by: Any) -> None:
        if not Participant.objects.filter(mother=mother).exists():
            record(mother, total, answered_on, by)

    monkeypatch.setattr(studies_demo, "record_epds", baseline_only)
    fresh = _demo_study(monkeypatch, settings)
    follow_ups = Assessment.objects.count()
    site_of = {r["record_id"]: r["site"] for r in records if r["redcap_event_name"] == "week_0_arm_1"}
    header = list(records[0])
    imported = 0
    for site, email in (("1", "clinician@demo.bondwell.test"), ("2", "clinician2@demo.bondwell.test")):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in records if site_of[r["record_id"]] == site)
        report = redcap.import_records(buffer.getvalue(), by=User.objects.get(email=email), study=fresh)
        assert report.refused == 0, [r for r in report.records if r.problems]
        assert report.already_present >= 1  # the baselines were entered at screening, not twice
        imported += report.imported
    assert imported == Assessment.objects.count() - follow_ups > 0
    from bondwell.studies.outcomes import link_outcomes

    link_outcomes(fresh)
    after = _numbers(fresh)
    assert after["frame"] == before["frame"]
    assert after["trajectories"] == before["trajectories"]
    assert after["itt"] == before["itt"]


def _file(rows: list[dict[str, Any]]) -> str:
    header = ["record_id", "redcap_event_name", "epds_date", *[f"epds_q{n}" for n in range(1, 11)], "epds_total",
              "phq9_date", *[f"phq9_q{n}" for n in range(1, 10)]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _epds(record_id: str, answers: dict[str, int], on: date, **extra: Any) -> dict[str, Any]:
    return {"record_id": record_id, "epds_date": on.isoformat(), **{f"epds_{k}": v for k, v in answers.items()},
            **extra}


def test_a_file_with_any_refused_record_imports_nothing_and_says_why(world: Any) -> None:
    clinician = world.users["clinician"]
    today = date.today()
    rows = [
        _epds(world.mother_a.pseudonym, EPDS_CALM, today - timedelta(days=3)),
        _epds(world.mother_a2.pseudonym, {**EPDS_CALM, "q4": 9}, today),
        _epds(world.mother_b.pseudonym, EPDS_CALM, today),  # another site's mother
        _epds(world.mother_a.pseudonym, EPDS_CALM, today, epds_total="29"),
    ]
    report = redcap.import_records(_file(rows), by=clinician)
    assert [r.status for r in report.records] == ["valid", "refused", "refused", "refused"]
    assert "epds_q4" in report.records[1].problems[0]
    assert "not a record you may enter" in report.records[2].problems[0]
    assert "epds_total" in report.records[3].problems[0]
    assert not Assessment.objects.exists()


def test_valid_records_are_scored_and_alerted_once(world: Any) -> None:
    clinician = world.users["clinician"]
    today = date.today()
    phq9 = {"record_id": world.mother_a2.pseudonym, "redcap_event_name": "visit_1", "phq9_date": today.isoformat(),
            **{f"phq9_{k}": v for k, v in PHQ9_SELF_HARM.items()}}
    text = _file([_epds(world.mother_a.pseudonym, EPDS_CALM, today), phq9])
    dry = redcap.import_records(text, by=clinician, dry_run=True)
    assert [r.status for r in dry.records] == ["valid", "valid"]
    assert not Assessment.objects.exists()
    report = redcap.import_records(text, by=clinician)
    assert [r.status for r in report.records] == ["imported", "imported"]
    assert RiskAlert.objects.filter(mother=world.mother_a2, kind="self_harm").count() == 1
    again = redcap.import_records(text, by=clinician)
    assert [r.status for r in again.records] == ["already present", "already present"]
    assert Assessment.objects.count() == 2
    assert RiskAlert.objects.filter(kind="self_harm").count() == 1


def test_researchers_get_the_arm_blank_until_the_database_lock(world: Any, api_as: Any) -> None:
    from tests.studies.access_cases import enrolled, study_at

    study = study_at(world, world.site_a)
    from bondwell.studies.allocation import randomise_participant

    randomise_participant(enrolled(world, world.mother_a), by=world.users["site_lead"])
    path = f"/api/v1/studies/{study.pk}/redcap/records"
    blinded = _rows(api_as("researcher").get(path).content)
    unblinded = _rows(api_as("statistician").get(path).content)
    assert [(r["arm"], r["received_intervention"], r["withdrawal_scope"]) for r in blinded] == [("", "", "")]
    assert [r["arm"] for r in unblinded] in (["0"], ["1"])
    assert unblinded[0]["received_intervention"] != ""
    assert world.mother_a.full_name not in str(blinded)


def test_exported_text_never_runs_as_a_spreadsheet_formula(world: Any) -> None:
    from tests.studies.access_cases import study_at

    world.site_a.name = '=HYPERLINK("http://example.invalid","x")'
    world.site_a.save()
    dictionary = _rows(redcap.render(study_at(world, world.site_a), "dictionary"))
    site = next(r for r in dictionary if r["Variable / Field Name"] == "site")
    assert site["Choices, Calculations, OR Slider Labels"].startswith("1, =HYPERLINK")  # inside a cell: inert
    assert redcap._csv([["=1+1", "-3", "ok"]]).decode().strip().split(",") == ["'=1+1", "-3", "ok"]


def test_import_and_export_over_the_api(world: Any, api_as: Any) -> None:
    text = _file([_epds(world.mother_a.pseudonym, EPDS_CALM, date.today())])
    client = api_as("clinician", ["redcap:write"])
    response = client.post("/api/v1/redcap/import", {"records_csv": text})
    assert response.status_code == 200, response.content
    assert response.json()["imported"] == 1
    assert_problem(client.post("/api/v1/redcap/import", {"records_csv": "no,header\n1,2"}), 422, "records_csv")
    assert_problem(client.post("/api/v1/redcap/import", {"records_csv": text.replace("BW-", "BW-\x00")}), 422,
                   "records_csv")
    superscript = text.replace(",0,", ",²,", 1)  # "²".isdigit() is true, int("²") is not a number
    report = client.post("/api/v1/redcap/import", {"records_csv": superscript}).json()
    assert report["refused"] == 1
    assert_problem(api_as("site_lead").post("/api/v1/redcap/import", {"records_csv": text}), 403)


def test_the_command_line_exports_a_study_and_imports_all_or_nothing(world: Any, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from bondwell.cli import app
    from tests.studies.access_cases import study_at

    runner = CliRunner()
    study = study_at(world, world.site_a)
    exported = runner.invoke(app, ["redcap", "export", study.code, "--out", str(tmp_path)])
    assert exported.exit_code == 0, exported.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{study.code.lower()}-redcap-{part}.csv" for part in redcap.PARTS)
    good = tmp_path / "good.csv"
    good.write_text(_file([_epds(world.mother_a.pseudonym, EPDS_CALM, date.today())]))
    dry = runner.invoke(app, ["redcap", "import", str(good), "--as", "clinician@a.test", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "\tvalid" in dry.stdout
    assert not Assessment.objects.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text(_file([_epds(world.mother_a.pseudonym, EPDS_CALM, date.today()),
                          _epds(world.mother_b.pseudonym, EPDS_CALM, date.today())]))
    refused = runner.invoke(app, ["redcap", "import", str(bad), "--as", "clinician@a.test"])
    assert refused.exit_code == 1
    assert "refused" in refused.stdout
    assert not Assessment.objects.exists()
    done = runner.invoke(app, ["redcap", "import", str(good), "--as", "clinician@a.test"])
    assert done.exit_code == 0, done.output
    assert Assessment.objects.filter(mother=world.mother_a).count() == 1
    assert runner.invoke(app, ["redcap", "import", str(good), "--as", "site_lead@a.test"]).exit_code != 0
