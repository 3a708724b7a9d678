"""The people in the course's stories: one name, one person, one age; and what the course says about
*Hombres por la Igualdad* (issue 21, "readable by the men it is for" and "who helps men who want to stop").

A trainee reads twelve weeks in a row. When week 5's quiz called a father who shouts at his son
"Richard", the name of week 1's model promoter, a reader could take the model for the man who
shouts; Kevin was 16 in week 3, 19 in week 2 and 24 in week 11. So every name belongs to one week
(or to the surveys), and a character introduced with an age ("Richard, de 38 años", "Segundo (33,",
"Kevin, their 16-year-old son") must be in CAST: a new character is registered here first.
"""

import re
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[2] / "courses" / "promotores"

# Every person named in the course's stories, and the one folder whose files may name them ("surveys" is
# surveys/). A name used in two weeks is two people to a reader: give one of them another name.
CAST = {
    "01": ("Richard", "Jorge", "Iván", "Franco", "Wilson", "Abel"),
    "02": ("Renato", "Diego", "Toño", "Jairo", "Vanessa", "Eusebio", "Aldo"),
    "03": ("Julio", "Rosa", "Kevin", "Saúl", "Marleny", "Joel"),
    "04": ("Pedro", "Beto", "Jhonny", "Alfredo", "Anthony", "Milagros", "Elmer", "Lucía", "Raúl", "Rolando"),
    "05": ("Percy", "Miguel", "Lucho", "Teodoro", "Néstor", "Yuri", "Jhon", "Dante"),
    "06": ("Augusto", "Fiorella", "Renzo", "Rubén", "Víctor", "Omar", "Orlando", "Karina"),
    "07": ("Piero", "Manuel", "Andrea", "Carla", "Jimena", "Sandra", "Erick", "Cristian", "Efraín", "Roxana",
           "Johan", "Sergio", "Nilo"),
    "08": ("Édgar", "Ernesto", "Sofía", "Mateo", "Maribel", "Eduardo", "Ramiro", "Wilmer"),
    "09": ("Brayan", "Elías", "Fernando", "Gerardo", "Gladys", "Hernán", "Hugo", "Marisol", "Nelly", "Óscar",
           "Patricia", "Silvia", "Tito", "Danilo"),
    "10": ("Marco", "Yolanda", "Germán", "Rocío"),
    "11": ("Walter", "Anderson", "Simón", "Ulises"),
    "12": ("Eulogio", "Segundo", "Ángel", "Hortensia"),
    "surveys": ("Carlos", "Luis", "Javier", "Norma"),
}
# A character's age, wherever it is given, in every language.
AGES = {"Richard": 38, "Kevin": 16, "Percy": 32, "Piero": 22, "Manuel": 40, "Walter": 41, "Augusto": 34,
        "Édgar": 34, "Sofía": 7, "Diego": 7, "Jairo": 19, "Anderson": 24, "Eulogio": 52, "Segundo": 33,
        "Ángel": 19, "Eusebio": 70, "Alfredo": 80, "Brayan": 19, "Yuri": 15}

WORD_NUMBERS = {w: n for n, w in enumerate(
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
    "diecisiete dieciocho diecinueve veinte".split())}
