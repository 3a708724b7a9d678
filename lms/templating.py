"""What every template can use: the language, the menu for the person's role."""

import hashlib
from pathlib import Path

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms import fragments
from lms.charts import number
from lms.content.markdown import render_user_markdown
from lms.content.outline import outline
from lms.core.certificates.codes import format_code
from lms.forms import error_list
from lms.i18n import page_gettext
from lms.labels import REASON_NAMES, labels_for
from lms.localized import LANGUAGE_NAMES
from lms.models import Role
from lms.share import whatsapp_url

ROLE_NAMES = {
    Role.TRAINEE.value: _l("Trainee"),
    Role.FACILITATOR.value: _l("Facilitator"),
    Role.COORDINATOR.value: _l("Coordinator"),
    Role.VERIFIER.value: _l("Verifier (municipality)"),
    Role.ADMIN.value: _l("Administrator"),
}

NAV = {
    Role.TRAINEE: [("learn.home", _l("My weeks")), ("learn.glossary", _l("Glossary"))],
    Role.FACILITATOR: [("facilitate.index", _l("My cohorts")), ("facilitate.queue", _l("To grade")),
                       ("reports.impact", _l("Impact")), ("facilitate.quiz_statistics", _l("Quiz statistics"))],
    Role.COORDINATOR: [("facilitate.index", _l("Cohorts")), ("manage.cohorts", _l("Manage")),
                       ("manage.users", _l("Accounts")), ("certificates.index", _l("Certificates")),
                       ("reports.impact", _l("Impact")), ("facilitate.quiz_statistics", _l("Quiz statistics")),
                       ("manage.audit_log", _l("Audit log"))],
    Role.ADMIN: [("facilitate.index", _l("Cohorts")), ("manage.cohorts", _l("Manage")),
                 ("manage.users", _l("Accounts")), ("certificates.index", _l("Certificates")),
                 ("reports.impact", _l("Impact")), ("facilitate.quiz_statistics", _l("Quiz statistics")),
                 ("manage.audit_log", _l("Audit log"))],
    Role.VERIFIER: [("verify.registry", _l("Registry")), ("verify.bulk", _l("Check a list"))],
}


def init_app(app: Flask) -> None:
    fragments.init_app(app)
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.jinja_env.globals["error_list"] = error_list  # the summary of a form's errors: _macros.error_summary
    app.jinja_env.globals["whatsapp_url"] = whatsapp_url
    # Written once for every template: `{{ cert.code|code }}`, `{{ text|user_markdown }}`.
    app.jinja_env.filters.update(code=format_code, user_markdown=render_user_markdown, outline=outline,
                                 number=number)  # one rounding for charts and tables: lms.charts.number
    # One version for the stylesheet and the scripts (their ?v=, and the service worker's cache name).
    assets = sorted(Path(app.static_folder).glob("*.css")) + sorted(Path(app.static_folder).glob("*.js"))
    static_version = hashlib.sha256(b"".join(a.read_bytes() for a in assets)).hexdigest()[:8] if assets else "0"
    app.config["STATIC_VERSION"] = static_version

    @app.context_processor
    def common_context():
        role = current_user.role if current_user.is_authenticated else None
        locale = str(get_locale())
        return {"current_locale": locale, "menu_role": role, "nav_items": NAV.get(role, []),
                "static_version": static_version, "L": labels_for(locale), "role_names": ROLE_NAMES,
                "reason_names": REASON_NAMES, **page_gettext()}
