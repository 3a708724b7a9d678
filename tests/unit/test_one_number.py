"""One number, one rounding (issue 17): the impact chart and its table show the same digits, with the
language's decimal mark, and a chart never cuts a label."""

import re

from flask_babel import force_locale

from lms.charts import bar_chart, number, rounded


def test_a_number_is_rounded_once_half_away_from_zero(app):
    assert str(rounded(2.175)) == "2.18"  # the float is 2.17499…; people round the 5 they see
    assert str(rounded(2.384999)) == "2.38"
    with app.test_request_context(), force_locale("es"):
        assert number(2.175) == "2,18" and number(0.123, signed=True) == "+0,12" and number(-0.5, 2, True) == "-0,50"
    with app.test_request_context(), force_locale("en"):
        assert number(2.175) == "2.18"


def test_the_chart_writes_its_values_as_the_table_does(app):
    with app.test_request_context(), force_locale("es"):
        svg = str(bar_chart([("Hogar · inicio", 2.175), ("Hogar · final", 2.4)], maximum=3, title="t", places=2))
    assert re.findall(r">([\d,.]+)</text>", svg) == ["2,18", "2,40"]


def test_a_long_label_is_never_cut(app):
    label = "Roles en el hogar y las decisiones · inicio"
    with app.test_request_context(), force_locale("es"):
        svg = str(bar_chart([(label, 2.1)], maximum=3, title="t", places=2))
    assert f">{label}</text>" in svg
    assert 'x="0"' in svg, "a label too long to sit beside its bar goes on its own line above it"
