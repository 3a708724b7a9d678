"""Whole stories in a real browser, with JavaScript on and again with it off.

A new trainee joins with the demo invite code, answers the start surveys, reads week 1, fails and
then passes its quiz (the draft survives a reload), sends his reflection; the facilitator finds week 1's
workshop "No aplica" for him (he joined in week 4) and returns the reflection; he revises it; she accepts it. The coordinator issues a
certificate, a visitor sees it VÁLIDO, the coordinator revokes it, the visitor sees REVOCADO. The
municipality checks a CSV of codes. And the trainee's story once more in English.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from browser.conftest import COURSE_DIR, DEMO_PASSWORD, PHONE, html_lang, login, switch_language
from lms.content.loader import load_course
from lms.demo import COHORT_A
from lms.demo.progress import CLASSMATES, model_answer

pytestmark = pytest.mark.browser

COURSE = load_course(COURSE_DIR)
PASSWORD = "Promotor-Callao-2026"
JS = [pytest.param(True, id="js"), pytest.param(False, id="no-js")]

# What the trainee reads and taps, in each language.
UI = {
    "es": {
        "create": "Crear mi cuenta", "welcome": "¡Bienvenido, {name}! Tu cuenta está lista.",
        "survey_step": "Semana 1: Responder la encuesta", "survey_n": "Encuesta {n} de 2",
        "send_answers": "Enviar mis respuestas", "answer_this": "Responde esta pregunta.",
        "surveys_done": "Gracias: tus respuestas están guardadas.", "lesson_step": "Semana 1: Leer la lección",
        "take_quiz": "Hacer el cuestionario", "need": "Necesitas {mark}% para aprobar.",
        "try_again": "Intentar de nuevo",
        "save_draft": "Guardar borrador", "draft_saved": "Borrador guardado.",
        "draft_saved_flash": "Borrador guardado. Puedes volver y terminar después.",
        "passed": "Aprobaste. ¡Bien hecho!", "write_reflection": "Ahora escribe la reflexión",
        "send_reflection": "Enviar a mi facilitador", "sent_flash": "Tu reflexión fue enviada a tu facilitador.",
        "sent": "Enviada, esperando a tu facilitador",
        "reflection": ("De niño aprendí en mi casa que un hombre no llora y que manda en la casa. Lo aprendí de mi "
                       "papá y de mis tíos. Quiero ser promotor para que mi hijo no aprenda lo mismo."),
    },
    "en": {
        "create": "Create my account", "welcome": "Welcome, {name}! Your account is ready.",
        "survey_step": "Week 1: Answer the survey", "survey_n": "Survey {n} of 2",
        "send_answers": "Send my answers", "answer_this": "Answer this question.",
        "surveys_done": "Thank you: your answers are saved.", "lesson_step": "Week 1: Read the lesson",
        "take_quiz": "Take the quiz", "need": "You need {mark}% to pass.", "try_again": "Try again",
        "save_draft": "Save draft", "draft_saved": "Draft saved.",
        "draft_saved_flash": "Draft saved. You can come back and finish later.",
        "passed": "You passed. Well done!", "write_reflection": "Now write the reflection",
        "send_reflection": "Send to my facilitator", "sent_flash": "Your reflection was sent to your facilitator.",
        "sent": "Sent, waiting for your facilitator",
        "reflection": ("As a boy I learned at home that a man does not cry and that he is the boss at home. I learned "
                       "it from my father and my uncles. I want to be a promoter so my son does not learn the same."),
    },
}


# ---------------------------------------------------------------- the quiz form

def wrong_answer(question):
    """A response that earns no marks, in the shape the quiz form produces."""
    right = model_answer(question)
    if question.type == "multichoice":
        if question.single:
            return next(str(i) for i, a in enumerate(question.answers) if a.fraction <= 0)
        return [str(i) for i, a in enumerate(question.answers) if a.fraction < 0]
    if question.type == "truefalse":
        return "false" if right == "true" else "true"
    if question.type == "matching":
        keys, values = list(right), list(right.values())
        return dict(zip(keys, values[1:] + values[:1]))
    if question.type == "numerical":
        return "7"
    return "no sé"


def answer_pairs(question, response) -> list[tuple[str, str]]:
    """The (field name, value) pairs the form sends for ``response``."""
    key = f"q-{question.name}"
    if question.type == "matching":
        return [(f"{key}-{i}", answer) for i, answer in response.items()]
    if question.type == "multichoice" and not question.single:
        return [(key, value) for value in response]
    return [(key, response)]


def field(page, field_id: str):
    return page.locator(f"[id='{field_id}']")


def answer(page, question, response) -> None:
    """Answer one question through its inputs, as a person would."""
    key = f"q-{question.name}"
    if question.type == "multichoice":
        chosen = {response} if question.single else set(response)
        for i in range(len(question.answers)):
            box = field(page, f"{key}-{i}")
            if str(i) in chosen:
                box.check()
            elif not question.single:
                box.uncheck()
    elif question.type == "truefalse":
        field(page, f"{key}-{'t' if response == 'true' else 'f'}").check()
    elif question.type == "matching":
        for i, choice in response.items():
            field(page, f"{key}-{i}").select_option(label=choice)
    else:
        field(page, f"{key}-in").fill(response)


def assert_answered(page, question, response) -> None:
    key = f"q-{question.name}"
    if question.type == "multichoice":
        chosen = {response} if question.single else set(response)
        for i in range(len(question.answers)):
            expect(field(page, f"{key}-{i}")).to_be_checked(checked=str(i) in chosen)
    elif question.type == "truefalse":
        expect(field(page, f"{key}-{'t' if response == 'true' else 'f'}")).to_be_checked()
    elif question.type == "matching":
        for i, choice in response.items():
            expect(field(page, f"{key}-{i}")).to_have_value(choice)
    else:
        expect(field(page, f"{key}-in")).to_have_value(response)


def quiz_questions(lang: str, week: int = 1):
    return [q for q in COURSE.week(week).quiz.questions(lang) if q.type != "description"]


def save_draft_and_reload(page, ui: dict, js: bool, answered: dict) -> None:
    """Save the quiz draft the way this browser can (autosave with JavaScript, the button without), reload,
    and find every answer still there."""
    questions = {q.name: q for q in quiz_questions(html_lang(page))}
    if js:
        key = "lms-draft-" + page.locator("form[data-autosave]").get_attribute("data-autosave")
        markers = [f'name="{name}"\r\n\r\n{value}\r\n'
                   for qname, response in answered.items() for name, value in answer_pairs(questions[qname], response)]

        def has_every_answer(response) -> bool:
            body = response.request.post_data or ""
            return response.request.method == "POST" and all(marker in body for marker in markers)

        with page.expect_response(has_every_answer) as saved:
            for qname, response in answered.items():
                answer(page, questions[qname], response)
        assert saved.value.ok, f"the autosave got {saved.value.status} from {saved.value.url}"
        expect(page.locator(".autosave-status")).to_have_text(ui["draft_saved"])
        assert page.evaluate("key => window.localStorage.getItem(key)", key) is None, \
            "the answers should be on the server, not only in the browser"
    else:
        for qname, response in answered.items():
            answer(page, questions[qname], response)
        page.get_by_role("button", name=ui["save_draft"], exact=True).click()
        expect(page.locator(".flash")).to_have_text(ui["draft_saved_flash"])
    page.reload()
    for qname, response in answered.items():
        assert_answered(page, questions[qname], response)


# ---------------------------------------------------------------- the trainee

def answer_survey(page, ui: dict, number: int, leave_one_out: bool = False) -> None:
    """Answer every item of the survey on the page; with ``leave_one_out``, first send it with the last item
    unanswered, to see the message and the answers kept."""
    expect(page.locator(".eyebrow")).to_contain_text(ui["survey_n"].format(n=number))
    items = page.locator("main form fieldset").all()
    assert len(items) >= 5
    for item in items[:-1]:
        item.locator("input[type=radio]").nth(1).check()
    if leave_one_out:
        page.get_by_role("button", name=ui["send_answers"]).click()
        expect(page.locator("main form fieldset").last.locator(".error")).to_have_text(ui["answer_this"])
        for item in page.locator("main form fieldset").all()[:3]:
            expect(item.locator("input[type=radio]").nth(1)).to_be_checked()
    page.locator("main form fieldset").last.locator("input[type=radio]").first.check()
    page.get_by_role("button", name=ui["send_answers"]).click()


def new_trainee_journey(browser, live, lang: str, js: bool, username: str, name: str):
    """Join, answer the surveys, read week 1, fail and pass its quiz, send the reflection.

    Returns the trainee's browser context (still logged in)."""
    ui = UI[lang]
    context = browser.new_context(java_script_enabled=js, viewport=PHONE)
    page = context.new_page()

    page.goto(f"{live.url}/join")
    assert html_lang(page) == "es", "Spanish is the language of a first visit"
    if lang != "es":
        switch_language(page, lang)
    page.fill("input[name=invite_code]", live.invite_code)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.get_by_role("button", name=ui["create"]).click()
    expect(page.locator(".flash")).to_have_text(ui["welcome"].format(name=name))
    assert html_lang(page) == lang

    # The start surveys come before the first lesson.
    page.get_by_role("link", name=ui["survey_step"]).click()
    answer_survey(page, ui, 1, leave_one_out=True)
    answer_survey(page, ui, 2)
    expect(page.locator(".flash")).to_have_text(ui["surveys_done"])
    assert page.url == f"{live.url}/"

    # Week 1: the lesson.
    page.get_by_role("link", name=ui["lesson_step"]).click()
    week = COURSE.week(1)
    expect(page.locator("h1")).to_have_text(week.title(lang))
    page.get_by_role("link", name=ui["take_quiz"]).click()

    # The quiz, wrong: no pass, another try offered.
    questions = quiz_questions(lang)
    for question in questions:
        answer(page, question, wrong_answer(question))
    page.get_by_role("button", name=ui["send_answers"]).click()
    expect(page).to_have_url(re.compile(r"/weeks/1/quiz/attempts/1$"))
    expect(page.locator(".result.failed")).to_contain_text(ui["need"].format(mark=week.quiz.pass_mark))
    page.get_by_role("link", name=ui["try_again"]).click()

    # The quiz, right: half of it, saved as a draft, survives a reload; then the rest.
    right = {q.name: model_answer(q) for q in questions}
    half = len(questions) // 2
    save_draft_and_reload(page, ui, js, {q.name: right[q.name] for q in questions[:half]})
    for question in questions[half:]:
        answer(page, question, right[question.name])
    page.get_by_role("button", name=ui["send_answers"]).click()
    expect(page).to_have_url(re.compile(r"/weeks/1/quiz/attempts/2$"))
    expect(page.locator(".result.passed")).to_contain_text(ui["passed"])

    # The reflection.
    page.get_by_role("link", name=ui["write_reflection"]).click()
    page.fill("textarea[name=text]", ui["reflection"])
    page.get_by_role("button", name=ui["send_reflection"]).click()
    expect(page.locator(".flash.success")).to_have_text(ui["sent_flash"])
    expect(page.locator("main .badge").first).to_have_text(ui["sent"])
    return context


