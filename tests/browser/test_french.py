"""The French page speaks French: no English word of the interface's vocabulary in its visible
text (the playground, every Lessons tab, every experiment card, the coach after an experiment),
numbers with a decimal comma, and the server's errors worded in French.

The check reads `document.body.innerText`, which includes the options of every select. Proper
names the course itself uses (ReLU, Leaky ReLU, tanh, softmax, Xavier, He, Adam, SGD, XOR, ELU)
are French too; "test" and "validation" are French words.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from server.lessons.experiments import EXPERIMENTS
from tests.browser.classroom import Classroom
from tests.browser.conftest import App
from tests.browser.test_lessons import ADVICE

pytestmark = pytest.mark.browser

# English words of the interface's vocabulary, matched as whole words, ignoring case. None of
# them is also a French word of the interface ("constant", "normal", "test", "validation" and
# "pause" are left out for that reason).
ENGLISH = [
    "loss", "cost", "epoch", "epochs", "learning rate", "accuracy", "acc", "hidden", "layer",
    "layers", "neuron", "neurons", "weights", "bias", "zeros", "sigmoid", "linear", "uniform",
    "train", "training", "step", "play", "reset", "speed", "seed", "batch", "optimizer",
    "regularization", "none", "otherwise", "if", "n/a", "coach", "fix", "dead", "output",
    "input", "inputs", "features", "dataset", "data", "moons", "circle", "spiral", "noise",
    "network", "lessons", "experiments", "forward", "backward", "pass", "mse", "bce", "cce",
    "cross-entropy", "gradient descent", "connected", "show", "class", "lr", "the", "and", "of",
    # Classroom mode (rooms/student.js and the teacher's page).
    "join", "leave", "student", "students", "teacher", "locked", "lock", "challenge",
    "leaderboard", "spotlight", "gallery", "push", "remove", "hide", "sort by", "rank",
    "parameters", "close", "find", "over budget",
]
# Protocol codes that must never show: matched with their case (ReLU and Leaky ReLU are fine).
CODES = ["relu", "leaky_relu", "leaky relu", "auto (sigmoid)", "auto (bce)"]


def english_words(text: str) -> list[str]:
    """The English words (and lower-case protocol codes) found in a French text."""
    found = [w for w in ENGLISH if re.search(rf"(?<![\w/-]){re.escape(w)}(?![\w/-])", text, re.I)]
    found += [c for c in CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    return found


def visible_text(page: Page) -> str:
    """The page's text, its select options, and the tooltips and accessible names it sets."""
    return str(page.evaluate(
        """() => [document.body.innerText,
          ...[...document.querySelectorAll('[title], [aria-label]')].flatMap(
            (e) => [e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? ''])]
          .join('\\n')"""
    ))


def expect_french(page: Page, where: str, allow: tuple[str, ...] = ()) -> None:
    """No English word and no decimal point in the page (`allow`: text to leave out, such as
    an address or a proper name)."""
    text = visible_text(page)
    for part in allow:
        text = text.replace(part, "")
    words = english_words(text)
    assert not words, f"English in the French page ({where}): {words}"
    points = re.findall(r"\S*\d\.\d\S*", text)
    assert not points, f"decimal points in the French page ({where}): {points}"


def test_the_word_check_finds_english_and_spares_french() -> None:
    assert english_words("Perte entraîn. Loss 0,5") == ["loss"]
    assert english_words("auto (sigmoid)") == ["sigmoid", "auto (sigmoid)"]
    assert english_words("n/a") == ["n/a"]
    assert english_words("Leaky ReLU, ReLU, tanh, Xavier, données de test, validation") == []


def test_french_playground_has_no_english_after_training(app: App) -> None:
    page = app.open("?lang=fr&dataset=circle&hidden=4:tanh,2:relu")
    page.get_by_test_id("step").click()
    app.wait("s => s.frame.header.epoch >= 1")
    expect(page.get_by_test_id("step")).to_have_attribute("title", re.compile("époque"))
    expect_french(page, "playground")


def test_french_readouts_write_numbers_with_a_decimal_comma(app: App) -> None:
    page = app.open("?lang=fr&dataset=gauss&hidden=4:tanh")
    expect(page.get_by_test_id("loss-train")).to_have_text(re.compile(r"^\d+,\d{3}$"))
    # 80,0 % : a decimal comma and a narrow no-break space before the percent sign.
    expect(page.get_by_test_id("accuracy-train")).to_have_text(re.compile(r"^\d+,\d\u202f%$"))
    expect(page.get_by_test_id("learning-rate").locator("option[value='0.03']")).to_have_text("0,03")


def test_switching_to_french_rewrites_the_numbers_already_shown(app: App) -> None:
    page = app.open("?dataset=gauss&hidden=4:tanh")
    readout = page.get_by_test_id("loss-train")
    expect(readout).to_have_text(re.compile(r"^\d+\.\d{3}$"))
    page.get_by_test_id("lang").click()
    expect(readout).to_have_text(re.compile(r"^\d+,\d{3}$"))
    expect(page.get_by_test_id("coach")).to_contain_text("Conseils")


