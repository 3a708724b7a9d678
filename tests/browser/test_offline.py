"""A trainee on a phone whose connection drops: nothing he answered is lost, nothing is sent twice.

He answers part of a quiz online (autosaved), loses the connection, answers the rest and taps
"Enviar". The page holds the answers and tells him so at the top, instead of the browser's error
page. When the connection is back he reloads, finds every answer, sends once, and exactly one
attempt is recorded. The same for a reflection.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser.conftest import PHONE, login
from browser.test_journeys import answer, assert_answered, quiz_questions
from lms.demo.progress import model_answer
from lms.extensions import db
from lms.models import QuizAttempt, Reflection, ReflectionVersion, User

pytestmark = pytest.mark.browser

TRAINEE = "demo-trainee"
QUIZ_WEEK = 3
REFLECTION_WEEK = 4
HELD = "Sin conexión: no se envió nada. Tus respuestas están guardadas en este dispositivo."
BACK = "Volviste a tener conexión."


def submitted_attempts(live, week: int) -> int:
    def count():
        enrollment = db.session.scalar(select(User).where(User.username == TRAINEE)).enrollment
        return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
            QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.week == week,
            QuizAttempt.submitted_dt.is_not(None)))
    return live.run(count)


def sent_versions(live, week: int) -> list[str]:
    def texts():
        enrollment = db.session.scalar(select(User).where(User.username == TRAINEE)).enrollment
        return list(db.session.scalars(select(ReflectionVersion.text).join(Reflection).where(
            Reflection.enrollment_id == enrollment.id, Reflection.week == week)))
    return live.run(texts)


def write_then_lose_connection(context, page, url: str, first: str, second: str):
    """He writes ``first`` (autosaved), loses the connection and adds ``second``; the reflection's box."""
    page.goto(url)
    box = page.locator("textarea[name=text]")
    box.fill(first)
    expect(page.locator(".autosave-status")).to_have_text("Borrador guardado.")
    context.set_offline(True)
    box.press("End")
    box.type(second)
    return box


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login(page, live_server.url, TRAINEE)
    yield context, page
    context.close()


def test_quiz_answered_offline_is_kept_and_sent_once(phone, live_server):
    context, page = phone
    page.goto(f"{live_server.url}/weeks/{QUIZ_WEEK}/quiz")
    questions = quiz_questions("es", QUIZ_WEEK)
    right = {q.name: model_answer(q) for q in questions}
    half = len(questions) // 2
    before = submitted_attempts(live_server, QUIZ_WEEK)

    # Online: the first half, saved on the server by the autosave.
    for question in questions[:half]:
        answer(page, question, right[question.name])
    expect(page.locator(".autosave-status")).to_have_text("Borrador guardado.")

    # The connection drops; he answers the rest and taps "Enviar".
    context.set_offline(True)
    for question in questions[half:]:
        answer(page, question, right[question.name])
    page.get_by_role("button", name="Enviar mis respuestas").click()
    notice = page.locator("#offline-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(HELD)
    assert notice.bounding_box()["y"] < 400, "the notice is at the top of the page, where he is looking"
    assert re.search(rf"/weeks/{QUIZ_WEEK}/quiz$", page.url), "the page stays: no browser error page"
    expect(page.locator("main")).not_to_contain_text("se enviarán")

    # Back online: he is told, reloads, and every answer is there.
    context.set_offline(False)
    expect(notice).to_contain_text(BACK)
    page.reload()
    for question in questions:
        assert_answered(page, question, right[question.name])
    assert submitted_attempts(live_server, QUIZ_WEEK) == before, "nothing was sent while offline"

    # He sends once; one attempt is recorded, with all his answers.
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page).to_have_url(re.compile(rf"/weeks/{QUIZ_WEEK}/quiz/attempts/\d+$"))
    assert submitted_attempts(live_server, QUIZ_WEEK) == before + 1
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('lms-draft-quiz'))") == [], \
        "the phone forgets its copy once the server has the attempt"


