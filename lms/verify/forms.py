"""Forms of the municipality's checks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class BulkCheckForm(FlaskForm):
    """A CSV of codes to check at once."""

    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file."))],
                     render_kw={"accept": ".csv,text/csv"})
