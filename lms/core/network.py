"""Who belongs to the Network, and whether he is active in it.

A promoter belongs to the Network of his district while he holds a certificate whose status is
``valid``: a suspended or revoked certificate (or none) means no membership, so no reporting. He is
*active* when an activity he reported was accepted in the last six months, else *inactive*. The
verify world's registry and the red world's report both read these rules from here.
"""

from datetime import date

from sqlalchemy import select

from lms.core.certificates.services import holds_valid_certificate
from lms.extensions import db
from lms.models import ActivityReport, Network, ReportStatus, Role, User

ACTIVE_MONTHS = 6
ACTIVE, INACTIVE = "active", "inactive"


def is_member(user: User) -> bool:
    """Whether ``user`` is an accredited promoter: a trainee account holding a valid certificate. For the
    signed-in account the account query of this request has said (``User.accredited``)."""
    if user.role != Role.TRAINEE:
        return False
    return holds_valid_certificate(user.id) if user.accredited is None else user.accredited


def the_network() -> Network | None:
    """The Network of the district this platform serves (one per installation)."""
    return db.session.scalar(select(Network).order_by(Network.id).limit(1))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, kept inside a shorter month (31 Aug → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def active_since(today: date) -> date:
    return months_before(today, ACTIVE_MONTHS)


def active_promoters(today: date) -> set[int]:
    """Everyone with an accepted activity held in the last six months (one query, whatever their number)."""
    query = (select(ActivityReport.reporter_id).distinct()
             .where(ActivityReport.status == ReportStatus.ACCEPTED.value,
                    ActivityReport.held_on >= active_since(today), ActivityReport.held_on <= today))
    return set(db.session.scalars(query))


def network_status(user_ids, today: date) -> dict[int, str]:
    """``active`` or ``inactive`` for each of ``user_ids`` (the caller passes members)."""
    active = active_promoters(today)
    return {uid: ACTIVE if uid in active else INACTIVE for uid in user_ids}
