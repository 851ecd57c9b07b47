"""The roles of DESIGN.md and what each may see. This table is the single source of truth for access."""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MOTHER = "mother", _("Mother")
    EDUCATOR = "educator", _("Infant-massage educator")
    CLINICIAN = "clinician", _("Clinician")
    SITE_LEAD = "site_lead", _("Site lead")
    RESEARCHER = "researcher", _("Researcher")
    # Unblinded trial statistician: by-arm results of the studies she is a member of while they run (for the
    # data-monitoring committee) and the database lock. Never a mother's record.
    STATISTICIAN = "statistician", _("Trial statistician (unblinded)")
    ADMIN = "admin", _("Administrator")


class Purpose(enum.Enum):
    """Why a mother's record is being opened; each role may open a record for some purposes only."""

    RECORD = "record"  # names, babies, contact details
    PROGRAMME = "programme"  # classes, attendance, practice log
    CLINICAL = "clinical"  # questionnaire answers, scores, flags
    ALERTS = "alerts"  # risk alerts and the actions taken on them
    AUDIT = "audit"  # the access trail of the record


STAFF_ROLES = frozenset({Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD})

# Purposes each role may use on the mothers in its scope. The scope itself (whose records) is in access.py.
ALLOWED_PURPOSES: dict[str, frozenset[Purpose]] = {
    Role.MOTHER: frozenset({Purpose.RECORD, Purpose.PROGRAMME, Purpose.CLINICAL}),
    Role.EDUCATOR: frozenset({Purpose.RECORD, Purpose.PROGRAMME}),
    Role.CLINICIAN: frozenset(Purpose),
    # The site lead runs the service: she receives escalated alerts but does not read answers.
    Role.SITE_LEAD: frozenset({Purpose.RECORD, Purpose.PROGRAMME, Purpose.ALERTS, Purpose.AUDIT}),
    Role.RESEARCHER: frozenset(),
    Role.STATISTICIAN: frozenset(),
    Role.ADMIN: frozenset(),
}
