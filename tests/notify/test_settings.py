"""Configuration is read once in settings.py: SMS_URL, yes/no values and numbers are checked at start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from bondwell import settings as bondwell_settings


def test_sms_url_for_twilio_becomes_the_provider_settings() -> None:
    config = bondwell_settings._sms_settings(
        "twilio://AC123:s%40cret@api.twilio.com?from=%2B61400000999&timeout=7&idempotent=no"
    )
    assert config == {
        "kind": "twilio", "endpoint": "https://api.twilio.com", "account": "AC123", "token": "s@cret",
        "sender": "+61400000999", "timeout": 7.0, "idempotent": False,
    }
    assert bondwell_settings._sms_settings("twilio+http://AC1:t@127.0.0.1:8025/?from=Bondwell")["endpoint"] == (
        "http://127.0.0.1:8025"
    )
    assert bondwell_settings._sms_settings("file:///tmp/sms") == {"kind": "file", "path": "/tmp/sms"}
    assert bondwell_settings._sms_settings("") == {}


@pytest.mark.parametrize(("url", "problem"), [
    ("carrier-pigeon://x", "unsupported scheme"),
    ("twilio://api.twilio.com?from=%2B61400000999", "account and token"),
    ("twilio://AC1:t@api.twilio.com", "?from="),
    ("twilio://AC1:t@api.twilio.com?from=x&timeout=soon", "timeout='soon'"),
])
def test_a_malformed_sms_url_is_refused_saying_what_is_wrong(url: str, problem: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SMS_URL") as error:
        bondwell_settings._sms_settings(url)
    assert problem in str(error.value)


def test_yes_no_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for word, expected in [("1", True), ("Yes", True), ("on", True), ("0", False), ("off", False), ("", True)]:
        monkeypatch.setenv("BONDWELL_TEST_FLAG", word)
        assert bondwell_settings._env_bool("BONDWELL_TEST_FLAG", True) is expected
    monkeypatch.setenv("BONDWELL_TEST_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="BONDWELL_TEST_FLAG='ture' is not a yes/no value"):
        bondwell_settings._env_bool("BONDWELL_TEST_FLAG", True)


def test_numbers_refuse_words_and_values_below_their_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BONDWELL_WORKER_STALE_SECONDS", "5")
    with pytest.raises(ImproperlyConfigured, match="at least 10"):
        bondwell_settings._env_number("BONDWELL_WORKER_STALE_SECONDS", 120, minimum=10)
    monkeypatch.setenv("BONDWELL_WORKER_STALE_SECONDS", "ninety")
    with pytest.raises(ImproperlyConfigured, match="not a number"):
        bondwell_settings._env_number("BONDWELL_WORKER_STALE_SECONDS", 120, minimum=10)