def test_reflection_written_offline_is_kept_and_sent_once(phone, live_server):
    context, page = phone
    first = "Esta semana hablé con mi pareja sobre quién decide en la casa."
    second = " Le pregunté qué piensa ella, y la escuché sin interrumpir."
    box = write_then_lose_connection(context, page, f"{live_server.url}/weeks/{REFLECTION_WEEK}/reflection",
                                     first, second)
    page.get_by_role("button", name="Enviar a mi facilitador").click()
    expect(page.locator("#offline-notice")).to_contain_text(HELD)
    assert sent_versions(live_server, REFLECTION_WEEK) == []

    context.set_offline(False)
    expect(page.locator("#offline-notice")).to_contain_text(BACK)
    page.reload()
    expect(box).to_have_value(first + second)

    page.get_by_role("button", name="Enviar a mi facilitador").click()
    expect(page.locator(".flash").first).to_have_text("Tu reflexión fue enviada a tu facilitador.")
    assert sent_versions(live_server, REFLECTION_WEEK) == [first + second]
    # 22 words: sent, with a gentle word about the length the week suggests.
    expect(page.locator(".flash.info")).to_contain_text("tiene 22 palabras")


def test_a_reload_while_the_kept_copy_is_being_saved_shows_the_whole_text(phone, live_server):
    """Back online, the phone saves what it kept, and he reloads at that very moment.

    The reload can be answered with the older draft while the save's answer, reaching the page being
    left, makes the phone forget its copy: the new page would then show only what was saved before the
    connection dropped, and his next save would overwrite the rest on the server too.
    """
    context, page = phone
    week = QUIZ_WEEK  # its reflection is not written yet; week 4's is the test above's
    url = f"{live_server.url}/weeks/{week}/reflection"
    first = "Hoy conversé con mi hermano sobre cómo nos criaron."
    second = " Nos dimos cuenta de que a los dos nos enseñaron a no llorar."
    box = write_then_lose_connection(context, page, url, first, second)

    # Hold the first save and the first page load, so they reach the phone in the worst order.
    held = {"POST": [], "GET": []}

    def hold_first(route):
        pile = held[route.request.method]
        if pile:
            route.continue_()
        else:
            pile.append(route)

    def wait_for(method):
        for _ in range(100):
            if held[method]:
                return held[method][0]
            page.wait_for_timeout(50)
        raise AssertionError(f"no {method} to {url}")

    context.route(url, hold_first)  # the context: the service worker fetches the page itself
    context.set_offline(False)  # the page saves its copy: that request is held
    save = wait_for("POST")
    page.evaluate("location.reload()")  # he reloads: that request is held too
    reload = wait_for("GET")
    older = reload.fetch()  # the server still has only the first sentence
    save.continue_()  # now the save reaches the server, and its answer the page he is leaving
    page.wait_for_timeout(500)
    reload.fulfill(response=older)
    page.wait_for_load_state()
    expect(box).to_have_value(first + second)
    context.unroute(url)


def test_answers_that_never_reached_the_server_are_put_back_on_the_next_visit(phone, live_server):
    context, page = phone
    week = 4
    page.goto(f"{live_server.url}/weeks/{week}/quiz")
    question = quiz_questions("es", week)[0]
    right = model_answer(question)

    # Every save is lost on the way (a connection that drops requests while the phone thinks it is online).
    def drop_posts(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(rf".*/weeks/{week}/quiz$"), drop_posts)
    answer(page, question, right)
    expect(page.locator(".autosave-status")).to_have_text(
        "No pudimos guardar tu borrador ahora; queda guardado en este dispositivo.")
    page.unroute(re.compile(rf".*/weeks/{week}/quiz$"))

    # The next visit puts the answer back, says so, and saves it.
    page.reload()
    expect(page.locator("#offline-notice")).to_contain_text("Recuperamos respuestas de este dispositivo")
    assert_answered(page, question, right)
    expect(page.locator(".autosave-status")).to_have_text("Borrador guardado.")
