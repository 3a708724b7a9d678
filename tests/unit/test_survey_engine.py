"""The survey engine: the course's survey files, reverse scoring, means, knowledge scores and every check."""

import re
from pathlib import Path

import pytest

from lms.content.surveys import (
    Item,
    Survey,
    SurveyError,
    Text,
    check_survey,
    item_score,
    load_survey,
    score_attitudes,
    score_knowledge,
)

SURVEYS = Path(__file__).resolve().parents[2] / "courses" / "promotores" / "surveys"

# A small scale survey: "home" has one inequitable and one equitable item, "care" two and one.
MINI_SCALE = """\
id = "mini"
kind = "scale"

[title]
es = "Mini"
en = "Mini"

[intro]
es = "Introducción"
en = "Introduction"

[[scale]]
value = 1
es = "De acuerdo"
en = "Agree"

[[scale]]
value = 2
es = "En parte"
en = "Partly"

[[scale]]
value = 3
es = "En desacuerdo"
en = "Disagree"

[[subscales]]
id = "home"
es = "Casa"
en = "Home"

[[subscales]]
id = "care"
es = "Cuidado"
en = "Care"

[[items]]
id = "h1"
subscale = "home"
reverse = false
es = "h1 es"
en = "h1 en"

[[items]]
id = "h2"
subscale = "home"
reverse = true
es = "h2 es"
en = "h2 en"

[[items]]
id = "c1"
subscale = "care"
reverse = false
es = "c1 es"
en = "c1 en"

[[items]]
id = "c2"
subscale = "care"
reverse = true
es = "c2 es"
en = "c2 en"

[[items]]
id = "c3"
subscale = "care"
reverse = false
es = "c3 es"
en = "c3 en"
"""

# A small test: q1's right option is the first, q2's the second.
MINI_TEST = """\
id = "quiz"
kind = "test"

[title]
es = "Prueba"
en = "Test"

[intro]
es = "Introducción"
en = "Introduction"

[[items]]
id = "q1"
es = "¿Uno?"
en = "One?"
options = [
  { es = "sí", en = "yes", correct = true },
  { es = "no", en = "no" },
  { es = "quizá", en = "maybe" },
]

[[items]]
id = "q2"
es = "¿Dos?"
en = "Two?"
options = [
  { es = "a", en = "a" },
  { es = "b", en = "b", correct = true },
]
"""

# The GEM Scale items as listed in the research base (curriculum.md §3.1). Our items are our own
# words: none may share much of its vocabulary with any of them.
GEM_ITEMS = [
    "the man decides what type of sex to have",
    "a woman's most important role is home and cooking",
    "men need sex more than women",
    "you don't talk about sex, you just do it",
    "women who carry condoms are easy",
    "a man needs other women even if things with his wife are fine",
    "there are times when a woman deserves to be beaten",
    "diapers, bathing and feeding kids are the mother's responsibility",
    "avoiding pregnancy is the woman's responsibility",
    "the man should have the final word in his home",
    "men are always ready to have sex",
    "a woman should tolerate violence to keep the family together",
    "if a woman cheats it is okay for him to hit her",
    "if insulted I will defend my reputation with force if I have to",
    "I would be outraged if my wife asked me to use a condom",
    "it is okay to hit his wife if she won't have sex with him",
    "I would never have a gay friend",
    "a couple should decide together about having children",
    "a woman can suggest condoms just like a man",
    "if he gets a woman pregnant the child is the responsibility of both",
    "a man should know what his partner likes during sex",
    "a father should be present in his children's lives even if no longer with the mother",
    "a man and a woman should decide together what type of contraception to use",
]
STOPWORDS = set("a an the is are be of to in on and or if his her he she it its that this with for as by "
                "not no do does i my me you your".split())


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def mini_scale(tmp_path: Path) -> Survey:
    return load_survey(write(tmp_path, MINI_SCALE, "mini.toml"))


def mini_test(tmp_path: Path) -> Survey:
    return load_survey(write(tmp_path, MINI_TEST, "quiz.toml"))


