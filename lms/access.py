"""Who may see what: role *and* cohort, decided here and nowhere else."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.models import Cohort, Enrollment, Role, User, cohort_facilitators


def role_required(*roles: str):
    """Let a view through only for a logged-in user holding one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


STAFF = (Role.FACILITATOR, Role.COORDINATOR)


def visible_cohorts(user: User):
    """A select() of the cohorts ``user`` may see: coordinators all, facilitators theirs, trainees his own."""
    query = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.name)
    if user.has_role(Role.COORDINATOR):
        return query
    if user.role == Role.FACILITATOR:
        return query.join(cohort_facilitators).where(cohort_facilitators.c.user_id == user.id)
    if user.role == Role.TRAINEE:
        return query.join(Enrollment).where(Enrollment.user_id == user.id)
    return query.where(db.false())


def can_see_cohort(user: User, cohort: Cohort) -> bool:
    if user.has_role(Role.COORDINATOR):
        return True
    if user.role == Role.FACILITATOR:
        return any(f.id == user.id for f in cohort.facilitators)
    if user.role == Role.TRAINEE:
        return user.enrollment is not None and user.enrollment.cohort_id == cohort.id
    return False


def cohort_or_404(user: User, cohort_id: int) -> Cohort:
    """Return the cohort if ``user`` may see it; 404 otherwise, so other cohorts' ids reveal nothing."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_see_cohort(user, cohort):
        abort(404)
    return cohort


def can_look_after(user: User, trainee: User) -> bool:
    """Whether ``user`` is staff responsible for ``trainee``: a coordinator, or a facilitator of his cohort."""
    if trainee.role != Role.TRAINEE:
        return False
    if user.has_role(Role.COORDINATOR):
        return True
    if user.role != Role.FACILITATOR or trainee.enrollment is None:
        return False
    return can_see_cohort(user, trainee.enrollment.cohort)


def trainee_or_404(user: User, trainee_id: int) -> User:
    trainee = db.session.get(User, trainee_id)
    if trainee is None or not can_look_after(user, trainee):
        abort(404)
    return trainee


def network_required(*staff_roles: str):
    """Let a view through for an accredited promoter (a valid certificate: lms.core.network) or for
    a logged-in user holding one of ``staff_roles``; everyone else gets 403, so a suspended or
    revoked promoter can neither read the Network's pages nor report."""
    from lms.core.network import is_member

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not (current_user.has_role(*staff_roles) or is_member(current_user)):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
