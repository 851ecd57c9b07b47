"""What is open for a mother's safety before she is randomised: the one place studies asks.

Randomisation is final, and a mother with an unacknowledged risk alert or a follow-up still waiting for an
outcome needs that attended to first (or at least seen by whoever randomises). `open_risks(mother)` lists
both: screening's RiskAlert rows not closed, and the pathway's open follow-ups
(`bondwell.pathway.services.open_follow_ups`); `checked` names the sources looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bondwell.accounts.models import Mother
from bondwell.pathway.services import open_follow_ups
from bondwell.screening.alerts import open_alerts
from bondwell.screening.questionnaires import short_name


@dataclass(frozen=True)
class OpenItem:
    kind: str  # "alert" or "follow-up"
    summary: str  # plain words, no answers or scores
    since: datetime | None


@dataclass(frozen=True)
class OpenRisks:
    alerts: tuple[OpenItem, ...]
    follow_ups: tuple[OpenItem, ...]
    checked: tuple[str, ...] = ("risk alerts", "follow-ups")  # the sources looked at

    @property
    def any(self) -> bool:
        return bool(self.alerts or self.follow_ups)

    def decision_text(self) -> str:
        if not self.any:
            return "No open risk alerts or follow-ups."
        return f"{len(self.alerts)} open risk alert(s) and {len(self.follow_ups)} open follow-up(s) were shown."


def open_risks(mother: Mother, limit: int = 20) -> OpenRisks:
    """Her risk alerts that are not closed and her follow-ups still open, most urgent first (bounded)."""
    rows = (
        open_alerts(mother).order_by("priority", "-raised_at", "-id")[:limit]
    )
    alerts = [
        OpenItem("alert", f"{row.get_kind_display()} alert ({short_name(row.instrument)}): "
                          f"{row.get_status_display().lower()}", row.raised_at)
        for row in rows
    ]
    follow_ups = [
        OpenItem("follow-up", f"{row.get_action_display()} ({short_name(row.instrument)}), not yet completed",
                 row.due_at)
        for row in open_follow_ups(mother)[:limit]
    ]
    return OpenRisks(tuple(alerts), tuple(follow_ups))