def mutate(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the mutation must match exactly once: {old!r}"
    return text.replace(old, new)


@pytest.fixture(scope="module")
def attitudes() -> Survey:
    return load_survey(SURVEYS / "attitudes.toml")


@pytest.fixture(scope="module")
def knowledge() -> Survey:
    return load_survey(SURVEYS / "knowledge.toml")


# --------------------------------------------------------------------- the course's survey files


@pytest.mark.parametrize("name", ["attitudes.toml", "knowledge.toml"])
def test_the_course_surveys_have_no_problems(name):
    assert check_survey(SURVEYS / name) == []


def test_the_attitude_survey_has_four_balanced_subscales_on_a_three_point_scale(attitudes):
    assert attitudes.kind == "scale"
    assert [point.value for point in attitudes.scale] == [1, 2, 3]
    assert [point.label.en for point in attitudes.scale] == ["Agree", "Partly agree", "Disagree"]
    assert [s.id for s in attitudes.subscales] == ["home", "violence", "consent", "care"]
    assert 18 <= len(attitudes.items) <= 24
    for subscale in attitudes.subscales:
        items = attitudes.items_in(subscale.id)
        assert len(items) >= 4
        assert any(item.reverse for item in items) and not all(item.reverse for item in items)


def test_the_attitude_items_are_not_gem_items(attitudes):
    def words(text: str) -> set[str]:
        return set(re.findall(r"[a-z']+", text.lower())) - STOPWORDS

    for item in attitudes.items:
        for gem in GEM_ITEMS:
            shared = words(item.text.en) & words(gem)
            overlap = len(shared) / len(words(item.text.en) | words(gem))
            assert overlap < 0.35, f"{item.id} is too close to the GEM item {gem!r} (shares {sorted(shared)})"


def test_the_knowledge_test_has_10_to_12_items_with_3_or_4_options_and_one_right_answer(knowledge):
    assert knowledge.kind == "test"
    assert 10 <= len(knowledge.items) <= 12
    for item in knowledge.items:
        assert 3 <= len(item.options) <= 4
        assert sum(option.correct for option in item.options) == 1
    # The right answer must not always sit in the same place.
    assert len({item.correct_index for item in knowledge.items}) >= 3


def test_texts_are_stripped_and_chosen_by_locale(attitudes):
    assert attitudes.intro.es.startswith("Esta encuesta es confidencial") and not attitudes.intro.es.endswith("\n")
    assert attitudes.title("en-GB") == attitudes.title.en
    assert attitudes.title("es") == attitudes.title.es


# --------------------------------------------------------------------- attitude scoring


def test_an_inequitable_item_scores_its_value_and_an_equitable_one_is_turned_around(tmp_path):
    survey = mini_scale(tmp_path)
    inequitable, equitable = survey.items[0], survey.items[1]
    assert [item_score(survey, inequitable, v) for v in (1, 2, 3)] == [1, 2, 3]
    assert [item_score(survey, equitable, v) for v in (1, 2, 3)] == [3, 2, 1]


def test_subscale_scores_are_means_and_the_total_is_the_mean_of_all_items(tmp_path):
    survey = mini_scale(tmp_path)
    answers = {"h1": 1, "h2": 1, "c1": 3, "c2": 2, "c3": 2}
    # item scores: h1 agree → 1; h2 agree, reversed → 3; c1 disagree → 3; c2 partly → 2; c3 partly → 2
    # home = (1 + 3) / 2 = 2.0; care = (3 + 2 + 2) / 3 = 7/3; total = (1 + 3 + 3 + 2 + 2) / 5 = 2.2
    # (not the mean of the subscale means, which would be 2.1667)
    assert score_attitudes(survey, answers) == pytest.approx({"home": 2.0, "care": 7 / 3, "total": 2.2})


def test_agreeing_with_everything_does_not_look_equitable(attitudes):
    # Each subscale has 3 inequitable and 2 equitable items: (3 × 1 + 2 × 3) / 5 = 1.8.
    scores = score_attitudes(attitudes, {item.id: 1 for item in attitudes.items})
    assert scores == pytest.approx({"home": 1.8, "violence": 1.8, "consent": 1.8, "care": 1.8, "total": 1.8})


def test_the_most_equitable_answers_score_3_everywhere(attitudes):
    answers = {item.id: 1 if item.reverse else 3 for item in attitudes.items}
    assert set(score_attitudes(attitudes, answers).values()) == {3.0}


def test_a_subscale_without_answers_scores_none(tmp_path):
    scores = score_attitudes(mini_scale(tmp_path), {"h1": 3, "h2": 3})
    assert scores == {"home": 2.0, "care": None, "total": 2.0}
    assert score_attitudes(mini_scale(tmp_path), {}) == {"home": None, "care": None, "total": None}


@pytest.mark.parametrize("bad", [0, 4, -1, True, "2", 2.0, None])
def test_values_outside_the_scale_are_ignored(tmp_path, bad):
    scores = score_attitudes(mini_scale(tmp_path), {"h1": 3, "h2": bad, "c1": bad})
    assert scores == {"home": 3.0, "care": None, "total": 3.0}


def test_answers_to_unknown_items_are_ignored(tmp_path):
    assert score_attitudes(mini_scale(tmp_path), {"h1": 2, "zz": 3})["total"] == 2.0


def test_each_scoring_function_refuses_the_other_kind(tmp_path):
    with pytest.raises(ValueError, match="not a scale"):
        score_attitudes(mini_test(tmp_path), {})
    with pytest.raises(ValueError, match="not a test"):
        score_knowledge(mini_scale(tmp_path), {})


# --------------------------------------------------------------------- knowledge scoring


def test_knowledge_score_is_the_share_of_right_answers(tmp_path):
    survey = mini_test(tmp_path)
    assert survey.items[0].correct_index == 0 and survey.items[1].correct_index == 1
    assert score_knowledge(survey, {"q1": 0, "q2": 1}) == 1.0
    assert score_knowledge(survey, {"q1": 0, "q2": 0}) == 0.5
    assert score_knowledge(survey, {"q1": 2, "q2": 0}) == 0.0


@pytest.mark.parametrize("bad", [None, 5, -1, "0", False, 0.0])
def test_unanswered_and_invalid_answers_count_as_wrong(tmp_path, bad):
    answers = {"q2": 1} if bad is None else {"q1": bad, "q2": 1}
    assert score_knowledge(mini_test(tmp_path), answers) == 0.5


def test_the_course_knowledge_test_scores_all_right_answers_as_1(knowledge):
    right = {item.id: item.correct_index for item in knowledge.items}
    assert score_knowledge(knowledge, right) == 1.0
    one_wrong = dict(right, k01=(right["k01"] + 1) % len(knowledge.items[0].options))
    assert score_knowledge(knowledge, one_wrong) == pytest.approx(1 - 1 / len(knowledge.items))


def test_a_test_without_items_cannot_be_scored():
    empty = Survey(id="x", kind="test", title=Text("x", "x"), intro=Text("x", "x"), scale=(), subscales=(),
                   items=())
    with pytest.raises(ValueError, match="no items"):
        score_knowledge(empty, {})


def test_an_item_without_options_has_no_correct_index():
    assert Item(id="a", text=Text("a", "a")).correct_index is None


# --------------------------------------------------------------------- check_survey


def test_the_mini_files_are_valid(tmp_path):
    assert check_survey(write(tmp_path, MINI_SCALE, "mini.toml")) == []
    assert check_survey(write(tmp_path, MINI_TEST, "quiz.toml")) == []


SCALE_PROBLEMS = [
    ("unknown top-level key", 'kind = "scale"', 'kind = "scale"\ncolour = "red"', "unknown key 'colour' in the survey"),
    ("unknown item key", 'es = "h1 es"', 'es = "h1 es"\nrevers = true', "unknown key 'revers' in item 'h1'"),
    ("unknown key in a localized table", 'en = "Mini"', 'en = "Mini"\nqu = "Mini"', "unknown key 'qu' in [title]"),
    ("missing language in an item", 'en = "h2 en"\n', "", "item 'h2' needs a non-empty 'en' text"),
    ("empty language in the title", 'en = "Mini"', 'en = ""', "[title] needs a non-empty 'en' text"),
    ("missing intro", '[intro]\nes = "Introducción"\nen = "Introduction"\n', "",
     "[intro] needs a non-empty 'es' text"),
    ("missing language in a scale label", 'en = "Partly"\n', "", "scale point 2 needs a non-empty 'en' text"),
    ("unknown subscale", 'subscale = "care"\nreverse = true', 'subscale = "cares"\nreverse = true',
     "item 'c2' names an unknown subscale 'cares'"),
    ("duplicate item id", 'id = "c3"', 'id = "c1"', "duplicate item id 'c1'"),
    ("duplicate subscale id", 'id = "care"', 'id = "home"', "duplicate subscale id 'home'"),
    ("fewer than 2 items in a subscale", 'subscale = "home"\nreverse = true', 'subscale = "care"\nreverse = true',
     "subscale 'home' has 1 item(s); it needs at least 2"),
    ("a subscale with one wording only", 'subscale = "care"\nreverse = true', 'subscale = "care"\nreverse = false',
     "subscale 'care' needs both inequitable (reverse = false) and equitable (reverse = true) items"),
    ("reverse missing", 'reverse = true\nes = "h2 es"', 'es = "h2 es"',
     "item 'h2' needs 'reverse = true' or 'reverse = false'"),
    ("reverse not a boolean", 'reverse = true\nes = "h2 es"', 'reverse = "yes"\nes = "h2 es"',
     "item 'h2' needs 'reverse = true' or 'reverse = false'"),
    ("unknown kind", 'kind = "scale"', 'kind = "poll"', "'kind' must be one of 'scale', 'test' (found 'poll')"),
    ("scale values out of order", "value = 3", "value = 4", "the scale values must be 1, 2, 3 … in order"),
    ("scale value not a number", "value = 3", 'value = "3"', "scale point 3 needs a whole-number 'value'"),
    ("id not the file name", 'id = "mini"', 'id = "other"', "the survey id 'other' must match the file name 'mini'"),
    ("item id with capitals", 'id = "h1"', 'id = "H1"', "item 1 needs an 'id' of lowercase letters"),
    ("'total' as a subscale id", '[[subscales]]\nid = "care"', '[[subscales]]\nid = "total"',
     "'total' is reserved for the overall score"),
    ("scale not starting at 1", '[[scale]]\nvalue = 1\nes = "De acuerdo"\nen = "Agree"\n', "",
     "the scale values must be 1, 2, 3 … in order (found [2, 3])"),
    ("invalid TOML", 'es = "h1 es"', 'es = "h1 es', "invalid TOML"),
]


@pytest.mark.parametrize("old,new,expected", [case[1:] for case in SCALE_PROBLEMS],
                         ids=[case[0] for case in SCALE_PROBLEMS])
def test_check_survey_finds_each_problem_of_a_scale_survey(tmp_path, old, new, expected):
    path = write(tmp_path, mutate(MINI_SCALE, old, new), "mini.toml")
    problems = check_survey(path)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith(f"{path}: ") for problem in problems)


