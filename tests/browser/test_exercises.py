"""Exercises from the network on screen: generated from its sizes and activations, checked on
entry, the worked answer on request, in English and in French. The expected answers are computed
here, independently of the page, from the network the link sets up."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from playwright.sync_api import Page, expect

from tests.browser.conftest import App

SIZES = [3, 3, 2, 1]  # ?features=x1,x2,x1x2&hidden=3:relu,2:tanh (binary: one output)
QUERY = "?dataset=circle&features=x1,x2,x1x2&hidden=3:relu,2:tanh"


def open_exercise(app: App, kind: str) -> dict[str, Any]:
    page = app.page
    page.get_by_test_id("exercise-kind").select_option(kind)
    page.get_by_test_id("exercise-open").click()
    expect(page.get_by_test_id("exercise-question")).not_to_be_empty()
    exercise: dict[str, Any] = json.loads(page.locator("#exercises").get_attribute(
        "data-exercise") or "{}")
    assert exercise["kind"] == kind
    return exercise


def answer(page: Page, text: str) -> None:
    page.get_by_test_id("exercise-answer").fill(text)
    page.get_by_test_id("exercise-check").click()


def expected_shape(exercise: dict[str, Any]) -> tuple[int, int]:
    layer, m = exercise["l"], exercise["m"]
    units, inputs = SIZES[layer], SIZES[layer - 1]
    return {"W": (units, inputs), "b": (units, 1), "Z": (units, m), "A": (units, m),
            "X": (SIZES[0], m)}[exercise["matrix"]]


def test_shape_exercises_are_checked_and_explained(app: App) -> None:
    page = app.open(QUERY)
    app.wait("s => s.data && s.config")
    for _ in range(6):
        exercise = open_exercise(app, "shapes")
        answer(page, "7×7")  # no matrix of this network has this shape
        expect(page.get_by_test_id("exercise-feedback")).to_have_text(
            "Not quite: try again, or show the answer.")
        rows, columns = expected_shape(exercise)
        answer(page, f"{rows} x {columns}")
        expect(page.get_by_test_id("exercise-feedback")).to_have_text("Right.")
    page.get_by_test_id("exercise-solution-button").click()
    expect(page.get_by_test_id("exercise-solution")).to_contain_text(f"{rows}×{columns}")


def test_parameter_counts_follow_the_network(app: App) -> None:
    page = app.open(QUERY)
    app.wait("s => s.data && s.config")
    counts = [n * inputs + n for n, inputs in zip(SIZES[1:], SIZES[:-1], strict=True)]
    for _ in range(5):
        exercise = open_exercise(app, "params")
        expected = sum(counts) if exercise["whole"] else counts[exercise["l"] - 1]
        answer(page, "abc")
        expect(page.get_by_test_id("exercise-feedback")).to_have_text("Write a whole number.")
        answer(page, str(expected))
        expect(page.get_by_test_id("exercise-feedback")).to_have_text("Right.")


def test_forward_pass_by_hand_uses_the_first_layer_activation(app: App) -> None:
    page = app.open(QUERY)
    app.wait("s => s.data && s.config")
    for _ in range(4):
        exercise = open_exercise(app, "forward")
        assert exercise["g"] == "relu"
        x, W, b = (np.array(exercise[k], dtype=float) for k in ("x", "W", "b"))
        assert 2 <= len(b) <= 3 and all(abs(v) <= 2 for v in [*x, *W.ravel()])
        a = np.maximum(W @ x + b, 0.0)
        answer(page, "; ".join(f"{v:g}" for v in a))
        expect(page.get_by_test_id("exercise-feedback")).to_have_text("Right.")
        page.get_by_test_id("exercise-solution-button").click()
        expect(page.get_by_test_id("exercise-solution").locator("li")).to_have_count(len(b))


def test_exercises_in_french_with_a_decimal_comma(app: App) -> None:
    page = app.open("?lang=fr&dataset=circle&hidden=2:sigmoid")
    app.wait("s => s.data && s.config")
    expect(page.get_by_test_id("exercise-open")).to_have_text("Un exercice sur ce réseau")
    exercise = open_exercise(app, "forward")
    expect(page.get_by_test_id("exercise-question")).to_contain_text("Calculez a[1]")
    x, W, b = (np.array(exercise[k], dtype=float) for k in ("x", "W", "b"))
    a = 1 / (1 + np.exp(-(W @ x + b)))
    answer(page, " ; ".join(f"{v:.2f}".replace(".", ",") for v in a))
    expect(page.get_by_test_id("exercise-feedback")).to_have_text("Exact.")
    exercise = open_exercise(app, "output")
    answer(page, "entropie croisée binaire" if exercise["askLoss"] else "sigmoïde")
    expect(page.get_by_test_id("exercise-feedback")).to_have_text("Exact.")


def test_output_exercise_follows_the_task(app: App) -> None:
    page = app.open("?dataset=spiral&classes=3&hidden=4:tanh")
    app.wait("s => s.data && s.data.task === 'multiclass'")
    exercise = open_exercise(app, "output")
    answer(page, "sigmoid" if exercise["askLoss"] else "mse")
    expect(page.get_by_test_id("exercise-feedback")).to_have_text(
        "Not quite: try again, or show the answer.")
    answer(page, "cce" if exercise["askLoss"] else "softmax")
    expect(page.get_by_test_id("exercise-feedback")).to_have_text("Right.")
    page.get_by_test_id("exercise-solution-button").click()
    expect(page.get_by_test_id("exercise-solution")).to_contain_text("3 units")
