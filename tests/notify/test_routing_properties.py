"""Properties of the escalation chain (pure: no database): nobody reachable is ever dropped, each level tells
everyone the level before told, and an alert is never addressed to no one while anyone is reachable."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.notify.outbox import MAX_RETRY_SECONDS, MAX_URGENT_RETRY_SECONDS, retry_delay
from bondwell.notify.routing import Contact, Tier, escalation_chain, told_at

contacts = st.builds(
    Contact,
    key=st.sampled_from([f"user{i}" for i in range(6)] + ["fallback"]),
    user_id=st.none(),
    email=st.sampled_from(["", "a@site.test"]),
    mobile=st.sampled_from(["", "+61412000001"]),
    by_email=st.booleans(),
    by_sms=st.booleans(),
)
tiers = st.lists(st.builds(Tier, name=st.sampled_from(["at work", "on call", "lead", "fallback"]),
                           contacts=st.lists(contacts, max_size=4)), max_size=5)


def _reachable(links: list[Tier], urgent: bool, texts: bool) -> set[str]:
    return {c.key for t in links for c in t.contacts if c.channels(urgent=urgent, texts_possible=texts)}


@settings(deadline=None)  # pure and fast; no deadline on a machine shared with other test runs
@given(tiers, st.booleans(), st.booleans())
def test_the_chain_keeps_everyone_reachable_and_levels_only_grow(links: list[Tier], urgent: bool,
                                                                 texts: bool) -> None:
    chain = escalation_chain(links, urgent=urgent, texts_possible=texts)
    reachable = _reachable(links, urgent, texts)
    assert {c.key for t in chain for c in t.contacts} == reachable
    assert all(t.contacts for t in chain), "no empty link"
    previous: set[str] = set()
    for level in range(len(chain) + 2):
        told = {c.key for c in told_at(chain, level)}
        assert previous <= told, "a level never stops telling those told before"
        assert level >= len(chain) or told > previous, "each level within the chain tells someone new"
        previous = told
    assert bool(told_at(chain, 0)) == bool(reachable), "addressed to someone whenever anyone is reachable"


@settings(deadline=None)
@given(contacts, st.booleans(), st.booleans())
def test_a_preference_never_silences_an_alert(contact: Contact, urgent: bool, texts: bool) -> None:
    chosen = contact.channels(urgent=urgent, texts_possible=texts)
    if contact.email or (contact.mobile and texts):
        assert chosen
    if not texts:
        assert all(channel != "sms" for channel, _ in chosen)


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=200), st.booleans())
def test_retries_back_off_and_are_capped(attempts: int, urgent: bool) -> None:
    delay = retry_delay(attempts, urgent=urgent)
    assert timedelta(seconds=30) <= delay <= timedelta(seconds=MAX_URGENT_RETRY_SECONDS if urgent
                                                         else MAX_RETRY_SECONDS)
    assert retry_delay(attempts + 1, urgent=urgent) >= delay
