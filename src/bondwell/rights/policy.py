"""What happens to each record type on erasure and when its retention period ends, and why.

Stated once, here, per record type. `on_erasure`:
- "delete": the rows go (nothing in them must be kept);
- "anonymise": the rows stay (counts, clinical and study data the law or the mother's consent keep) and every
  field listed in `clear` is emptied; elsewhere in the row her name, email and phone are replaced;
- "keep": written once (append-only) and hold no identifying text; kept unchanged for the reason given.
tests/rights/test_policy.py fails when a model that refers to a mother or her account is not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CLINICAL = ("Health record: kept for the statutory retention period for maternity records (e.g. 25 years in "
            "the NHS Records Management Code; 7 years after last contact, or until the child is 25, in NSW).")
STUDY = ("Study data: kept under the consent she gave (data collected before withdrawal are analysed); "
         "identified only by the study code.")
AUDIT = "Access audit: append-only and tamper-evident; kept as long as the records it covers. No names in it."


@dataclass(frozen=True)
class RecordType:
    label: str
    on_erasure: str
    basis: str
    clear: dict[str, object] = field(default_factory=dict)
    # Retention run by the worker: after `retention_days` from `retention_from`, `on_retention` (delete or clear).
    retention_days: int | None = None
    retention_from: str = ""
    on_retention: str = ""
    retention_filter: dict[str, object] = field(default_factory=dict)


RECORD_TYPES: list[RecordType] = [
    RecordType("accounts.Mother", "anonymise", CLINICAL + " Her name, email and phone are removed; the "
               "pseudonym stays so study and clinical data remain linked without identifying her.",
               clear={"email": "", "phone": ""}),
    RecordType("accounts.User", "anonymise", "Her sign-in account is closed: email and name replaced, "
               "password made unusable."),
    RecordType("accounts.Baby", "anonymise", CLINICAL + " The baby's name is removed; the birth date stays "
               "(outcomes are timed from it).", clear={"name": "Baby"}),
    RecordType("accounts.AuditEvent", "keep", AUDIT),
    RecordType("programme.Booking", "anonymise", "Programme attendance counts: kept without identifying text."),
    RecordType("programme.Attendance", "anonymise", "Programme attendance counts; notes removed.",
               clear={"note": ""}),
    RecordType("programme.PracticeLog", "anonymise", "Practice amounts for programme and study outcomes."),
    RecordType("programme.PracticeDose", "anonymise", "Practice goal set by staff."),
    RecordType("programme.ReminderPreference", "delete", "Only needed to send her reminders."),
    RecordType("programme.PracticeReminder", "delete", "Only needed to send her reminders.",
               retention_days=365, retention_from="due_at", on_retention="delete"),
    RecordType("screening.ScheduledQuestionnaire", "anonymise", CLINICAL),
    RecordType("screening.Draft", "anonymise", "Unsubmitted answers are removed.", clear={"answers": {}},
               retention_days=30, retention_from="updated_at", on_retention="clear",
               retention_filter={"submitted_at__isnull": True}),
    RecordType("screening.Assessment", "keep", CLINICAL + " Append-only; holds scores, no identifying text."),
    RecordType("screening.RiskAlert", "anonymise", CLINICAL + " The clinician's free-text note is removed.",
               clear={"action_note": ""}),
    RecordType("screening.AlertEvent", "anonymise", CLINICAL, clear={"detail": ""}),
    RecordType("screening.Notification", "anonymise", "Delivery record of an alert: the message text and "
               "address are removed.", clear={"body": "", "subject": "", "recipient": ""},
               retention_days=730, retention_from="created_at", on_retention="clear"),
    RecordType("screening.DeliveryAttempt", "anonymise", "Delivery record.", clear={"error": ""}),
    RecordType("studies.ScreeningEntry", "anonymise", STUDY + " Free-text notes are removed.", clear={"note": ""}),
    RecordType("studies.Participant", "anonymise", STUDY),
    RecordType("studies.Allocation", "keep", STUDY + " Append-only randomisation record."),
    RecordType("studies.Visit", "anonymise", STUDY),
    RecordType("progress.MotherBaseline", "anonymise", CLINICAL + " A copy of her first EPDS score, kept for the "
               "site's baseline; no identifying text."),
    RecordType("programme.Observation", "anonymise", "Observed practice for programme outcomes; notes removed.",
               clear={"note": ""}),
    RecordType("pathway.FollowUp", "anonymise", CLINICAL + " Free-text outcome removed.",
               clear={"outcome_detail": ""}),
    RecordType("pathway.FollowUpAttempt", "anonymise", CLINICAL + " Notes removed.", clear={"note": ""}),
    RecordType("pathway.FollowUpEvent", "anonymise", CLINICAL, clear={"detail": ""}),
    RecordType("pathway.ResultRelease", "anonymise", CLINICAL),
    RecordType("workspace.Concern", "anonymise", CLINICAL + " The educator's note and its outcome are replaced.",
               clear={"note": "[erased]", "outcome": "[erased]"}),
    RecordType("rights.ErasureRequest", "anonymise", "Proof that the request was met."),
    RecordType("mfa.Passkey", "delete", "Sign-in factor of a closed account."),
    RecordType("mfa.RecoveryCode", "delete", "Sign-in factor of a closed account."),
    RecordType("mfa.RememberedDevice", "delete", "Sign-in factor of a closed account.",
               retention_days=0, retention_from="expires_at", on_retention="delete"),
    RecordType("otp_totp.TOTPDevice", "delete", "Sign-in factor of a closed account."),
    RecordType("api.ApiToken", "delete", "Access token of a closed account."),
    RecordType("api.ApiTokenWindow", "delete", "Rate-limit counter of a closed account's token."),
    RecordType("notify.Message", "anonymise", "Delivery record: text and address removed.",
               clear={"body": "", "subject": "", "recipient": ""},
               retention_days=730, retention_from="created_at", on_retention="clear"),
    RecordType("notify.Attempt", "anonymise", "Delivery record.", clear={"error": ""}),
    RecordType("notify.MobileCheck", "delete", "Only needed to confirm a number."),
    RecordType("notify.AckLink", "delete", "Only needed for a one-time link."),
    RecordType("notify.OnCallShift", "keep", "Staff only (a mother has no shifts)."),
]

# Sign-in records kept by other libraries, emptied on erasure and after their retention period.
SIGN_IN_LOGS = ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
SIGN_IN_LOG_RETENTION_DAYS = 90

BY_LABEL = {r.label: r for r in RECORD_TYPES}
