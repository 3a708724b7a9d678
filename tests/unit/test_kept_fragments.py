"""A worker's kept parts of pages (lms/fragments.py): drawn once per key, never stale, never unbounded."""

import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from jinja2 import Environment

from lms import fragments


@dataclass(slots=True)
class Week:  # like a trainee's week: a dataclass that is not hashable
    number: int
    state: str


def _env() -> Environment:
    env = Environment(autoescape=True, auto_reload=False)  # Flask turns it off outside debug; Jinja alone has it on
    env.globals["keep"] = fragments.KeptFragments(env)
    env.filters["as_key"] = fragments.as_key
    return env


def test_a_part_is_drawn_once_per_key_and_again_for_a_new_key():
    env = _env()
    drawn = []
    env.globals["draw"] = lambda name: drawn.append(name) or name
    template = env.from_string('{% call keep("greeting", name) %}<b>{{ draw(name) }}</b>{% endcall %}')
    assert template.render(name="José") == "<b>José</b>"
    assert template.render(name="José") == "<b>José</b>"
    assert template.render(name="<Carlos>") == "<b>&lt;Carlos&gt;</b>"
    assert drawn == ["José", "<Carlos>"]


def test_a_worker_with_a_full_store_starts_again_from_none():
    env = Environment(autoescape=True, auto_reload=False)  # Flask turns it off outside debug; Jinja alone has it on
    keep = fragments.KeptFragments(env, max_kept=3)
    for n in range(3):
        keep(n, caller=lambda n=n: str(n))
    assert len(keep) == 3
    assert keep(99, caller=lambda: "new") == "new"
    assert len(keep) == 1
    assert keep(0, caller=lambda: "drawn again") == "drawn again"


def test_nothing_is_kept_while_templates_reload_from_disk():
    env = _env()
    env.auto_reload = True
    template = env.from_string('{% call keep("clock") %}{{ tick() }}{% endcall %}')
    ticks = iter(range(10))
    env.globals["tick"] = lambda: next(ticks)
    assert [template.render() for _ in range(3)] == ["0", "1", "2"]
    assert len(env.globals["keep"]) == 0


def test_every_field_of_every_item_is_in_the_key():
    weeks = [Week(1, "complete"), Week(2, "open")]
    assert fragments.as_key(weeks) == ((1, "complete"), (2, "open"))
    changed = [Week(1, "complete"), Week(2, "in_progress")]
    assert fragments.as_key(changed) != fragments.as_key(weeks)
    hash(fragments.as_key(weeks))


def test_a_dataclass_of_one_field_keys_as_a_tuple_too():
    # attrgetter gives one field's value bare: the key's shape must not depend on the number of fields.
    @dataclass(frozen=True)
    class Rate:
        percent: float

    assert fragments.as_key([Rate(80.0), Rate(75.0)]) == ((80.0,), (75.0,))


def test_the_setting_turns_keeping_off():
    app = Flask(__name__)
    app.config["KEEP_FRAGMENTS"] = False
    fragments.init_app(app)
    template = app.jinja_env.from_string('{% call keep("x") %}{{ n }}{% endcall %}')
    with app.app_context():
        assert [template.render(n=n) for n in (1, 2)] == ["1", "2"]


def test_no_two_kept_parts_in_the_templates_share_a_name():
    templates = Path(fragments.__file__).parent / "templates"
    names = [name for path in templates.rglob("*.html")
             for name in re.findall(r'\{%-?\s*call keep\("([^"]+)"', path.read_text(encoding="utf-8"))]
    assert names, "the templates keep no part: the pattern no longer finds them"
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