WORD_NUMBERS |= {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
WORD_NUMBERS |= {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
                 "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
NAME = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+"
NUMBER = r"\d{1,2}|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
INTRODUCTIONS = (
    # "Richard, de 38 años", "Richard, 38,", "Walter, de 41,", "Segundo (33, mototaxista)", "Eulogio (52 años";
    # not "el hijo de Renato, de siete años", which is the son's age
    re.compile(rf"(?<!\w)(?<!de )(?<!of )({NAME})(?:, (?:de )?| \()({NUMBER})(?=,| años| years|\))"),
    # "Kevin, el hijo de 16 años", "Kevin, their 16-year-old son", "Don Eusebio is seventy years old"
    re.compile(rf"(?<!\w)({NAME})(?:,| tiene| is)(?: [^.;:!?()\n]{{0,40}}?)? (?:de )?({NUMBER})"
               rf"(?: años|-year-old| years old)"),
    # "Augusto is 34 and drives", "Brayan, who is 19,", "Édgar tiene 34 años"
    re.compile(rf"(?<!\w)({NAME})(?:, who is| is| tiene) ({NUMBER})(?= and| y |,| años)"),
)


def _folder_key(folder: Path) -> str:
    return "surveys" if folder.name == "surveys" else folder.name[:2]


def _texts(root: Path) -> dict[str, dict[Path, str]]:
    """Every text file of every week folder and of surveys/, by folder key."""
    texts: dict[str, dict[Path, str]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        texts[_folder_key(folder)] = {path: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())
                                      if path.suffix in (".md", ".gift", ".toml")}
    return texts


def _named(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){name}(?!\w)", text) is not None


def names_out_of_place(root: Path) -> list[str]:
    """'<file>: <name> belongs to week <n>' for every cast name used outside its folder."""
    home = {name: key for key, names in CAST.items() for name in names}
    found = []
    for key, files in _texts(root).items():
        for path, text in files.items():
            for name, owner in home.items():
                if owner != key and _named(name, text):
                    found.append(f"{path.relative_to(root)}: {name} belongs to {owner}")
    return found


def introductions(root: Path) -> list[tuple[str, str, int]]:
    """(file, name, age) for every character introduced with an age."""
    found = set()
    for files in _texts(root).values():
        for path, text in files.items():
            flat = " ".join(text.split())  # hard-wrapped lines read as one
            for pattern in INTRODUCTIONS:
                for match in pattern.finditer(flat):
                    age = match[2]
                    found.add((str(path.relative_to(root)), match[1],
                               int(age) if age.isdigit() else WORD_NUMBERS[age.lower()]))
    return sorted(found)


def test_the_cast_names_each_person_once():
    every = [name for names in CAST.values() for name in names]
    assert len(every) == len(set(every))


def test_no_name_is_used_for_two_people_in_different_weeks():
    assert names_out_of_place(COURSE) == []


def test_every_character_introduced_with_an_age_is_in_the_cast():
    cast = {name for names in CAST.values() for name in names}
    unknown = sorted({f"{where}: {name}" for where, name, _age in introductions(COURSE) if name not in cast})
    assert unknown == [], "register these characters in CAST (one week each) or rename them"


def test_a_character_has_one_age_everywhere():
    ages = [(where, name, age) for where, name, age in introductions(COURSE) if name in AGES]
    assert ages, "the age patterns found nobody: the test would pass on anything"
    assert [f"{where}: {name} is {age}, not {AGES[name]}" for where, name, age in ages if age != AGES[name]] == []
    assert {"Kevin", "Richard", "Segundo"} <= {name for _where, name, _age in ages}


@pytest.mark.parametrize(("text", "name", "age"), [
    ("Richard, de 38 años, cuenta que", "Richard", 38),
    ("Kevin, el sobrino de diecinueve años, dice", "Kevin", 19),
    ("Kevin, their 16-year-old son, looks", "Kevin", 16),
    ("Segundo (33, mototaxista) y", "Segundo", 33),
    ("Don Lucho tiene setenta años.", "Lucho", 70),
    ("Walter, de 41, es promotor", "Walter", 41),
])
def test_the_age_patterns_read_the_ways_the_course_introduces_people(tmp_path, text, name, age):
    (tmp_path / "01-prueba").mkdir()
    (tmp_path / "01-prueba" / "lesson.es.md").write_text(text, encoding="utf-8")
    assert [(n, a) for _where, n, a in introductions(tmp_path)] == [(name, age)]


def test_a_name_from_another_week_is_found(tmp_path):
    for folder, text in {"01-uno": "Richard, de 38 años, se inscribe.", "05-cinco": "Richard le grita a su hijo."}.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "quiz.es.gift").write_text(text, encoding="utf-8")
    assert names_out_of_place(tmp_path) == ["05-cinco/quiz.es.gift: Richard belongs to 01"]


# ---------------------------------------------------------------- Hombres por la Igualdad

PROGRAMME = re.compile(r"Hombres por la Igualdad", re.IGNORECASE)
SAYS_WHAT_IT_IS = re.compile(r"prevenci[óo]n|prevention", re.IGNORECASE)


def programme_lines(root: Path) -> list[str]:
    """Lines naming *Hombres por la Igualdad* without saying it is a prevention programme.

    The research (accountability-and-network.md, curriculum.md §1.7) describes it as a prevention
    intervention that trains and accredits volunteers, not a service for men who use violence; a line that
    names it as somewhere to go "para cambiar" is the old mistake. Wherever the course names it, the same
    line says what it is.
    """
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".md", ".gift", ".toml"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PROGRAMME.search(line) and not SAYS_WHAT_IT_IS.search(line):
                found.append(f"{path.relative_to(root)}:{n}")
    return found


def test_hombres_por_la_igualdad_is_never_offered_as_help_to_stop_using_violence():
    assert programme_lines(COURSE) == []


def test_the_old_quiz_answer_would_have_been_found(tmp_path):
    (tmp_path / "quiz.es.gift").write_text(
        "~%50%Le das información de la Línea [[linea100]] y de Hombres por la Igualdad para que pida ayuda "
        "para cambiar.#Correcto. Son servicios a los que un hombre puede acudir por su cuenta.\n"
        "- *Hombres por la Igualdad* es una intervención de prevención que forma y acredita voluntarios.\n",
        encoding="utf-8")
    assert programme_lines(tmp_path) == ["quiz.es.gift:1"]
