"""Status words shown in many places (week states, tasks, reflection and attendance states).

Built once per language and kept: a page listing twelve weeks for 300 trainees looks each word up
in a dict instead of translating it thousands of times.
"""

from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Why a certificate was revoked, in words: the codes stay in the database and the JSON API.
REASON_NAMES = {
    "error_emision": _l("issued in error"),
    "fraude": _l("fraud"),
    "reemitido": _l("replaced by a new certificate"),
    "conducta": _l("conduct contrary to the promoter's code"),
    "otro": _l("other reason"),
}


@dataclass(frozen=True)
class Labels:
    state: dict
    task: dict
    reflection: dict
    attendance: dict
    certificate: dict  # a certificate's status
    check: dict  # the outcome of verifying a code
    reason: dict  # why a certificate was revoked
    yes: str
    no: str


@lru_cache(maxsize=4)
def labels_for(locale: str) -> Labels:
    """The labels in ``locale``; call it only while ``locale`` is the active one (the cache key)."""
    return Labels(
        state={"locked": _("Locked"), "open": _("Open"), "in_progress": _("In progress"), "complete": _("Complete")},
        task={"lesson": _("Read the lesson"), "survey": _("Answer the survey"), "quiz": _("Pass the quiz"),
              "reflection": _("Get your reflection accepted"), "attendance": _("Attend the workshop")},
        reflection={None: _("Not started"), "draft": _("Draft"), "submitted": _("Sent, waiting for your facilitator"),
                    "returned": _("Returned for revision"), "accepted": _("Accepted")},
        attendance={None: _("Not taken yet"), "present": _("Present"), "late": _("Late"), "absent": _("Absent"),
                    "excused": _("Excused"), "not_applicable": _("Not applicable")},
        certificate={"valid": _("valid"), "revoked": _("revoked"), "suspended": _("suspended")},
        check={"valid": _("valid"), "revoked": _("revoked"), "suspended": _("suspended"), "not_found": _("not found"),
               "malformed": _("mistyped code")},
        reason={code: str(name) for code, name in REASON_NAMES.items()},
        yes=_("yes"),
        no=_("no"),
    )
