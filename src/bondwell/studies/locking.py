"""Database lock: a recorded, audited, final step after which the final analysis runs on a frozen snapshot.

Locking is for the study's unblinded statistician, once recruitment has closed. The lock keeps the long frame
(pseudonymised, as frame.long_frame builds it) as CSV with its SHA-256; from then on the analysis, the report
and the by-arm pages read that snapshot, visits are no longer filled, and the study cannot reopen.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.studies.frame import long_frame, snapshot_csv
from bondwell.studies.models import DatabaseLock, Study, StudyStatus
from bondwell.studies.outcomes import link_outcomes
from bondwell.studies.services import StudyError


def lock_database(study: Study, *, by: User, reason: str) -> DatabaseLock:
    """Freeze the study's data for the final analysis. Final: a second lock is refused."""
    if by.role != Role.STATISTICIAN or not study.members.filter(user=by).exists():
        raise StudyError("Only the study's trial statistician locks its database.")
    reason = reason.strip()
    if not reason:
        raise StudyError("Say why the database is being locked (e.g. 'last follow-up window closed').", "reason")
    study = Study.objects.get(pk=study.pk)
    if hasattr(study, "database_lock"):
        raise StudyError("The database of this study is already locked; the lock is final.")
    if study.status != StudyStatus.CLOSED:
        raise StudyError("Close recruitment before locking the database.")
    link_outcomes(study)  # the last follow-ups answered inside their windows count
    with transaction.atomic():
        frame = long_frame(study)
        text = snapshot_csv(frame)
        try:
            lock = DatabaseLock.objects.create(
                study=study, locked_by=by, reason=reason, snapshot=text,
                snapshot_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                n_participants=int(frame["participant"].nunique()) if not frame.empty else 0, n_rows=len(frame),
            )
        except IntegrityError as error:
            raise StudyError("The database of this study is already locked; the lock is final.") from error
        audit(None, "study:database-lock", obj=lock, actor=by,
              detail=f"study={study.code} rows={lock.n_rows} sha256={lock.snapshot_sha256[:16]}")
    return lock


def locked_frame_or_none(study: Study) -> str | None:
    lock = DatabaseLock.objects.filter(study=study).only("snapshot").first()
    return lock.snapshot if lock is not None else None