# ---------------------------------------------------------------- the facilitator

def review(page, trainee_name: str, decision: str, level: int, feedback: str) -> None:
    """From the grading queue, open the trainee's week 1 reflection and review it."""
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Por calificar").click()
    page.locator("ol.queue a", has_text=trainee_name).filter(has_text="Semana 1").click()
    expect(page.locator("h1")).to_have_text(f"Reflexión de {trainee_name}")
    form = page.locator("main form").filter(has=page.locator("textarea[name=feedback]"))
    for criterion in form.locator("fieldset").filter(has_not=page.locator("input[name=decision]")).all():
        criterion.locator("input[type=radio]").nth(level).check()
    form.locator("textarea[name=feedback]").fill(feedback)
    form.get_by_label(decision, exact=True).check()
    form.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.locator(".flash")).to_contain_text(f"Revisión guardada. {trainee_name} la verá")


@pytest.mark.parametrize("js", JS)
def test_trainee_week_one_and_facilitator_review(browser, live_server, js):
    live = live_server
    name = "Ernesto Quispe Llanos" if js else "Wálter Ñaupari Ríos"
    trainee = new_trainee_journey(browser, live, "es", js, f"ernesto-{'js' if js else 'sinjs'}", name)
    trainee_page = trainee.pages[0]
    staff = browser.new_context(java_script_enabled=js)
    try:
        page = staff.new_page()
        login(page, live.url, "demo-facilitator")

        # Attendance of week 1, from the cohort dashboard: he joined in the cohort's fourth week, so that
        # workshop does not apply to him; nobody else is marked by saving it.
        page.get_by_role("link", name=COHORT_A).first.click()
        page.get_by_role("link", name="S1", exact=True).click()
        page.get_by_role("link", name="Asistencia", exact=True).click()
        expect(page.locator("h1")).to_have_text("Asistencia: Semana 1")
        row = page.locator("fieldset.att-row").filter(has=page.locator("legend", has_text=name))
        expect(row).to_contain_text("No aplica: se unió en la semana 4.")
        expect(row.locator("input[type=radio]")).to_have_count(0)
        page.get_by_role("button", name="Guardar asistencia").click()
        expect(page.locator(".flash")).to_contain_text("Asistencia guardada (0 cambios)")
        expect(page.locator("tr", has_text=name)).to_contain_text("No aplica")

        # The reflection goes back with feedback...
        review(page, name, "Devolver para corregir", 2,
               "Buen comienzo. Cuenta un ejemplo concreto: ¿qué pasó y qué te dijeron?")
        expect(page.locator("main li", has_text="Semana 1")).to_contain_text("Devuelta para corregir")

        # ... the trainee reads it, revises and sends a new version ...
        trainee_page.goto(f"{live.url}/weeks/1/reflection")
        expect(trainee_page.locator("main .badge").first).to_have_text("Devuelta para corregir")
        expect(trainee_page.locator(".review blockquote")).to_contain_text("Cuenta un ejemplo concreto")
        text = trainee_page.locator("textarea[name=text]")
        expect(text).to_have_value(UI["es"]["reflection"])
        text.fill(UI["es"]["reflection"] + "\n\nUna vez mi papá me dijo «los hombres no lloran» cuando me caí "
                  "de la bicicleta. Ahora abrazo a mi hijo cuando llora.")
        trainee_page.get_by_role("button", name="Enviar la nueva versión").click()
        expect(trainee_page.locator(".flash.success")).to_have_text(UI["es"]["sent_flash"])

        # ... and the facilitator accepts it.
        review(page, name, "Aceptar", 0, "Muy bien: un ejemplo concreto y un paso claro.")
        expect(page.locator("main li", has_text="Semana 1")).to_contain_text("Aceptada")

        # Lesson, quiz and reflection (the workshop was before he joined): week 1 is complete for him.
        trainee_page.goto(f"{live.url}/")
        expect(trainee_page.locator("li.week").first.locator(".badge")).to_have_text("Completa")
    finally:
        staff.close()
        trainee.close()


