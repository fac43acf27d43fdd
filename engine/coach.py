"""The pitfall coach: spots the course's classic mistakes in a training session.

`advise(snapshot)` is pure and cheap (it reads at most the last HISTORY_LIMIT history entries)
and returns `Advice(code, params)`; the front end words each code in the reader's language.
Codes: symmetry, lr_too_high, no_nonlinearity, output_mismatch, loss_mismatch, underfitting,
overfitting, dead_relu. Params hold only str, int, float, bool and lists of them.
"""

import bisect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine import losses

CODES = (
    "symmetry", "lr_too_high", "no_nonlinearity", "output_mismatch", "loss_mismatch",
    "vanishing_gradient", "underfitting", "overfitting", "dead_relu",
)
HISTORY_LIMIT = 1000
"""Only the most recent entries are read, so a call costs the same at epoch 10 and 10⁶."""
OSCILLATION_WINDOW = 20
"""Entries of train loss examined for oscillation."""
OSCILLATION_UPS = 0.3
"""Oscillating: at least this share of steps go up ..."""
OSCILLATION_AMPLITUDE = 1.0
"""... and the rises add up to at least the window's mean loss (the noise of mini-batch SGD on
a hard problem stays below half of it; a learning rate 100 times too large goes above 4) ..."""
STALLED = 0.9
"""... which is still at least this share of the first loss: zigzags while learning are fine."""
DIVERGING_FACTOR = 3.0
"""Blowing up: the train loss is this many times the best seen so far (and above the start)."""
DEATH_WINDOW = 10
"""Dying fast: at least half of the ReLU neurons died within this many epochs of each other."""
MIN_EPOCHS = 100
"""Underfitting and a missing hidden layer are only judged after this many epochs ..."""
PLATEAU_EPOCHS = 50
"""... when the last PLATEAU_EPOCHS did not beat the best earlier accuracy by PLATEAU_GAIN."""
PLATEAU_GAIN = 0.02
UNDERFIT_ACCURACY = 0.8
"""Underfitting: training accuracy below this on a classification task."""
LINEAR_ENOUGH = 0.95
"""A network without hidden layers is fine if it reaches this training accuracy."""
OVERFIT_RISE = 0.1
"""Overfitting: the held-out loss is this share above its best (and NOISE_FLOOR of its first
value above it) ..."""
OVERFIT_PATIENCE = 20
"""... at least this many epochs after that best, while the training loss kept falling."""
NOISE_FLOOR = 0.15
"""A rise smaller than this share of the first loss in the history is noise."""
VANISHING_RATIO = 1.0
"""Vanishing gradient: ‖dW[1]‖ is below this share of ‖dW[L-1]‖ ..."""
VANISHING_DEPTH = 3
"""... in a network of at least this many sigmoid hidden layers, still underfitting."""
EXPLAINS = ("symmetry", "lr_too_high", "no_nonlinearity", "output_mismatch", "loss_mismatch",
            "vanishing_gradient", "dead_relu")
"""Causes of a poor fit more specific than the model's size: with any of them present,
underfitting is not advised."""
MISMATCHES = ("output_mismatch", "loss_mismatch")
"""A wrong output or loss explains a loss that climbs or zigzags better than the learning
rate does."""


