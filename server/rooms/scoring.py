"""A challenge's leaderboard, from the cards each student's process computed on its session."""

from __future__ import annotations

import math
from typing import Any

from server import protocol
from server.rooms.room import Student


def on_dataset(challenge: dict[str, Any], dataset: dict[str, Any] | None) -> bool:
    """The student's dataset has every field the challenge set."""
    if dataset is None:
        return False
    return all(dataset.get(key) == value for key, value in challenge["dataset"].items())


def eligible(challenge: dict[str, Any], card: dict[str, Any]) -> bool:
    """Within the budgets, on the challenge's dataset, with a score."""
    score = card.get(challenge["metric"])
    if score is None or not math.isfinite(score):
        return False
    max_params, max_epochs = challenge.get("max_params"), challenge.get("max_epochs")
    if max_params is not None and card["params"] > max_params:
        return False
    if max_epochs is not None and (card["epoch"] > max_epochs or card.get("imported")):
        return False  # an imported network's epochs are its file's word, not counted here
    return on_dataset(challenge, card.get("dataset"))


def leaderboard(challenge: dict[str, Any], students: list[Student],
                cards: dict[str, dict[str, Any]]) -> list[protocol.LeaderboardRow]:
    """Eligible students first, best score first (highest accuracy, or lowest loss), ties to
    fewer parameters, then earlier joins; then the others, in the same order where they have
    a score."""
    sign = -1.0 if challenge["metric"] == "test_accuracy" else 1.0

    def order(entry: tuple[Student, dict[str, Any]]) -> tuple[bool, float, int, float]:
        student, card = entry
        score = card.get(challenge["metric"])
        value = sign * score if score is not None and math.isfinite(score) else math.inf
        return (not eligible(challenge, card), value, card["params"], student.joined)

    entries = sorted(((s, cards[s.id]) for s in students if s.id in cards), key=order)
    return [protocol.LeaderboardRow(
        rank=rank, student=student.id, name=student.name,
        score=card.get(challenge["metric"]), params=card["params"], epoch=card["epoch"],
        eligible=eligible(challenge, card)) for rank, (student, card) in enumerate(entries, 1)]