TABS = ["experiments", "init", "symmetry", "gradients", "dead", "collapse", "inspector"]


def test_every_french_lessons_tab_has_no_english(app: App) -> None:
    page = app.open("?lang=fr&dataset=circle&hidden=4:relu,4:linear")
    page.get_by_test_id("step").click()
    app.wait("s => s.frame.header.epoch >= 1")
    for tab in TABS:
        page.get_by_test_id(f"lesson-tab-{tab}").click()
        expect(page.get_by_test_id(f"lesson-panel-{tab}")).to_be_visible()
        if tab == "init":  # the course's figure comes from the server: check it too
            expect(page.get_by_test_id("init-figure")).to_have_attribute("data-drawn", "true")
        expect_french(page, f"tab {tab}")
    # The inspector, step by step: the forward and the backward pass of every layer.
    page.get_by_test_id("inspect").click()
    expect(page.get_by_test_id("matrix-X")).to_be_visible()
    step = page.get_by_test_id("inspector-step")
    seen = set()
    while step.inner_text() not in seen:
        seen.add(step.inner_text())
        expect_french(page, f"inspector at {step.inner_text()}")
        if page.get_by_test_id("inspector-next").is_disabled():
            break
        page.get_by_test_id("inspector-next").click()
    assert any("Passe en arrière" in s for s in seen), seen


def test_every_french_experiment_card_has_no_english(app: App) -> None:
    page = app.open("?lang=fr")
    for name in EXPERIMENTS:
        page.get_by_test_id("lesson-tab-experiments").click()
        page.get_by_test_id(f"experiment-{name}").click()
        card = page.get_by_test_id("experiment-card")
        expect(card).to_have_attribute("data-experiment", name)
        assert not english_words(card.inner_text()), (name, card.inner_text())
    expect_french(page, "after every experiment")


def test_french_coach_says_the_cost_oscillates_after_a_too_large_learning_rate(app: App) -> None:
    page = app.open("?experiment=lr_too_high&lang=fr")
    card = page.get_by_test_id("experiment-card")
    expect(card).to_have_attribute("data-experiment", "lr_too_high")
    page.get_by_test_id("lesson-train").click()
    advice = page.get_by_test_id("coach").locator('[data-code="lr_too_high"]')
    expect(advice).to_contain_text("Correction")
    expect(page.get_by_test_id("coach")).not_to_contain_text("zigzag")
    expect_french(page, "coach after lr_too_high")


def test_french_coach_words_every_advice_without_english(app: App) -> None:
    app.open("?lang=fr")
    texts = app.page.evaluate(
        """async (advice) => {
          const { createI18n } = await import('/i18n.js');
          const { STRINGS, wording } = await import('/lessons/coach.js');
          const { translator } = await import('/lessons/util.js');
          const i18n = createI18n('fr');
          i18n.register(STRINGS);
          const t = translator({ t: i18n.t, i18n });
          return advice.map((a) => wording(t, a));
        }""",
        ADVICE,
    )
    for text in texts:
        assert not english_words(text), text
        assert not re.search(r"\d\.\d", text), text
    joined = "\n".join(texts)
    assert "«\u202fentropie croisée\u202f»" in joined and "«\u202fsigmoïde\u202f»" in joined


def test_french_names_activations_and_losses_in_sentences(app: App) -> None:
    page = app.open("?lang=fr&hidden=3:elu,3:linear")
    output = page.get_by_test_id("output-activation").locator("option[value='auto']")
    expect(output).to_have_text("auto (sigmoïde)")
    equations = page.locator("#equations")
    expect(equations).to_contain_text("sinon")
    expect(equations).to_contain_text("linéaire")
    expect(equations).to_contain_text("entropie croisée binaire")
    expect_french(page, "equations")


def test_french_server_errors_name_the_control_and_the_reason(app: App) -> None:
    page = app.open("?lang=fr")
    seed = page.get_by_test_id("seed")
    seed.fill("-5")
    seed.press("Enter")
    error = page.get_by_test_id("error")
    expect(error).to_have_attribute("data-field", "config.seed")
    expect(error).to_contain_text("Graine\u202f: doit être supérieur ou égal à 0")
    expect_french(page, "error banner")


def test_french_link_errors_are_worded_in_french(app: App) -> None:
    page = app.open("?lang=fr&points=many")
    error = page.get_by_test_id("error")
    expect(error).to_contain_text("le paramètre points vaut «\u202fmany\u202f»")
    expect_french(page, "link error")


def test_french_csv_errors_say_the_line_in_french(app: App) -> None:
    page = app.open("?lang=fr")
    page.get_by_test_id("csv-upload").set_input_files(files=[{
        "name": "bad.csv", "mimeType": "text/csv", "buffer": b"x1,x2,label\n1,2,0\n3,4\n",
    }])
    expect(page.get_by_test_id("data-error")).to_contain_text("1 ligne de bad.csv est illisible")
    expect(page.get_by_test_id("csv-bad")).to_contain_text("3")
    expect_french(page, "csv error")