@dataclass(frozen=True)
class Advice:
    """One pitfall: its stable code and the numbers the message shows."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """What the coach looks at; sizes [n0..nL], activations one name per layer 1..L.

    history: Trainer.history entries ({"epoch", "train_loss", "validation_loss", "test_loss",
    "train_accuracy", ...}, None when not applicable); dead: {l: [j]} from dead_neurons;
    died_at, first_epoch: from a DeadTracker; symmetric: from symmetric_layers;
    diverged: Trainer.diverged; grad_norms: {l: ‖dW[l]‖} from gradient_norms.
    """

    task: str
    sizes: Sequence[int]
    activations: Sequence[str]
    loss: str
    init: str = "xavier"
    learning_rate: float = 0.03
    history: Sequence[Mapping[str, Any]] = ()
    dead: Mapping[int, Sequence[int]] = field(default_factory=dict)
    died_at: Mapping[int, Mapping[int, int]] = field(default_factory=dict)
    first_epoch: int = 0
    symmetric: Sequence[int] = ()
    diverged: str | None = None
    grad_norms: Mapping[int, float] = field(default_factory=dict)
    recent: Mapping[str, Sequence[tuple[int, float]]] | None = None
    """The series of `history`, if the caller keeps them (see Series); else they are read."""

    @property
    def hidden(self) -> list[str]:
        return list(self.activations[:-1])

    @property
    def output(self) -> str:
        return self.activations[-1]

    @cached_property
    def series(self) -> Mapping[str, Sequence[tuple[int, float]]]:
        """{metric: [(epoch, value), ...]} over the recent history, skipping None and NaN."""
        if self.recent is not None:
            return self.recent
        out: dict[str, list[tuple[int, float]]] = {key: [] for key in METRICS}
        for i, entry in enumerate(self.history[-HISTORY_LIMIT:]):
            epoch = int(entry.get("epoch", i))
            for key, values in out.items():
                v = entry.get(key)
                if v is not None and math.isfinite(v):
                    values.append((epoch, float(v)))
        return out


METRICS = ("train_loss", "validation_loss", "test_loss", "train_accuracy",
           "validation_accuracy", "test_accuracy")


class Series:
    """Snapshot.series of a Trainer.history as it grows, updated from the entries added or
    replaced since the last call: a playing session's coach runs several times a second, and reading
    HISTORY_LIMIT entries each time cost more than the rest of its advice."""

    def __init__(self) -> None:
        self._history: Sequence[Mapping[str, Any]] | None = None
        self._count = 0
        """Entries of `_history` read."""
        self._last: Mapping[str, Any] | None = None
        """The entry last read (a history may replace its last entry)."""
        self._series: dict[str, list[tuple[int, float]]] = {key: [] for key in METRICS}
        self._index: dict[str, list[int]] = {key: [] for key in METRICS}
        """The history index of each point of `_series`."""

    def update(self, history: Sequence[Mapping[str, Any]]) -> Mapping[str, Sequence[tuple[
            int, float]]]:
        """The series of the last HISTORY_LIMIT entries of `history` (read-only lists)."""
        start = self._count
        if history is not self._history or len(history) < start:
            start = 0
        elif start and history[start - 1] is not self._last:
            start -= 1  # the last entry read was replaced
        self._drop(start)
        first = max(start, len(history) - HISTORY_LIMIT)
        for i in range(first, len(history)):
            entry = history[i]
            epoch = int(entry["epoch"])
            for key, values in self._series.items():
                v = entry.get(key)
                if v is not None and math.isfinite(v):
                    values.append((epoch, float(v)))
                    self._index[key].append(i)
        self._history, self._count = history, len(history)
        self._last = history[-1] if history else None
        self._trim(len(history) - HISTORY_LIMIT)
        return self._series

    def _drop(self, start: int) -> None:
        """Forget the points of entries from `start` on."""
        for key, index in self._index.items():
            cut = bisect.bisect_left(index, start)
            del index[cut:], self._series[key][cut:]

    def _trim(self, first: int) -> None:
        """Forget the points of entries before `first`."""
        for key, index in self._index.items():
            cut = bisect.bisect_left(index, first)
            if cut:
                del index[:cut], self._series[key][:cut]


def symmetry(snap: Snapshot) -> list[Advice]:
    """Neurons of a hidden layer all identical: they were not started from random weights."""
    if not snap.symmetric:
        return []
    return [Advice("symmetry", {"layers": [int(l) for l in snap.symmetric], "init": snap.init})]


def _oscillates(loss: list[float]) -> bool:
    window = loss[-OSCILLATION_WINDOW:]
    if len(window) < OSCILLATION_WINDOW // 2:
        return False
    steps = [b - a for a, b in zip(window, window[1:], strict=False)]
    rises = [s for s in steps if s > 0]
    mean = sum(window) / len(window)
    return (len(rises) >= OSCILLATION_UPS * len(steps)
            and sum(rises) >= OSCILLATION_AMPLITUDE * mean > 0 and mean >= STALLED * loss[0])


def _blows_up(loss: list[float]) -> bool:
    return len(loss) >= 2 and loss[-1] > DIVERGING_FACTOR * min(loss) and loss[-1] > loss[0]


def _fast_deaths(snap: Snapshot) -> int:
    """The most ReLU neurons that died within DEATH_WINDOW epochs (deaths at birth excluded)."""
    epochs = sorted(e for layer in snap.died_at.values() for e in layer.values()
                    if e > snap.first_epoch)
    best, start = 0, 0
    for end, e in enumerate(epochs):
        while e - epochs[start] > DEATH_WINDOW:
            start += 1
        best = max(best, end - start + 1)
    return best


def _relu_count(snap: Snapshot) -> int:
    return sum(n for n, g in zip(snap.sizes[1:-1], snap.hidden, strict=False) if g == "relu")


def lr_too_high(snap: Snapshot) -> list[Advice]:
    """The loss diverges, blows up or zigzags strongly, or ReLUs die en masse in a few epochs."""
    base = {"learning_rate": snap.learning_rate}
    if snap.diverged:
        return [Advice("lr_too_high", {**base, "reason": "diverged"})]
    loss = [v for _, v in snap.series["train_loss"]]
    if _blows_up(loss):
        return [Advice("lr_too_high", {**base, "reason": "diverging"})]
    if _oscillates(loss):
        return [Advice("lr_too_high", {**base, "reason": "oscillating"})]
    relus, died = _relu_count(snap), _fast_deaths(snap)
    if relus and died >= max(2, relus / 2):
        return [Advice("lr_too_high", {**base, "reason": "dying_relu", "count": died})]
    return []


def _plateau(snap: Snapshot) -> tuple[int, float] | None:
    """(epoch, training accuracy) if it has stopped improving after MIN_EPOCHS, else None."""
    acc = snap.series["train_accuracy"]
    if not acc or acc[-1][0] < MIN_EPOCHS:
        return None
    now, cut = acc[-1], acc[-1][0] - PLATEAU_EPOCHS
    recent, earlier = [v for e, v in acc if e > cut], [v for e, v in acc if e <= cut]
    # Against the best so far, not the last value: noisy SGD accuracy is not progress.
    if not earlier or max(recent) - max(earlier) >= PLATEAU_GAIN:
        return None
    return now


def no_nonlinearity(snap: Snapshot) -> list[Advice]:
    """Linear hidden layers collapse into one; no hidden layer at all stalls on curved data."""
    if snap.hidden and all(g == "linear" for g in snap.hidden):
        return [Advice("no_nonlinearity", {"reason": "linear_hidden", "layers": len(snap.hidden)})]
    if not snap.hidden and snap.task != "regression":
        stuck = _plateau(snap)
        if stuck is not None and stuck[1] < LINEAR_ENOUGH:
            return [Advice("no_nonlinearity", {"reason": "no_hidden", "accuracy": stuck[1]})]
    return []


def output_mismatch(snap: Snapshot) -> list[Advice]:
    """The last activation is not the course's for the task (sigmoid, softmax or linear)."""
    expected = losses.default_for(snap.task)[0]
    if snap.output == expected:
        return []
    return [Advice("output_mismatch",
                   {"task": snap.task, "output": snap.output, "expected": expected})]