# ---------------------------------------------------------------- certificates

@pytest.mark.parametrize("js", JS)
def test_certificate_issued_verified_and_revoked(browser, live_server, js):
    live = live_server
    holder = CLASSMATES[0] if js else CLASSMATES[1]
    coordinator = browser.new_context(java_script_enabled=js)
    visitor = browser.new_context(java_script_enabled=js, viewport=PHONE)
    try:
        page = coordinator.new_page()
        login(page, live.url, "demo-coordinator")
        page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Certificados").click()

        # Issue one certificate: only his box stays ticked.
        issue_form = page.locator("main form").filter(
            has=page.get_by_role("button", name="Emitir los certificados elegidos"))
        # Listing the rows does not wait for the page: on a busy machine it listed the page before it.
        expect(issue_form.locator("tbody tr").first).to_be_visible()
        for row in issue_form.locator("tbody tr").all():
            box = row.locator("input[type=checkbox]")
            if row.locator("input[name^=name-]").input_value() == holder:
                box.check()
            else:
                box.uncheck()
        issue_form.get_by_role("button", name="Emitir los certificados elegidos").click()
        expect(page.locator(".flash")).to_have_text("Certificados emitidos: 1.")
        issued = page.locator("section[aria-labelledby=issued-h] tbody tr").filter(has_text=holder).filter(
            has=page.locator(".badge-valid"))
        expect(issued).to_have_count(1)
        link = issued.locator("a[href^='/v/' i]")
        code = link.inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), code

        # Anyone can check it: by the link, and by typing the code carelessly.
        public = visitor.new_page()
        public.goto(live.url + link.get_attribute("href"))
        expect(public.locator("#status-h")).to_have_text("VÁLIDO")
        expect(public.locator("dl.facts")).to_contain_text(holder)
        public.goto(f"{live.url}/v")
        public.fill("input[name=code]", code.replace("-", "").lower())
        public.get_by_role("button", name="Verificar", exact=True).click()
        expect(public.locator("#status-h")).to_have_text("VÁLIDO")

        # The coordinator revokes it, after a page that shows whom, which code and why; the record stays.
        issued.locator("summary", has_text="Revocar").click()
        issued.locator("select[name=reason]").select_option(label="emitido por error")
        issued.get_by_role("button", name="Revocar…", exact=True).click()
        expect(page.locator("h1")).to_have_text("¿Revocar este certificado?")
        expect(page.locator("dl.facts")).to_contain_text(holder)
        expect(page.locator("dl.facts")).to_contain_text(code)
        expect(page.locator("dl.facts")).to_contain_text("emitido por error")
        page.get_by_role("button", name="Sí, revocarlo").click()
        expect(page.locator(".flash")).to_have_text(f"Certificado {code} revocado.")

        public.reload()
        expect(public.locator("#status-h")).to_have_text("REVOCADO")
        # Neutral words: neither the reason nor the holder's name is public once revoked (issue 18).
        expect(public.locator("[role=status]")).not_to_contain_text("emitido por error")
        expect(public.locator("main")).not_to_contain_text(holder)
    finally:
        visitor.close()
        coordinator.close()


