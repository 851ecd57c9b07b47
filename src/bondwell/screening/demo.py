"""Demo screening data (all synthetic): results from calm to severe, acted-on alerts with response times, a
few open alerts, and questionnaires due soon or overdue. Every result is scored by `bondwell.instruments` through
the same service the web app uses."""

from __future__ import annotations

from datetime import timedelta

from bondwell.accounts.models import Mother, User
from bondwell.demo import DemoContext
from bondwell.notify.models import Message
from bondwell.screening import services
from bondwell.screening.models import AlertAction, RiskAlert, Source
from bondwell.screening.questionnaires import load_instrument

OPEN_ALERTS = 3


def _answers(context: DemoContext, mother: Mother, instrument: str, severity: float, self_harm: bool) -> dict[str, int]:
    """Positions whose item scores follow `severity` (0 calm .. 1 severe), as a person would tick them."""
    definition = load_instrument(instrument, mother.site)
    harm_item = next(rule.item for rule in definition.rules if rule.flag == "self_harm")
    answers: dict[str, int] = {}
    for item in definition.items:
        top = max(option.score for option in item.options)
        wanted = min(top, max(0, round(severity * top + context.rng.uniform(-0.8, 0.8))))
        if item.key == harm_item:
            wanted = context.rng.choice([1, 2]) if self_harm else 0
        answers[item.key] = next(o.position for o in item.options if o.score == wanted)
    return answers


def load(context: DemoContext) -> None:
    rng = context.rng
    staff: dict[int, User] = {}
    for key in ("clinician", "clinician2"):
        user = context.users.get(key)
        if user is not None and user.site_id is not None:
            staff[user.site_id] = user
    open_left = OPEN_ALERTS
    for index, mother in enumerate(context.mothers):
        clinician = staff.get(mother.site_id)
        if clinician is None:
            continue
        severity = rng.choice([0.05, 0.15, 0.3, 0.45, 0.6, 0.85])
        visits = rng.randint(1, 3)
        for visit in range(visits):
            days_ago = 14 * (visits - visit) + rng.randint(0, 5)
            latest = visit == visits - 1
            self_harm = severity >= 0.6 and rng.random() < 0.5
            entered_by = mother.user if mother.user is not None else clinician
            source = Source.MOTHER if mother.user is not None else Source.PAPER
            instrument = "phq9" if source == Source.MOTHER or index % 2 else "epds"
            when = context.now - timedelta(days=days_ago)
            if latest and self_harm and open_left > 0:
                when = context.now - timedelta(minutes=rng.randint(5, 50))
            assessment = services.record_assessment(
                mother, instrument, _answers(context, mother, instrument, severity, self_harm), source=source,
                by=entered_by, answered_on=when.date(), idempotency_key=services.new_submission_key(),
                now=when,
            )
            for alert in RiskAlert.objects.filter(assessment=assessment):
                if latest and open_left > 0 and when > context.now - timedelta(hours=1):
                    open_left -= 1  # left open for the demo queue
                else:
                    _act_on(context, alert, clinician)
            severity = max(0.0, severity - rng.uniform(0.0, 0.2))  # most mothers improve with care
        if index % 4 == 0:
            services.schedule_questionnaire(
                mother, "phq9", context.today + timedelta(days=rng.choice([-6, -2, 2, 5])), by=clinician
            )


def _act_on(context: DemoContext, alert: RiskAlert, clinician: User) -> None:
    """An alert handled in the past: acknowledged after a realistic delay, acted on, closed (each step recorded
    with the time it was done, as a clinician writing it up afterwards would)."""
    action = context.rng.choice(AlertAction.values[:4])
    acknowledged = min(alert.raised_at + timedelta(minutes=context.rng.randint(6, 160)), context.now)
    services.acknowledge_alert(alert, by=clinician, at=acknowledged)
    services.record_alert_action(alert, action, "Demo note.", by=clinician,
                                 at=min(acknowledged + timedelta(minutes=20), context.now))
    services.close_alert(alert, by=clinician, at=min(acknowledged + timedelta(hours=2), context.now))
    _sent_back_then(alert)


def _sent_back_then(alert: RiskAlert) -> None:
    """Demo only: the messages of an alert from the synthetic past count as sent when it was raised, so the demo's
    worker does not send them now. Nothing real is ever sent at an earlier time."""
    Message.objects.filter(topic=f"alert:{alert.pk}").update(status=Message.Status.SENT, sent_at=alert.raised_at)