def loss_mismatch(snap: Snapshot) -> list[Advice]:
    """The loss is not the course's for the task: bce (binary), cce (classes), mse (regression)."""
    expected = losses.default_for(snap.task)[1]
    if snap.loss == expected:
        return []
    return [Advice("loss_mismatch", {"task": snap.task, "loss": snap.loss, "expected": expected})]


def underfitting(snap: Snapshot) -> list[Advice]:
    """Training accuracy stuck low after MIN_EPOCHS: the model is too small or too constrained."""
    if snap.task == "regression" or snap.diverged:
        return []
    stuck = _plateau(snap)
    if stuck is None or stuck[1] >= UNDERFIT_ACCURACY:
        return []
    return [Advice("underfitting", {"accuracy": stuck[1], "epoch": stuck[0]})]


def vanishing_gradient(snap: Snapshot) -> list[Advice]:
    """Deep sigmoid layers still far from fitting after MIN_EPOCHS, whose first layer gets less
    gradient than the last: σ' ≤ 1/4 shrinks it at every layer on its way back."""
    sigmoids = sum(1 for g in snap.hidden if g == "sigmoid")
    first, last = snap.grad_norms.get(1), snap.grad_norms.get(len(snap.hidden))
    if sigmoids < VANISHING_DEPTH or not first or not last or snap.task == "regression":
        return []
    acc = snap.series["train_accuracy"]
    if not acc or acc[-1][0] < MIN_EPOCHS or acc[-1][1] >= UNDERFIT_ACCURACY \
            or first >= VANISHING_RATIO * last:
        return []
    return [Advice("vanishing_gradient", {"ratio": first / last, "layers": len(snap.hidden),
                                          "accuracy": acc[-1][1], "epoch": acc[-1][0]})]