TEST_PROBLEMS = [
    ("no correct option", '{ es = "b", en = "b", correct = true }', '{ es = "b", en = "b" }',
     "item 'q2' needs exactly one correct option (found 0)"),
    ("two correct options", '{ es = "no", en = "no" }', '{ es = "no", en = "no", correct = true }',
     "item 'q1' needs exactly one correct option (found 2)"),
    ("a single option", '  { es = "a", en = "a" },\n', "", "item 'q2' needs at least 2 options"),
    ("unknown option key", 'en = "yes", correct = true }', 'en = "yes", correct = true, why = "x" }',
     "unknown key 'why' in item 'q1', option 1"),
    ("option missing a language", '{ es = "quizá", en = "maybe" }', '{ es = "quizá" }',
     "item 'q1', option 3 needs a non-empty 'en' text"),
    ("'correct' not a boolean", 'en = "b", correct = true }', 'en = "b", correct = "yes" }',
     "item 'q2', option 2: 'correct' must be true or false"),
    ("two options with the same text", '{ es = "quizá", en = "maybe" }', '{ es = "no", en = "maybe" }',
     "item 'q1' has two options with the same 'es' text"),
    ("scale keys on a test item", 'id = "q2"', 'id = "q2"\nsubscale = "home"', "unknown key 'subscale' in item 'q2'"),
    ("a scale in a test", 'kind = "test"', 'kind = "test"\nscale = []', "unknown key 'scale' in the survey"),
    ("duplicate item id", 'id = "q2"', 'id = "q1"', "duplicate item id 'q1'"),
    ("missing language in a question", 'en = "Two?"\n', "", "item 'q2' needs a non-empty 'en' text"),
]


