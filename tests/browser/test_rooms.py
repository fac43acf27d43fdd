"""Classroom rooms end to end: a teacher's page and two students' pages, each in its own
browser context (its own storage and websocket), on one real server.

The teacher opens a class at /teach; the students join with `?room=CODE` and a name. The tests
check what each side sees: the gallery of students, a pushed experiment opening on every
student, the spotlight of one student, a lock disabling a control with the banner saying so,
and a challenge's leaderboard ranking the student who trained above the one who did not.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import Classroom
from tests.browser.conftest import VIEWPORT, App


@pytest.fixture
def two_students(classroom: Classroom) -> Classroom:
    classroom.open_class("Thursday lab")
    classroom.join("Ada")
    classroom.join("Bob")
    return classroom


def test_students_appear_in_the_gallery_with_their_names(two_students: Classroom) -> None:
    room = two_students
    teacher = room.teacher
    assert teacher is not None
    expect(room.card("Ada")).to_be_visible()
    expect(room.card("Bob")).to_be_visible()
    expect(teacher.get_by_test_id("gallery-count")).to_have_attribute("data-count", "2")
    expect(teacher.get_by_test_id("gallery-count")).to_have_text("2 students")
    expect(room.card("Ada").locator(".card-name")).to_have_text("Ada")
    # The join link and the QR code point at the students' page of this class.
    link = teacher.get_by_test_id("room-join-link")
    expect(link).to_have_attribute("href", f"{room.server.url}/?room={room.code}")
    qr = teacher.get_by_test_id("room-qr")
    expect(qr).to_have_attribute("src", re.compile(rf"/api/rooms/{room.code}/qr\.svg\?base="))
    teacher.wait_for_function(
        "() => { const img = document.querySelector('[data-testid=\"room-qr\"]');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    # The banner names the class; nothing is locked yet.
    banner = room.students["Ada"].page.get_by_test_id("room-banner")
    expect(banner).to_contain_text("Thursday lab")
    expect(banner).to_have_attribute("data-locked", "false")


def test_a_pushed_experiment_opens_on_every_student(two_students: Classroom) -> None:
    room = two_students
    assert room.teacher is not None
    room.teacher.get_by_test_id("push-experiment-zero_init").click()
    expect(room.teacher.get_by_test_id("push-status")).to_have_text("Sent to 2 students.")
    for app in room.students.values():
        card = app.page.get_by_test_id("experiment-card")
        expect(card).to_have_attribute("data-experiment", "zero_init")
        expect(app.page.get_by_test_id("init")).to_have_value("zeros")
        app.wait("s => s.config.init === 'zeros' && s.config.hidden.length === 2")


def test_a_pushed_exercise_opens_on_every_student_and_the_teacher_counts_the_answers(
    two_students: Classroom,
) -> None:
    room = two_students
    teacher = room.teacher
    assert teacher is not None
    teacher.get_by_test_id("push-exercise-kind").select_option("params")
    teacher.get_by_test_id("push-exercise").click()
    expect(teacher.get_by_test_id("push-status")).to_have_text("Sent to 2 students.")
    tally = teacher.get_by_test_id("exercise-tally")
    expect(tally).to_have_text("Exercise: 0 of 2 answered, 0 right.")
    exercises = {}
    for name, app in room.students.items():
        expect(app.page.get_by_test_id("exercise-from-teacher")).to_be_visible()
        expect(app.page.get_by_test_id("exercise-question")).not_to_be_empty()
        exercises[name] = json.loads(app.page.locator("#exercises").get_attribute(
            "data-exercise") or "{}")
        assert exercises[name]["kind"] == "params"
    # Both students have the same network: the same seed gives them the same exercise.
    assert exercises["Ada"] == exercises["Bob"]
    ada, bob = room.students["Ada"].page, room.students["Bob"].page
    ada.get_by_test_id("exercise-answer").fill(str(exercises["Ada"]["answer"]))
    ada.get_by_test_id("exercise-check").click()
    expect(ada.get_by_test_id("exercise-feedback")).to_have_text("Right.")
    bob.get_by_test_id("exercise-answer").fill(str(exercises["Bob"]["answer"] + 1))
    bob.get_by_test_id("exercise-check").click()
    expect(bob.get_by_test_id("exercise-feedback")).to_contain_text("Not quite")
    expect(tally).to_have_text("Exercise: 2 of 2 answered, 1 right.")
    # No names until the teacher asks.
    names = teacher.get_by_test_id("exercise-names")
    expect(names).to_be_hidden()
    teacher.get_by_test_id("exercise-who").click()
    expect(names).to_contain_text("Ada: right")
    expect(names).to_contain_text("Bob: not yet")


def test_the_spotlight_shows_one_student_live_and_read_only(two_students: Classroom) -> None:
    room = two_students
    teacher = room.teacher
    assert teacher is not None
    ada = room.students["Ada"]
    ada.page.get_by_test_id("add-layer").click()
    ada.settled()
    room.card("Ada").click()
    spotlight = teacher.get_by_test_id("spotlight")
    expect(spotlight).to_be_visible()
    expect(spotlight).to_have_attribute("data-name", "Ada")
    expect(teacher.get_by_test_id("spotlight-name")).to_contain_text("Ada")
    # Ada's network as she sees it (her extra layer), drawn from the forwarded frames.
    hidden = ada.probe("s => s.config.hidden.length")
    expect(spotlight.locator('[data-testid^="activation-"]')).to_have_count(hidden)
    teacher.wait_for_function("() => window.__teach.frames > 0")
    ada.page.get_by_test_id("step").click()
    ada.wait("s => s.frame.header.epoch >= 1")
    teacher.wait_for_function("() => window.__teach.spotlightEpoch() >= 1")
    expect(spotlight.locator('[data-testid="boundary"]')).to_be_visible()
    # Above the drawing, her name, epoch, losses and accuracies, from the frame shown.
    metrics = teacher.get_by_test_id("spotlight-metrics")
    expect(metrics.locator('[data-metric="name"]')).to_have_text("Ada")
    teacher.wait_for_function(
        "() => Number(document.querySelector('[data-testid=\"spotlight-metrics\"]')"
        ".dataset.epoch) === window.__teach.spotlightEpoch()")
    for metric in ("train-loss", "test-loss"):
        expect(metrics.locator(f'[data-metric="{metric}"]')).to_have_text(re.compile(r"^\d+\.\d+$"))
    for metric in ("train-accuracy", "test-accuracy"):
        expect(metrics.locator(f'[data-metric="{metric}"]')).to_have_text(re.compile(r"^\d+\.\d%$"))
    expect(metrics).to_contain_text("Train loss")
    expect(metrics).to_contain_text("Test acc.")
    # Read-only: the spotlight's controls are inert, and its editing controls are not shown
    # (on a projector they would look clickable); the activations read as plain text.
    assert teacher.evaluate(
        "() => ['.spot-network', '.spot-output'].every((s) => document.querySelector(s).inert)"
    )
    for testid in ("add-layer", "remove-layer", "add-neuron-1", "remove-neuron-1",
                   "batch-norm-1", "show-test", "discretize", "revive-leaky"):
        expect(spotlight.get_by_test_id(testid)).to_be_hidden()
    activation = spotlight.get_by_test_id("activation-1")
    expect(activation).to_be_visible()
    assert activation.evaluate("(el) => getComputedStyle(el).appearance") == "none"
    expect(spotlight.locator(".node canvas").first).to_be_visible()
    # Full screen, from the keyboard: the spotlight covers the window; Escape leaves.
    full = teacher.get_by_test_id("spotlight-fullscreen")
    expect(full).to_have_attribute("aria-pressed", "false")
    full.focus()
    teacher.keyboard.press("Enter")
    expect(full).to_have_attribute("aria-pressed", "true")
    teacher.wait_for_function(
        "() => { const r = document.querySelector('[data-testid=\"spotlight\"]')"
        ".getBoundingClientRect(); return r.left <= 0 && r.top <= 0"
        " && r.right >= innerWidth && r.bottom >= innerHeight; }")
    expect(spotlight.locator('[data-testid="boundary"]')).to_be_in_viewport()
    teacher.keyboard.press("Escape")
    expect(full).to_have_attribute("aria-pressed", "false")
    teacher.wait_for_function("() => document.fullscreenElement === null")
    expect(spotlight).not_to_have_class(re.compile(r"spot-large"))
    # Where the browser refuses full screen, the spotlight covers the window; Escape leaves.
    teacher.evaluate(
        "() => { Element.prototype.requestFullscreen = () => Promise.reject(new Error('no')); }")
    full.click()
    expect(spotlight).to_have_class(re.compile(r"spot-large"))
    assert teacher.evaluate("() => document.fullscreenElement") is None
    box = spotlight.bounding_box()
    assert box is not None and box["width"] >= 1279 and box["height"] >= 719, box
    teacher.keyboard.press("Escape")
    expect(full).to_have_attribute("aria-pressed", "false")
    expect(spotlight).not_to_have_class(re.compile(r"spot-large"))
    teacher.get_by_test_id("spotlight-close").click()
    expect(spotlight).to_be_hidden()


def test_locking_disables_the_control_and_the_banner_says_so(two_students: Classroom) -> None:
    room = two_students
    teacher = room.teacher
    assert teacher is not None
    teacher.get_by_test_id("tool-lock").click()
    teacher.get_by_test_id("lock-learning_rate").check()
    teacher.get_by_test_id("lock-layers").check()
    teacher.get_by_test_id("lock").click()
    for app in room.students.values():
        page = app.page
        banner = page.get_by_test_id("room-banner")
        expect(banner).to_have_attribute("data-locked", "true")
        expect(page.get_by_test_id("room-locks")).to_have_text(
            "Controls locked by your teacher: Layers and neurons, Learning rate"
        )
        expect(page.get_by_test_id("learning-rate")).to_be_disabled()
        expect(page.get_by_test_id("add-layer")).to_be_disabled()
        expect(page.get_by_test_id("optimizer")).to_be_enabled()
    # Unlocking gives the controls back.
    teacher.get_by_test_id("lock-learning_rate").uncheck()
    teacher.get_by_test_id("lock-layers").uncheck()
    teacher.get_by_test_id("lock").click()
    for app in room.students.values():
        expect(app.page.get_by_test_id("room-banner")).to_have_attribute("data-locked", "false")
        expect(app.page.get_by_test_id("learning-rate")).to_be_enabled()
        expect(app.page.get_by_test_id("add-layer")).to_be_enabled()


def test_a_challenge_leaderboard_ranks_the_student_who_trained_first(
    two_students: Classroom,
) -> None:
    room = two_students
    teacher = room.teacher
    assert teacher is not None
    teacher.get_by_test_id("tool-challenge").click()
    teacher.get_by_test_id("challenge-dataset").select_option("xor")
    teacher.get_by_test_id("challenge-metric").select_option("test_accuracy")
    teacher.get_by_test_id("challenge-start").click()
    ada, bob = room.students["Ada"], room.students["Bob"]
    for app in (ada, bob):
        app.wait("s => s.config.dataset.name === 'xor'")
        expect(app.page.get_by_test_id("room-challenge")).to_contain_text("XOR")
    # Untitled: the page names the challenge with its own word, once.
    expect(teacher.get_by_test_id("board-challenge")).to_have_text(
        re.compile(r"^Challenge: XOR, ranked by test accuracy"))
    # Ada trains with a good learning rate; Bob does not train at all.
    ada.page.get_by_test_id("learning-rate").select_option("0.3")
    ada.settled()
    ada.page.get_by_test_id("play-pause").click()
    ada.wait("s => s.frame.header.epoch >= 60 && s.frame.header.metrics.test_accuracy >= 0.9")
    ada.page.get_by_test_id("play-pause").click()
    board = teacher.get_by_test_id("leaderboard")
    expect(board).to_be_visible()
    expect(teacher.get_by_test_id("leaderboard-row-1")).to_have_attribute("data-name", "Ada")
    expect(teacher.get_by_test_id("leaderboard-row-2")).to_have_attribute("data-name", "Bob")
    # Clearly ahead, once the server has scored Ada's trained network (a tick or two later).
    scores = teacher.wait_for_function(
        """() => {
          const score = (rank) => Number(document.querySelector(
            `[data-testid="leaderboard-row-${rank}"]`)?.dataset.score);
          const [first, second] = [score(1), score(2)];
          return first >= 0.85 && first - second >= 0.2 ? [first, second] : null;
        }"""
    ).json_value()
    assert scores[0] > scores[1], scores
    expect(teacher.get_by_test_id("leaderboard-row-1")).to_have_attribute("data-name", "Ada")
    # Stopped, the challenge keeps its final standings on the teacher's page until dismissed.
    expect(teacher.get_by_test_id("challenge-final")).to_be_hidden()
    teacher.get_by_test_id("challenge-stop").click()
    for app in (ada, bob):
        expect(app.page.get_by_test_id("room-challenge")).to_be_hidden()
    final = teacher.get_by_test_id("challenge-final")
    expect(final).to_be_visible()
    expect(final).to_contain_text("Final standings")
    expect(teacher.get_by_test_id("board-challenge")).to_contain_text("XOR")
    expect(teacher.get_by_test_id("leaderboard-row-1")).to_have_attribute("data-name", "Ada")
    expect(teacher.get_by_test_id("leaderboard-row-2")).to_have_attribute("data-name", "Bob")
    expect(teacher.get_by_test_id("challenge-stop")).to_be_disabled()
    teacher.get_by_test_id("challenge-final-dismiss").click()
    expect(teacher.get_by_test_id("board")).to_be_hidden()


def test_closing_the_class_tells_the_students(classroom: Classroom) -> None:
    teacher = classroom.open_class()
    # A name is text, never markup, on the teacher's page and in the student's banner.
    name = "<b>Ada</b>"
    ada = classroom.join(name)
    card = classroom.card(name)
    expect(card.locator(".card-name")).to_have_text(name)
    expect(card.locator("b")).to_have_count(0)
    expect(ada.page.get_by_test_id("room-you")).to_contain_text(name)
    # "Close the class" asks first: Cancel keeps the class open.
    teacher.get_by_test_id("room-close").click()
    confirm = teacher.get_by_test_id("close-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("The student in it leaves")
    teacher.get_by_test_id("close-confirm-cancel").click()
    expect(confirm).to_be_hidden()
    expect(teacher.get_by_test_id("room-code")).to_have_text(classroom.code)
    expect(ada.page.get_by_test_id("room-banner")).to_be_visible()
    teacher.get_by_test_id("room-close").click()
    teacher.get_by_test_id("close-confirm-yes").click()
    expect(teacher.get_by_test_id("room-create")).to_be_visible()
    expect(ada.page.get_by_test_id("room-notice")).to_contain_text("closed the class")
    expect(ada.page.get_by_test_id("room-banner")).to_be_hidden()
    assert "room=" not in ada.page.url


def test_a_reload_of_the_teachers_page_resumes_the_class_and_its_keyboard_works(
    classroom: Classroom,
) -> None:
    teacher = classroom.open_class()
    classroom.join("Ada")
    expect(classroom.card("Ada")).to_be_visible()
    teacher.reload()
    expect(teacher.get_by_test_id("room-code")).to_have_text(classroom.code)
    expect(classroom.card("Ada")).to_be_visible()
    # The key stays in the tab's session storage, never in the address.
    assert "key" not in teacher.url
    # The keyboard reaches a card and Enter puts it in the spotlight.
    spot = classroom.card("Ada").locator('[data-testid^="gallery-spotlight-"]')
    spot.focus()
    expect(spot).to_be_focused()
    teacher.keyboard.press("Enter")
    expect(teacher.get_by_test_id("spotlight")).to_have_attribute("data-name", "Ada")


def test_a_wrong_code_is_refused_in_the_students_language(classroom: Classroom) -> None:
    page = classroom.new_page(VIEWPORT, locale="fr-FR")
    app = App(page, classroom.server)
    app.open("?lang=fr&room=ZZZZZZ")
    page.get_by_test_id("room-name-input").fill("Ada")
    page.get_by_test_id("room-join").click()
    expect(page.get_by_test_id("room-error")).to_have_text(
        "Aucune classe n’a ce code\u202f: vérifiez-le avec votre enseignant."
    )
    expect(page.get_by_test_id("room-banner")).to_be_hidden()
    # A code that cannot be one is refused before it is sent.
    page.get_by_test_id("room-code-input").fill("ab1")
    page.get_by_test_id("room-join").click()
    expect(page.get_by_test_id("room-error")).to_contain_text("six lettres et chiffres")


def test_push_config_sends_the_teachers_own_playground(classroom: Classroom) -> None:
    teacher = classroom.open_class()
    ada = classroom.join("Ada")
    expect(classroom.card("Ada")).to_be_visible()
    teacher.get_by_test_id("push-config").click()
    # No playground opened in the teacher's browser yet: nothing to push, and the page says so.
    expect(teacher.get_by_test_id("push-status")).to_contain_text("Open “My playground”")
    # The teacher's playground, in the same browser: its config is what gets pushed.
    mine = App(teacher.context.new_page(), classroom.server)
    mine.open("?dataset=spiral&hidden=6:relu,3:tanh&lr=0.01")
    teacher.get_by_test_id("push-config").click()
    expect(teacher.get_by_test_id("push-status")).to_have_text("Sent to 1 student.")
    ada.wait(
        "s => s.config.dataset.name === 'spiral' && s.config.hidden.length === 2"
        " && s.config.hidden[0].activation === 'relu' && s.config.optimizer.learning_rate === 0.01"
    )
    ada.wait("s => s.frame.header.epoch === 0")


def test_a_students_reload_joins_the_class_again_without_asking(classroom: Classroom) -> None:
    teacher = classroom.open_class()
    ada = classroom.join("Ada")
    expect(classroom.card("Ada")).to_be_visible()
    ada.page.reload()
    expect(ada.page.get_by_test_id("room-banner")).to_be_visible()
    expect(ada.page.get_by_test_id("room-dialog")).to_be_hidden()
    expect(ada.page.get_by_test_id("room-you")).to_contain_text("Ada")
    # Her old session left the class: one card, hers.
    expect(teacher.get_by_test_id("gallery-count")).to_have_attribute("data-count", "1")
    expect(classroom.card("Ada")).to_have_count(1)
    # Leaving takes the class out of the address: the next reload stays out.
    ada.page.get_by_test_id("room-leave").click()
    expect(ada.page.get_by_test_id("room-banner")).to_be_hidden()
    expect(teacher.get_by_test_id("gallery-count")).to_have_attribute("data-count", "0")
    assert "room=" not in ada.page.url


def test_room_errors_are_whole_sentences_in_both_languages(classroom: Classroom) -> None:
    page = classroom.new_page(VIEWPORT)
    App(page, classroom.server).open()
    texts = page.evaluate(
        """async () => {
          const { createI18n } = await import('/i18n.js');
          const { ERROR_STRINGS, errorText } = await import('/errors.js');
          const out = {};
          for (const lang of ['en', 'fr']) {
            const i18n = createI18n(lang);
            i18n.register(ERROR_STRINGS);
            const field = 'field.config.optimizer.learning_rate';
            i18n.register({ en: { [field]: 'Learning rate' },
                            fr: { [field]: 'Taux d’apprentissage' } });
            out[lang] = [
              errorText(i18n.t, { code: 'rooms_unavailable', field: 'type',
                                  message: 'type: rooms need --redis with several workers' }),
              errorText(i18n.t, { code: 'forbidden', field: 'config.optimizer.learning_rate',
                                  message: 'config.optimizer.learning_rate: locked' }),
              errorText(i18n.t, { code: 'room_full', field: 'code', message: 'code: full' }),
            ];
          }
          return out;
        }"""
    )
    assert texts["en"] == [
        "Classes are not available on this server right now (its rooms’ store does not answer, "
        "or it runs several processes without Redis).",
        "Learning rate: locked by your teacher.",
        "This class is full.",
    ]
    assert texts["fr"] == [
        "Les classes ne sont pas disponibles sur ce serveur pour le moment (son stockage des "
        "classes ne répond pas, ou il tourne en plusieurs processus sans Redis).",
        "Taux d’apprentissage\u202f: verrouillé par votre enseignant.",
        "Cette classe est complète.",
    ]


def test_the_teacher_sorts_filters_and_hides_cards(two_students: Classroom) -> None:
    room = two_students
    teacher = room.teacher
    assert teacher is not None
    bob = room.students["Bob"]
    for _ in range(3):
        bob.page.get_by_test_id("step").click()
    bob.wait("s => s.status.epoch >= 3 && s.status.state === 'paused'")
    cards = teacher.locator('[data-testid^="gallery-student-"]')
    expect(cards).to_have_count(2)
    expect(cards.first).to_have_attribute("data-name", "Ada")
    teacher.get_by_test_id("gallery-sort").select_option("epoch")
    expect(cards.first).to_have_attribute("data-name", "Bob")
    teacher.get_by_test_id("gallery-filter").fill("ad")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-name", "Ada")
    teacher.get_by_test_id("gallery-filter").fill("")
    # Hidden: off the projected gallery, still in the class, back with "Show hidden".
    room.card("Bob").locator('[data-testid^="gallery-hide-"]').click()
    expect(cards).to_have_count(1)
    expect(teacher.get_by_test_id("gallery-count")).to_have_attribute("data-count", "2")
    teacher.get_by_test_id("gallery-show-hidden").check()
    expect(room.card("Bob")).to_have_attribute("data-hidden", "true")
    # Removed: out of the class, told so.
    room.card("Bob").locator('[data-testid^="gallery-remove-"]').click()
    expect(bob.page.get_by_test_id("room-notice")).to_contain_text("removed you")
    expect(teacher.get_by_test_id("gallery-count")).to_have_attribute("data-count", "1")
    expect(room.card("Bob")).to_have_count(0)