def _fits(snap: Snapshot) -> bool:
    """A classifier fits its training data (one that does not is not overfitting it)."""
    train = snap.series["train_accuracy"]
    return bool(train) and train[-1][1] >= UNDERFIT_ACCURACY


def overfitting(snap: Snapshot) -> list[Advice]:
    """Held-out loss rising from its best while the training loss keeps falling (and, for a
    classifier, the training data fitted)."""
    key = "validation_loss" if snap.series["validation_loss"] else "test_loss"
    if snap.task != "regression" and not _fits(snap):
        return []
    held = dict(snap.series[key])
    train = dict(snap.series["train_loss"])
    epochs = [e for e in held if e in train]
    if not epochs:
        return []
    best = min(epochs, key=lambda e: held[e])
    now = epochs[-1]
    rise = held[now] - held[best]
    if now - best < OVERFIT_PATIENCE or rise <= max(OVERFIT_RISE * held[best],
                                                    NOISE_FLOOR * held[epochs[0]]):
        return []
    if train[now] >= train[best] or held[now] - train[now] <= held[best] - train[best]:
        return []
    return [Advice("overfitting", {"best_epoch": best, "split": key.removesuffix("_loss"),
                                   "best_loss": held[best], "loss": held[now]})]


def dead_relu(snap: Snapshot) -> list[Advice]:
    """One advice per hidden layer that has dead ReLU neurons."""
    return [
        Advice("dead_relu", {"layer": int(l), "count": len(js), "total": int(snap.sizes[l]),
                             "neurons": [int(j) for j in js]})
        for l, js in sorted(snap.dead.items()) if js
    ]


DETECTORS: dict[str, Callable[[Snapshot], list[Advice]]] = {
    "symmetry": symmetry, "lr_too_high": lr_too_high, "no_nonlinearity": no_nonlinearity,
    "output_mismatch": output_mismatch, "loss_mismatch": loss_mismatch,
    "vanishing_gradient": vanishing_gradient, "underfitting": underfitting,
    "overfitting": overfitting, "dead_relu": dead_relu,
}


def advise(snap: Snapshot) -> list[Advice]:
    """Every pitfall present in the session, in the order of CODES, less the advice a more
    specific cause explains (see EXPLAINS and MISMATCHES)."""
    found = [advice for code in CODES for advice in DETECTORS[code](snap)]
    present = {advice.code for advice in found}
    withheld: set[str] = set()
    if present & set(MISMATCHES):
        withheld |= {"lr_too_high", "overfitting"}
    if "lr_too_high" in present - withheld:
        withheld.add("overfitting")
    if present & (set(EXPLAINS) - withheld):
        withheld.add("underfitting")
    return [advice for advice in found if advice.code not in withheld]