def test_error_wording_falls_back_to_the_server_message(app: App) -> None:
    app.open("?lang=fr")
    texts = app.page.evaluate(
        """async () => {
          const { createI18n } = await import('/i18n.js');
          const { ERROR_STRINGS, errorText } = await import('/errors.js');
          const out = {};
          for (const lang of ['fr', 'en']) {
            const i18n = createI18n(lang);
            i18n.register(ERROR_STRINGS);
            i18n.register({
              en: { 'field.config.hidden': 'Network' }, fr: { 'field.config.hidden': 'Réseau' },
            });
            const word = (e) => errorText(i18n.t, e);
            out[lang] = [
              word({ code: 'invalid', field: 'config.hidden.1.units',
                     message: 'config.hidden.1.units: Input should be less than or equal to 8' }),
              word({ code: 'invalid', field: 'config.optimizer.learning_rate',
                     message: 'config.optimizer.learning_rate: '
                              + 'Input should be greater than or equal to 0.000001' }),
              word({ code: 'bad_data', field: 'csv', message: 'csv line 3: expected 3 columns' }),
              word({ code: 'unknown_type', field: 'type',
                     message: "type: unknown message type 'nope'; valid: configure, play" }),
            ];
          }
          return out;
        }"""
    )
    fr, en = texts["fr"], texts["en"]
    assert fr[0] == "Nombre de neurones de la couche 2\u202f: doit être inférieur ou égal à 8"
    assert fr[1] == "Doit être supérieur ou égal à 0,000001"
    # An unknown reason: the French sentence of its code, then the server's own words.
    assert fr[2].startswith("Fichier CSV\u202f: données refusées") and "csv line 3" in fr[2]
    assert "«\u202fnope\u202f» n’existe pas" in fr[3]
    # English is worded the same way, for a person: no field path, no validator's phrase.
    assert en[0] == "Neurons in layer 2: must be at most 8"
    # (numbers follow the page's language, French here)
    assert en[1] == "Must be at least 0,000001"
    assert en[2].startswith("CSV file: data refused") and "csv line 3" in en[2]
    assert "“nope” does not exist; possible values: configure, play" in en[3]


def test_a_negative_zero_is_written_zero_in_both_languages(app: App) -> None:
    app.open("?lang=fr")
    texts = app.page.evaluate(
        """async () => {
          const { formatNumber, formatPercent } = await import('/i18n.js');
          const { fmt } = await import('/lessons/util.js');
          return [fmt(-0, 3, 'en'), fmt(-0, 3, 'fr'),
                  formatNumber(-0.0001, { maximumFractionDigits: 2 }, 'fr'),
                  formatPercent(-0.00001, 1, 'en'), formatNumber(-1.5, {}, 'fr'),
                  fmt(-2.5e-5, 3, 'en')];
        }"""
    )
    assert texts == ["0", "0", "0", "0.0%", "-1,5", "-2.50e-5"]


def test_french_percentages_use_a_decimal_comma_and_a_narrow_space(app: App) -> None:
    app.open("?lang=fr")
    text = app.page.evaluate(
        """async () => {
          const { createI18n } = await import('/i18n.js');
          const { STRINGS, wording } = await import('/lessons/coach.js');
          const { translator } = await import('/lessons/util.js');
          const i18n = createI18n('fr');
          i18n.register(STRINGS);
          const t = translator({ t: i18n.t, i18n });
          return wording(t, { code: 'underfitting', params: { accuracy: 0.125, epoch: 300 } });
        }"""
    )
    assert "12,5\u202f%" in text, text


def test_french_classroom_pages_have_no_english(classroom: Classroom) -> None:
    teacher = classroom.open_class(query="?lang=fr")
    expect(teacher.get_by_test_id("room-create")).to_have_count(1)
    student = classroom.join("Ada", "&lang=fr")
    card = classroom.card("Ada")
    expect(card).to_be_visible()
    # A lock, a challenge, the spotlight and every tool open: all the words the pages have.
    for tool in ("tool-lock", "tool-challenge"):
        teacher.get_by_test_id(tool).click()
    teacher.get_by_test_id("lock-learning_rate").check()
    teacher.get_by_test_id("lock").click()
    teacher.get_by_test_id("challenge-dataset").select_option("xor")
    teacher.get_by_test_id("challenge-max-params").fill("40")
    teacher.get_by_test_id("challenge-start").click()
    expect(teacher.get_by_test_id("leaderboard-row-1")).to_have_attribute("data-name", "Ada")
    card.click()
    expect(teacher.get_by_test_id("spotlight")).to_have_attribute("data-name", "Ada")
    teacher.wait_for_function("() => window.__teach.frames > 0")
    expect(student.page.get_by_test_id("room-banner")).to_have_attribute("data-locked", "true")
    expect(student.page.get_by_test_id("room-locks")).to_contain_text("Taux d’apprentissage")
    expect(student.page.get_by_test_id("room-challenge")).to_contain_text("Défi")
    link = teacher.get_by_test_id("room-join-link").inner_text()
    expect_french(teacher, "teacher's page", allow=(link, "Ada"))
    expect_french(student.page, "student in a class", allow=("Ada",))

