"""The shipped evidence file: it loads, keeps its rules, and the loader refuses files that break them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.evidence.data import STUDIES_FILE, EvidenceDataError, load_evidence, parse_evidence


def raw_document() -> dict[str, Any]:
    with STUDIES_FILE.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def study(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in doc["studies"] if s["key"] == key)


def test_the_shipped_file_loads_with_the_review_as_its_abstract_describes_it() -> None:
    evidence = load_evidence()
    assert evidence.review.doi == "10.1371/journal.pone.0294156"
    assert (evidence.review.n_studies, evidence.review.n_women) == (8, 521)
    assert not evidence.review.included_studies_list_available


def test_the_journal_of_affective_disorders_trials_are_shipped_with_their_dois() -> None:
    evidence = load_evidence()
    assert evidence.by_key("onozawa2001").doi == "10.1016/s0165-0327(00)00198-1"
    assert evidence.by_key("ohiggins2008").doi == "10.1016/j.jad.2007.10.027"
    assert evidence.by_key("ohiggins2008").primary_outcome.massage.n == 31


def test_only_studies_with_complete_arms_are_poolable() -> None:
    evidence = load_evidence()
    assert [s.key for s in evidence.poolable] == ["raisidehkordi2019"]
    raisi = evidence.by_key("raisidehkordi2019").primary_outcome
    assert (raisi.massage.n, raisi.massage.mean, raisi.massage.sd) == (60, 7.75, 2.18)
    assert (raisi.control.n, raisi.control.mean, raisi.control.sd) == (60, 9.2, 2.04)
    for not_poolable in evidence.not_poolable:
        assert not_poolable.primary_outcome.not_poolable_reason


def test_every_number_in_every_study_cites_where_it_came_from() -> None:
    for shipped in load_evidence().studies:
        for i, outcome in enumerate(shipped.outcomes):
            for arm_name in ("massage", "control"):
                arm = getattr(outcome, arm_name)
                for field in ("n", "mean", "sd"):
                    if getattr(arm, field) is not None:
                        assert f"outcomes.{i}.{arm_name}.{field}" in shipped.sources


def test_a_number_without_a_source_is_refused() -> None:
    doc = raw_document()
    del study(doc, "raisidehkordi2019")["sources"]["outcomes.0.massage.sd"]
    with pytest.raises(EvidenceDataError, match=r"raisidehkordi2019\.outcomes\.0\.massage\.sd"):
        parse_evidence(doc)


def test_an_incomplete_arm_must_say_why_it_cannot_be_pooled() -> None:
    doc = raw_document()
    study(doc, "onozawa2001")["outcomes"][0]["not_poolable_reason"] = None
    with pytest.raises(EvidenceDataError, match="Some numbers are missing: say why"):
        parse_evidence(doc)


def test_complete_arms_must_not_carry_a_not_poolable_reason() -> None:
    doc = raw_document()
    study(doc, "raisidehkordi2019")["outcomes"][0]["not_poolable_reason"] = "because"
    with pytest.raises(EvidenceDataError, match="All six numbers are given"):
        parse_evidence(doc)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("doi",), "not-a-doi", "is not a DOI"),
        (("design",), "anecdote", "is not one of"),
        (("in_geary_2023",), "maybe", "is not one of"),
        (("outcomes", 0, "control", "sd"), -2.04, "must be positive"),
        (("outcomes", 0, "control", "n"), 1, "at least 2"),
        (("n_randomised",), "120", "whole number"),
    ],
)
def test_malformed_values_are_refused_with_the_study_and_field_named(
    path: tuple[Any, ...], value: object, message: str
) -> None:
    doc = raw_document()
    target: Any = study(doc, "raisidehkordi2019")
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(EvidenceDataError, match=message):
        parse_evidence(doc)


def test_duplicate_study_keys_are_refused() -> None:
    doc = raw_document()
    doc["studies"].append(copy.deepcopy(study(doc, "onozawa2001")))
    with pytest.raises(EvidenceDataError, match="duplicate keys"):
        parse_evidence(doc)


def test_a_source_naming_no_field_is_refused() -> None:
    doc = raw_document()
    study(doc, "onozawa2001")["sources"]["outcomes.0.massage.median"] = "somewhere"
    with pytest.raises(EvidenceDataError, match="name no field"):
        parse_evidence(doc)


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(["onozawa2001", "ohiggins2008", "behnammoghadam2024"]),
    field=st.sampled_from(["n", "mean", "sd"]),
    value=st.integers(min_value=2, max_value=500),
)
def test_any_untraced_number_slipped_into_an_arm_is_caught(key: str, field: str, value: int) -> None:
    doc = raw_document()
    shipped = study(doc, key)
    arm = shipped["outcomes"][0]["massage"]
    if arm[field] is not None:
        return  # already sourced; nothing slipped in
    arm[field] = value
    with pytest.raises(EvidenceDataError):
        parse_evidence(doc)
