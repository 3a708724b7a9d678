"""The words for accreditation and safeguarding, shared by the worlds that show them."""

from flask_babel import lazy_gettext as _l

CONCERN_CATEGORIES = {
    "disclosure": _l("He disclosed current use of violence"),
    "third_party": _l("A report from a partner, family member or neighbour"),
    "group_threats": _l("Threats or harassment in the group"),
    "other": _l("Other"),
    "public": _l("Raised from a verification page"),
}

CONCERN_DECISIONS = {
    "accredit": _l("Accredit: the concern does not stop accreditation"),
    "defer": _l("Defer, with a plan"),
    "not_accredit": _l("Do not accredit"),
}

RECOMMENDATIONS = {
    "recommend": _l("Recommend"),
    "not_yet": _l("Not yet"),
}

STAGES = {
    "code_pending": _l("Has not accepted the code of conduct"),
    "awaiting": _l("Waiting for his facilitator's recommendation"),
    "not_yet": _l("Not recommended yet"),
    "held": _l("Held: an open safeguarding concern"),
    "deferred": _l("Deferred: waiting for a new recommendation"),
    "not_accredited": _l("Not accredited (coordinator's decision)"),
    "ready": _l("Recommended: ready to accredit"),
}
