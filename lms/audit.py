"""The one way to write to the audit log."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.models import AuditEvent, User


def record(actor: User | None, action: str, target, *, cohort_id: int | None = None, **details) -> AuditEvent:
    """Add an audit event for ``action`` on ``target`` (a model instance) to the session.

    The caller's commit writes it together with the change it describes, so the log never
    claims a change that was rolled back.
    """
    target = _unwrap(target)
    if target is not None and target.id is None:
        db.session.flush()
    entry = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__tablename__ if target is not None else "",
        target_id=target.id if target is not None else None,
        cohort_id=cohort_id,
        details=details,
    )
    db.session.add(entry)
    return entry


def _unwrap(obj):
    """The object behind a proxy such as ``current_user``."""
    return obj._get_current_object() if hasattr(obj, "_get_current_object") else obj


@event.listens_for(Session, "before_flush")
def _audit_log_is_append_only(session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise PermissionError("the audit log is append-only")