@pytest.mark.parametrize("js", JS)
def test_verifier_checks_a_csv_of_codes(browser, live_server, tmp_path, js):
    live = live_server
    upload = tmp_path / "codigos.csv"
    upload.write_text("codigo;nombre\n"
                      f"{live.certificate_code.lower()};juan carlos huamani torres\n"
                      f"{live.ids['unknown_code']};Nadie\n"
                      f"{live.ids['malformed_code']};\n", encoding="utf-8")
    context = browser.new_context(java_script_enabled=js)
    try:
        page = context.new_page()
        login(page, live.url, "demo-verifier")
        expect(page).to_have_url(re.compile(r"/verify/registry$"))
        page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Verificar una lista").click()
        page.set_input_files("input[name=file]", str(upload))
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Verificar los códigos").click()
        download = download_info.value
        assert download.suggested_filename == "verificacion.csv"
        text = download.path().read_bytes().decode("utf-8-sig")
    finally:
        context.close()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [(r["estado"], r["coincide_nombre"]) for r in rows] == [
        ("válido", "sí"), ("no encontrado", ""), ("código mal escrito", "")]
    assert rows[0]["nombre_certificado"] == "Juan Carlos Huamaní Torres"


# ---------------------------------------------------------------- in English

@pytest.mark.parametrize("js", JS)
def test_trainee_week_one_in_english(browser, live_server, js):
    name = "Jhon Paredes Chumpitaz" if js else "Kevin Salas Ayala"
    context = new_trainee_journey(browser, live_server, "en", js, f"jhon-{'js' if js else 'nojs'}", name)
    try:
        page = context.pages[0]
        page.goto(f"{live_server.url}/")
        assert html_lang(page) == "en", "the chosen language stays with the account"
        expect(page.locator("h1")).to_have_text(f"Hello, {name}")
        expect(page.locator("footer")).to_contain_text("call 100, free, 24 hours")
    finally:
        context.close()


def test_demo_password_logs_everyone_in(browser, live_server):
    """Every demo account of DESIGN.md opens with the demo password, at the home of its role."""
    homes = {"demo-trainee": "/", "demo-facilitator": "/facilitate/", "demo-coordinator": "/manage/",
             "demo-admin": "/manage/", "demo-verifier": "/verify/registry", "demo-trainee-2": "/",
             "demo-facilitator-2": "/facilitate/", "demo-graduate": "/"}
    context = browser.new_context()
    try:
        page = context.new_page()
        for username, home in homes.items():
            context.clear_cookies()
            login(page, live_server.url, username, DEMO_PASSWORD)
            assert page.url == live_server.url + home, f"{username} landed on {page.url}"
    finally:
        context.close()