@pytest.mark.parametrize("old,new,expected", [case[1:] for case in TEST_PROBLEMS],
                         ids=[case[0] for case in TEST_PROBLEMS])
def test_check_survey_finds_each_problem_of_a_test(tmp_path, old, new, expected):
    path = write(tmp_path, mutate(MINI_TEST, old, new), "quiz.toml")
    problems = check_survey(path)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith(f"{path}: ") for problem in problems)


def test_a_survey_without_items_is_a_problem(tmp_path):
    path = write(tmp_path, MINI_TEST.split("[[items]]")[0], "quiz.toml")
    assert check_survey(path) == [f"{path}: the survey has no items ([[items]])"]


def test_a_missing_file_is_a_problem(tmp_path):
    path = tmp_path / "absent.toml"
    assert check_survey(path) == [f"{path}: missing file"]


def test_problems_name_the_file_as_asked(tmp_path):
    path = write(tmp_path, mutate(MINI_SCALE, 'id = "c3"', 'id = "c1"'), "mini.toml")
    assert check_survey(path, name="surveys/mini.toml") == ["surveys/mini.toml: duplicate item id 'c1'"]


def test_check_survey_reports_every_problem_at_once(tmp_path):
    text = mutate(mutate(MINI_SCALE, 'id = "c3"', 'id = "c1"'), 'en = "Mini"', 'en = ""')
    assert len(check_survey(write(tmp_path, text, "mini.toml"))) == 2


def test_load_survey_raises_with_every_problem(tmp_path):
    path = write(tmp_path, mutate(MINI_TEST, '{ es = "b", en = "b", correct = true }', '{ es = "b", en = "b" }'),
                 "quiz.toml")
    with pytest.raises(SurveyError) as raised:
        load_survey(path)
    assert raised.value.problems == check_survey(path)
    assert "needs exactly one correct option" in str(raised.value)
