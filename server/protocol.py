"""The websocket protocol, version 2: every message as a pydantic model (the single schema).

Client messages are validated by these models; server messages are built from them. The unions
are discriminated on `type`. `docs/protocol.md` explains them; `json_schema()` publishes them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    WithJsonSchema,
)

from engine.registry import lookup
from server import limits
from server.names import (
    ACTIVATIONS,
    DATASETS,
    FEATURES,
    HIDDEN_ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
)

PROTOCOL_VERSION = 2

Int = Annotated[int, Strict()]
"""An integer: JSON true, 2.0 or "2" are not one (pydantic's lax mode would take them)."""
Float = Annotated[float, Strict()]
"""A number: a JSON integer is fine, true is not (pydantic's lax mode would take it as 1)."""
Bool = Annotated[bool, Strict()]
"""true or false: not 1, "yes" or "true"."""


def _message_id(value: Any) -> Any:
    """A string of at most MAX_ID_LENGTH characters (text: no lone UTF-16 surrogate such as
    JSON "\\ud800", which could not be echoed), an integer a JavaScript number holds, or null."""
    if value is None:
        return value
    if isinstance(value, str):
        if len(value) > limits.MAX_ID_LENGTH:
            raise ValueError(f"at most {limits.MAX_ID_LENGTH} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a lone UTF-16 surrogate is not text") from None
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > limits.MAX_ID_INT:
            raise ValueError(f"an integer of at most {limits.MAX_ID_INT} in size")
        return value
    raise ValueError("a string, an integer or null")


MessageId = Annotated[
    str | int | None,
    BeforeValidator(_message_id),
    Field(description=f"echoed in every reply: a string of at most {limits.MAX_ID_LENGTH} "
          f"characters or an integer of at most {limits.MAX_ID_INT} in size"),
]


def _valid(kind: str, names: tuple[str, ...]) -> AfterValidator:
    """Restricts a string to one engine registry's keys (an error lists the valid ones)."""
    table = {name: name for name in names}
    return AfterValidator(lambda value: lookup(table, value, kind))


def _enum(names: tuple[str, ...]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(names)})


OUTPUT_ACTIVATIONS = ("auto", *ACTIVATIONS)
OUTPUT_LOSSES = ("auto", *LOSSES)
ActivationName = Annotated[str, _valid("activation", ACTIVATIONS), _enum(ACTIVATIONS)]
HiddenActivationName = Annotated[
    str, _valid("hidden activation", HIDDEN_ACTIVATIONS), _enum(HIDDEN_ACTIVATIONS)
]
OutputActivationName = Annotated[
    str, _valid("output activation", OUTPUT_ACTIVATIONS), _enum(OUTPUT_ACTIVATIONS)
]
LossName = Annotated[str, _valid("loss", LOSSES), _enum(LOSSES)]
OutputLossName = Annotated[str, _valid("loss", OUTPUT_LOSSES), _enum(OUTPUT_LOSSES)]
InitName = Annotated[str, _valid("initializer", INITIALIZERS), _enum(INITIALIZERS)]
OptimizerName = Annotated[str, _valid("optimizer", OPTIMIZERS), _enum(OPTIMIZERS)]
DatasetName = Annotated[str, _valid("dataset", DATASETS), _enum(DATASETS)]
FeatureName = Annotated[str, _valid("feature", FEATURES), _enum(FEATURES)]
Task = Literal["binary", "multiclass", "regression"]
Seed = Annotated[Int, Field(ge=0, le=limits.MAX_SEED)]


def _narrow(layers: list[Any]) -> list[Any]:
    """Only a single hidden layer may be wider than MAX_UNITS (see limits.MAX_WIDE_UNITS)."""
    if len(layers) > 1:
        for i, layer in enumerate(layers):
            if layer.units > limits.MAX_UNITS:
                raise ValueError(
                    f"layer {i} has {layer.units} neurons: with {len(layers)} hidden layers each "
                    f"has at most {limits.MAX_UNITS} (one hidden layer alone may have up to "
                    f"{limits.MAX_WIDE_UNITS})")
    return layers


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("features must not repeat")
    return values


class ClientModel(BaseModel):
    """Unknown fields and non-finite numbers are errors in everything a client sends."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# ---------------------------------------------------------------------------------------- config


class DatasetConfig(ClientModel):
    name: DatasetName = "circle"
    points: Int = Field(default=500, ge=limits.MIN_POINTS, le=limits.MAX_POINTS)
    noise: Float = Field(
        default=0.0, ge=0, le=limits.MAX_NOISE,
        description="0 to 1 (TF Playground's slider stops at 0.5)",
    )
    classes: Int = Field(default=2, ge=limits.MIN_CLASSES, le=limits.MAX_CLASSES)
    train_fraction: Float = Field(default=0.5, gt=0, lt=1)
    validation_fraction: Float = Field(default=0.2, ge=0, lt=1)
    seed: Seed = 1


class HiddenLayer(ClientModel):
    units: Int = Field(default=4, ge=1, le=limits.MAX_WIDE_UNITS, description="at most "
                       f"{limits.MAX_UNITS}, or {limits.MAX_WIDE_UNITS} in a network of one "
                       "hidden layer")
    activation: HiddenActivationName = "tanh"
    batch_norm: Bool = Field(
        default=False, description="batch normalization before the activation: "
        "γ (Z - μ) / √(σ² + ε) + β, with the batch's μ and σ² while training, their running "
        "averages for the grids and the metrics")


class OutputConfig(ClientModel):
    activation: OutputActivationName = "auto"
    loss: OutputLossName = "auto"
    resolved_activation: ActivationName | None = Field(
        default=None, description="set by the server: what `auto` picked (ignored when sent)"
    )
    resolved_loss: LossName | None = Field(
        default=None, description="set by the server: what `auto` picked (ignored when sent)"
    )


class OptimizerConfig(ClientModel):
    name: OptimizerName = "sgd"
    learning_rate: Float = Field(
        default=0.03, ge=limits.MIN_LEARNING_RATE, le=limits.MAX_LEARNING_RATE
    )
    batch_size: Int = Field(default=10, ge=1, le=limits.MAX_BATCH_SIZE)
    momentum: Float = Field(default=0.9, ge=0, lt=1)
    beta1: Float = Field(default=0.9, ge=0, lt=1)
    beta2: Float = Field(default=0.999, ge=0, lt=1)


class RegularizationConfig(ClientModel):
    kind: Literal["none", "l1", "l2"] = "none"
    rate: Float = Field(default=0.0, ge=0, le=limits.MAX_REG_RATE)


DEFAULT_EPOCHS_PER_SECOND = 30.0
"""The default network gets 95 % of the test points right in 24 to 80 epochs (8 seeds), under
3 s at this pace (server.experiments.FIRST_SIGHT holds it to 150 epochs, 5 s)."""


class ViewConfig(ClientModel):
    resolution: Int = Field(default=100, ge=limits.MIN_RESOLUTION, le=limits.MAX_RESOLUTION)
    neuron_resolution: Int = Field(
        default=16, ge=limits.MIN_NEURON_RESOLUTION, le=limits.MAX_NEURON_RESOLUTION
    )
    fps: Int = Field(default=30, ge=1, le=limits.MAX_FPS)
    epochs_per_second: Float = Field(
        default=DEFAULT_EPOCHS_PER_SECOND, ge=0, le=limits.MAX_EPOCHS_PER_SECOND,
        description="0 = as fast as possible; the default lets a class watch the default "
                    "network learn the default data in a few seconds",
    )


class StoppingConfig(ClientModel):
    patience: Int = Field(
        default=0, ge=0, le=limits.MAX_STEP_EPOCHS,
        description="stop training when the validation loss has not improved for this many "
        "epochs (0: never stop early)",
    )


def _default_hidden() -> list[HiddenLayer]:
    return [HiddenLayer(units=4), HiddenLayer(units=4)]


class Config(ClientModel):
    """A session's whole configuration. Every field has a default: any subset is a valid update."""

    dataset: DatasetConfig = Field(default_factory=lambda: DatasetConfig())
    features: Annotated[
        list[FeatureName], Field(min_length=1), AfterValidator(_unique)
    ] = Field(default_factory=lambda: ["x1", "x2"])
    hidden: Annotated[list[HiddenLayer], AfterValidator(_narrow)] = Field(
        default_factory=_default_hidden, max_length=limits.MAX_HIDDEN_LAYERS
    )
    output: OutputConfig = Field(default_factory=lambda: OutputConfig())
    init: InitName = "xavier"
    optimizer: OptimizerConfig = Field(default_factory=lambda: OptimizerConfig())
    regularization: RegularizationConfig = Field(default_factory=lambda: RegularizationConfig())
    stopping: StoppingConfig = Field(default_factory=lambda: StoppingConfig())
    standardize: Bool = Field(
        default=False, description="standardize the network's inputs: each feature minus its "
        "mean, divided by its standard deviation, both measured on the training split")
    seed: Seed = 1
    view: ViewConfig = Field(default_factory=lambda: ViewConfig())


# ------------------------------------------------------------------------------- export payload


class ExportedNorm(ClientModel):
    """A normalized layer's learned γ, β and running mean and variance, each a flat list."""

    gamma: list[Float]
    beta: list[Float]
    running_mean: list[Float]
    running_var: list[Float]


class ExportedModel(ClientModel):
    """The network's parameters: `W[l-1]` is W[l] as rows, `b[l-1]` is b[l] as a flat list."""

    sizes: list[Annotated[Int, Field(ge=1, le=limits.MAX_LAYER_SIZE)]] = Field(
        min_length=2, max_length=limits.MAX_HIDDEN_LAYERS + 2)
    activations: list[ActivationName]
    W: list[list[list[Float]]]
    b: list[list[Float]]
    batch_norm: list[ExportedNorm | None] | None = Field(
        default=None, description="per layer, its batch normalization or null (left out: none)")


class ExportedData(ClientModel):
    """The session's points in generation order; the split is recomputed from the config."""

    task: Task
    classes: Int = Field(ge=1, le=limits.MAX_CLASSES)
    points: list[tuple[Float, Float, Float]] = Field(
        min_length=1, max_length=limits.MAX_POINTS, description="[x1, x2, label]"
    )


class ExportPayload(ClientModel):
    format: Literal["nn-playground"] = "nn-playground"
    version: Literal[1] = 1
    epoch: Int = Field(default=0, ge=0, le=limits.MAX_EPOCH)
    config: Config
    model: ExportedModel
    data: ExportedData | None = Field(
        default=None,
        description="left out (a shorter link), a generated dataset is regenerated from config",
    )


# ------------------------------------------------------------------------------ client messages


class ConfigureMessage(ClientModel):
    type: Literal["configure"]
    id: MessageId = None
    config: Config = Field(description="full or partial: only the fields sent are merged")


class PlayMessage(ClientModel):
    type: Literal["play"]
    id: MessageId = None


class PauseMessage(ClientModel):
    type: Literal["pause"]
    id: MessageId = None


class StepMessage(ClientModel):
    type: Literal["step"]
    id: MessageId = None
    epochs: Int = Field(default=1, ge=1, le=limits.MAX_STEP_EPOCHS)


class ResetMessage(ClientModel):
    type: Literal["reset"]
    id: MessageId = None


class SetWeightMessage(ClientModel):
    """Sets W[layer][row, col], or b[layer][row] when `bias` is true."""

    type: Literal["set_weight"]
    id: MessageId = None
    layer: Int = Field(ge=1)
    row: Int = Field(ge=0)
    col: Int | None = Field(default=None, ge=0)
    bias: Bool = False
    value: Float = Field(ge=-1000, le=1000)


class AddPointsMessage(ClientModel):
    """Custom data: `points` ([[x1, x2, label], ...]) or `csv` text with lines `x1,x2,label`."""

    type: Literal["add_points"]
    id: MessageId = None
    points: list[tuple[Float, Float, Float]] | None = Field(
        default=None, max_length=limits.MAX_POINTS
    )
    csv: str | None = None
    task: Task | None = Field(default=None, description="default: the current task")
    classes: Int | None = Field(default=None, ge=limits.MIN_CLASSES, le=limits.MAX_CLASSES)
    replace: Bool = Field(default=False, description="true: replace the data; false: add to it")


class ExportMessage(ClientModel):
    type: Literal["export"]
    id: MessageId = None
    code: Literal["numpy", "keras"] | None = Field(
        default=None, description="also write the session as a Python script: numpy (the "
        "course's notation, the playground's predictions to rounding) or keras (Keras 3)")


class ImportMessage(ClientModel):
    type: Literal["import"]
    id: MessageId = None
    data: ExportPayload


class ReviveMessage(ClientModel):
    """Bring dead ReLU neurons back, keeping every other weight and the epoch."""

    type: Literal["revive"]
    id: MessageId = None
    rule: Literal["redraw", "leaky"] = Field(
        default="redraw", description="redraw: new incoming weights for each dead neuron "
        "(He), its outgoing weights 0, the learning rate divided by 10; leaky: every ReLU "
        "hidden layer to Leaky ReLU, every weight kept")


class InspectMessage(ClientModel):
    type: Literal["inspect"]
    id: MessageId = None
    sample_limit: Int = Field(default=4, ge=1, le=limits.MAX_INSPECT_SAMPLES)


class TimeForwardMessage(ClientModel):
    """Time the course's two forward passes on the current network and training points."""

    type: Literal["time_forward"]
    id: MessageId = None


ExerciseKind = Literal["shapes", "params", "forward", "output"]
"""The page's exercises (web/exercises.js): shapes of W, b, Z, A; parameter counts; a forward
pass by hand; the output activation or loss for the task."""


class ExerciseAnswerMessage(ClientModel):
    """The student checked an answer to the exercise a room pushed (`exercise`: its id): the
    verdict shows, counted, on the teacher's page (no reply)."""

    type: Literal["exercise_answer"]
    id: MessageId = None
    exercise: str = Field(min_length=1, max_length=32)
    verdict: Literal["right", "wrong"]


class AckMessage(ClientModel):
    """The client has drawn frame `frame` (and so every frame before it): the server sends
    a new periodic frame only while fewer than 2 frames wait for this (no reply)."""

    type: Literal["ack"]
    id: MessageId = None
    frame: Int = Field(ge=0, description="the `seq` of the latest frame the client drew")


class VisibilityMessage(ClientModel):
    """The page is shown (`visible`) or hidden (a background tab, a minimized window): while
    hidden, training goes on and frames come once a second, enough to keep the loss history
    whole, at a thirtieth of the cost (no reply)."""

    type: Literal["visibility"]
    id: MessageId = None
    visible: Bool = Field(description="false while no one can see the page")


# ------------------------------------------------------------------------------ search messages

SEARCH_METHODS = ("grid", "random", "local", "bayesian")
SEARCH_PRESETS = ("course-grid", "seeds", "same-start", "same-start-optimizers")
SEARCH_FIELDS = ("learning_rate", "optimizer", "batch_size", "layers", "units", "activation",
                 "init", "regularization", "reg_rate", "features", "seed")


SearchField = Literal["learning_rate", "optimizer", "batch_size", "layers", "units",
                      "activation", "init", "regularization", "reg_rate", "features", "seed"]
SearchNumber = Annotated[Float, Field(ge=-limits.MAX_SEARCH_NUMBER, le=limits.MAX_SEARCH_NUMBER)]
SearchInt = Annotated[Int, Field(ge=-limits.MAX_SEED, le=limits.MAX_SEED)]
SearchText = Annotated[str, Strict(), Field(max_length=limits.MAX_SEARCH_TEXT)]
FeatureSet = Annotated[list[SearchText], Field(min_length=1, max_length=len(FEATURES))]


class SearchRange(ClientModel):
    """low..high of a numeric field: random and bayesian search sample anywhere in it; grid
    and local search use `steps` evenly spaced values (log: evenly spaced exponents)."""

    low: SearchNumber
    high: SearchNumber
    log: Bool = False
    steps: Int = Field(default=5, ge=2, le=100)


def _value_kind(value: Any) -> str:
    """Which kind of search value this is (true and false are no numbers: an integer's
    check refuses them)."""
    if isinstance(value, float):
        return "<number>"
    if isinstance(value, int):
        return "<integer>"
    return "<features>" if isinstance(value, list) else "<text>"


SearchValue = Annotated[
    Annotated[SearchInt, Tag("<integer>")] | Annotated[SearchNumber, Tag("<number>")]
    | Annotated[SearchText, Tag("<text>")] | Annotated[FeatureSet, Tag("<features>")],
    Discriminator(_value_kind),
]
SearchValues = Annotated[list[SearchValue], Field(min_length=1,
                                                  max_length=limits.MAX_SEARCH_VALUES)]
SearchDimension = Annotated[
    Annotated[SearchValues, Tag("<values>")] | Annotated[SearchRange, Tag("<range>")],
    Discriminator(lambda value: "<range>" if isinstance(value, dict | SearchRange)
                  else "<values>"),
    Field(description=f"the values to try (at most {limits.MAX_SEARCH_VALUES}; features: "
          "lists of feature names), or a range"),
]
"""A union whose member each value picks by its JSON kind: an error names the field's own
path (`space.layers.low`), never the union's members (the tags, in <>, are left out)."""


class SearchStartMessage(ClientModel):
    """Start a hyperparameter search over the session's current config and data: each trial
    trains a copy in a worker process and is scored on the validation split. Its cost is
    estimated before it starts (engine.search.work) and must stay within
    max_search_seconds, each trial within max_trial_seconds."""

    type: Literal["search_start"]
    id: MessageId = None
    method: Literal["grid", "random", "local", "bayesian"] = "grid"
    preset: Literal["course-grid", "seeds", "same-start", "same-start-optimizers"] | None = \
        Field(default=None, description="a ready-made space (default course-grid without space)")
    space: dict[SearchField, SearchDimension] | None = Field(
        default=None, description=f"field -> values or range; fields: {', '.join(SEARCH_FIELDS)}")
    trials: Int = Field(default=60, ge=1, le=limits.MAX_SEARCH_TRIALS)
    epochs: Int = Field(default=100, ge=1, le=limits.MAX_SEARCH_EPOCHS)
    objective: Literal["loss", "accuracy"] = Field(
        default="loss", description="validation loss (minimized) or accuracy (maximized)")
    seed: Seed = Field(default=0, description="the sampler's seed")


class SearchStopMessage(ClientModel):
    type: Literal["search_stop"]
    id: MessageId = None


class SearchLoadMessage(ClientModel):
    """Load a finished trial of the session's last search: its config and final weights."""

    type: Literal["search_load"]
    id: MessageId = None
    trial: Int = Field(ge=0, le=limits.MAX_ID_INT)


# ------------------------------------------------------------------------------- room messages

ROOM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""A room code's letters: no 0/O, 1/I/L, which a class reads off a projector by mistake."""
ROOM_CODE_LENGTH = 6
MAX_ROOM_TITLE = 80
MAX_STUDENT_NAME = 40
MAX_ROOM_KEY = 64
LOCKABLE_CONTROLS = ("dataset", "features", "layers", "activation", "learning_rate",
                     "optimizer", "init", "regularization", "output", "data_edit",
                     "experiments")
"""The controls a teacher can lock (the page disables them; the server refuses changes)."""
LockableControl = Literal["dataset", "features", "layers", "activation", "learning_rate",
                          "optimizer", "init", "regularization", "output", "data_edit",
                          "experiments"]
ChallengeMetric = Literal["test_accuracy", "test_loss"]
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                                 r"\u2066-\u2069]")


MAX_COMBINING = 2
"""Combining marks kept on one character (a Vietnamese letter has two; a pile of forty
covers the lines around it)."""
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")
"""Fillers and joiners that draw nothing though not of the format category."""


def plain_text(value: str) -> str:
    """Text a name or a title may hold: NFC, without control, format (invisible: zero-width
    spaces and joiners, byte-order marks, bidirectional controls, tag characters) or
    filler characters, at most MAX_COMBINING combining marks on a character, spaces
    collapsed and trimmed."""
    out: list[str] = []
    marks = 0
    for char in unicodedata.normalize("NFC", _CONTROL_CHARACTERS.sub(" ", value)):
        category = unicodedata.category(char)
        if category in ("Cf", "Cc", "Cs", "Co", "Cn") or char in _INVISIBLE:
            continue
        if category in ("Mn", "Me"):
            marks += 1
            if marks > MAX_COMBINING or not out:
                continue
        else:
            marks = 0
        out.append(" " if category in ("Zs", "Zl", "Zp") else char)
    return " ".join("".join(out).split())


_TEACHER_NAMES = re.compile(r"^(teacher|professeur|professeure|prof|enseignant|enseignante)"
                            r"(\s*\(.*\))?$", re.IGNORECASE)


def _not_the_teacher(value: Any) -> Any:
    if isinstance(value, str) and _TEACHER_NAMES.match(value):
        raise ValueError("this name is the teacher's; pick your own")
    return value


def _room_code(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().upper()
        if len(value) != ROOM_CODE_LENGTH or any(c not in ROOM_CODE_ALPHABET for c in value):
            raise ValueError(f"a room code is {ROOM_CODE_LENGTH} characters from "
                             f"{ROOM_CODE_ALPHABET}")
    return value


def _plain(limit: int, minimum: int) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            value = plain_text(value)
            if len(value) < minimum:
                raise ValueError("must not be empty")
            if len(value) > limit:
                raise ValueError(f"at most {limit} characters")
        return value
    return BeforeValidator(check)


RoomCode = Annotated[str, BeforeValidator(_room_code), Field(
    description=f"{ROOM_CODE_LENGTH} characters from {ROOM_CODE_ALPHABET} (case-insensitive)",
    pattern=f"^[{ROOM_CODE_ALPHABET}]{{{ROOM_CODE_LENGTH}}}$")]
RoomKey = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_ROOM_KEY,
                                         description="the teacher's key from room_created")]
RoomTitle = Annotated[str, _plain(MAX_ROOM_TITLE, 0), Field(
    max_length=MAX_ROOM_TITLE, description="plain text: control characters are dropped")]
StudentName = Annotated[str, AfterValidator(_not_the_teacher), _plain(MAX_STUDENT_NAME, 1),
                        Field(
    min_length=1, max_length=MAX_STUDENT_NAME,
    description="plain text, trimmed: control characters are dropped")]
StudentId = Annotated[str, Strict(), Field(min_length=1, max_length=32)]


class RoomCreateMessage(ClientModel):
    """Open a room (this socket becomes its teacher socket); with `code` and `key`: resume a
    room this teacher opened before (e.g. after a reload)."""

    type: Literal["room_create"]
    id: MessageId = None
    title: RoomTitle | None = None
    code: RoomCode | None = Field(default=None, description="resume: the room's code")
    key: RoomKey | None = Field(default=None, description="resume: the room's key")


class RoomJoinMessage(ClientModel):
    type: Literal["room_join"]
    id: MessageId = None
    code: RoomCode
    name: StudentName


class RoomLeaveMessage(ClientModel):
    type: Literal["room_leave"]
    id: MessageId = None


class RoomPushMessage(ClientModel):
    """Send every student an experiment (by name, optionally one of its variants by label), a
    partial config or an exercise: exactly one of `experiment`, `config` and `exercise`."""

    type: Literal["room_push"]
    id: MessageId = None
    key: RoomKey
    experiment: str | None = Field(default=None, max_length=80,
                                   description="an experiment's name (catalog `experiments`)")
    variant: str | None = Field(default=None, max_length=80,
                                description="the label of one of the experiment's variants")
    config: Config | None = Field(default=None, description="a partial config")
    exercise: ExerciseKind | None = Field(
        default=None, description="an exercise of this kind: each student gets one drawn from "
        "their own network (the same seed for all), and the gallery cards say who answered")


class RoomLockMessage(ClientModel):
    type: Literal["room_lock"]
    id: MessageId = None
    key: RoomKey
    controls: list[LockableControl] = Field(max_length=len(LOCKABLE_CONTROLS),
                                            description="[] unlocks every control")


class RoomSpotlightMessage(ClientModel):
    type: Literal["room_spotlight"]
    id: MessageId = None
    key: RoomKey
    student: StudentId | None = Field(description="null ends the spotlight")


class RoomHideMessage(ClientModel):
    type: Literal["room_hide"]
    id: MessageId = None
    key: RoomKey
    student: StudentId
    hidden: Bool


class RoomRemoveMessage(ClientModel):
    type: Literal["room_remove"]
    id: MessageId = None
    key: RoomKey
    student: StudentId


class RoomChallengeMessage(ClientModel):
    """Start a challenge (its dataset is pushed to every student) or, with `stop`, end it."""

    type: Literal["room_challenge"]
    id: MessageId = None
    key: RoomKey
    dataset: DatasetConfig | None = Field(default=None, description="a partial dataset config")
    max_params: Int | None = Field(default=None, ge=1)
    max_epochs: Int | None = Field(default=None, ge=1, le=limits.MAX_EPOCH)
    metric: ChallengeMetric = "test_accuracy"
    title: RoomTitle | None = None
    stop: Bool = False


class RoomCloseMessage(ClientModel):
    type: Literal["room_close"]
    id: MessageId = None
    key: RoomKey


ClientMessage = Annotated[
    ConfigureMessage
    | PlayMessage
    | PauseMessage
    | StepMessage
    | ResetMessage
    | SetWeightMessage
    | AddPointsMessage
    | ExportMessage
    | ImportMessage
    | ReviveMessage
    | InspectMessage
    | TimeForwardMessage
    | AckMessage
    | VisibilityMessage
    | ExerciseAnswerMessage
    | SearchStartMessage
    | SearchStopMessage
    | SearchLoadMessage
    | RoomCreateMessage
    | RoomJoinMessage
    | RoomLeaveMessage
    | RoomPushMessage
    | RoomLockMessage
    | RoomSpotlightMessage
    | RoomHideMessage
    | RoomRemoveMessage
    | RoomChallengeMessage
    | RoomCloseMessage,
    Field(discriminator="type"),
]

CLIENT_MESSAGES: dict[str, type[ClientModel]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(ClientMessage)[0])
}
"""Each client message's model by its `type`, in the union's order."""

# ------------------------------------------------------------------------------ server messages

State = Literal["playing", "paused", "diverged"]
ErrorCode = Literal[
    "bad_json", "unknown_type", "invalid", "too_large", "bad_data", "not_applicable",
    "too_many_sessions", "internal", "room_not_found", "room_full", "room_limit",
    "room_client_limit", "rate_limited", "forbidden", "not_in_room", "rooms_unavailable",
]


class ServerModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HelloMessage(ServerModel):
    type: Literal["hello"] = "hello"
    protocol: Literal[2] = 2
    version: str = Field(description="the server's package version, as `playground --version`")
    session: str
    limits: dict[str, int | float]
    catalog: dict[str, Any] = Field(description="the same as GET /api/catalog")
    config: Config


class ConfigMessage(ServerModel):
    type: Literal["config"] = "config"
    id: MessageId = None
    config: Config


class PointSet(ServerModel):
    x1: list[float]
    x2: list[float]
    label: list[float]


class DataMessage(ServerModel):
    type: Literal["data"] = "data"
    id: MessageId = None
    task: Task
    classes: int
    domain: tuple[float, float, float, float] = Field(description="x1min, x1max, x2min, x2max")
    train: PointSet
    validation: PointSet
    test: PointSet


class StatusMessage(ServerModel):
    type: Literal["status"] = "status"
    id: MessageId = None
    state: State
    epoch: int
    message: str | None = None
    stopped_epoch: int | None = Field(
        default=None, description="set when training stopped early (config.stopping): the "
        "epoch it stopped at; the best validation epoch is `patience` epochs or more before",
    )


class ErrorMessage(ServerModel):
    type: Literal["error"] = "error"
    id: MessageId = None
    code: ErrorCode
    message: str
    field: str | None = Field(description="dotted path of the offending field, e.g. config.seed")


class ExportReply(ServerModel):
    type: Literal["export"] = "export"
    id: MessageId = None
    data: ExportPayload
    code: str | None = Field(default=None, description="the script asked for by `code`")


class Matrix(ServerModel):
    shape: list[int]
    values: list[list[float]]


class InspectedNorm(ServerModel):
    """A normalized layer's step: Z̃ = γ Ẑ + β, Ẑ = (Z - μ)/σ, σ = √(σ² + ε), with the inspected
    points' μ, σ²; dγ, dβ its gradients (A = g(Z̃), and the dZ shown is after the chain rule
    through Ẑ)."""

    gamma: Matrix
    beta: Matrix
    mu: Matrix
    sigma: Matrix
    Z_tilde: Matrix
    dgamma: Matrix
    dbeta: Matrix


class InspectedLayer(ServerModel):
    l: int
    activation: str
    W: Matrix
    b: Matrix
    Z: Matrix
    A: Matrix
    dZ: Matrix
    dW: Matrix
    db: Matrix
    batch_norm: InspectedNorm | None = Field(
        default=None, description="the layer's batch normalization (null: none)")


class InspectionMessage(ServerModel):
    type: Literal["inspection"] = "inspection"
    id: MessageId = None
    loss: str
    cost: float
    X: Matrix
    Y: Matrix
    Y_hat: Matrix
    layers: list[InspectedLayer]


class ForwardTimingMessage(ServerModel):
    """The reply to `time_forward`: the course's forwardPassIterative (a loop over the
    training examples, one matrix-vector product per layer each) against the vectorized pass
    (one matrix product per layer for all of them), each the best of a few runs."""

    type: Literal["forward_timing"] = "forward_timing"
    id: MessageId = None
    examples: int = Field(description="training points both passes computed Ŷ for (the first "
                          "250 at most)")
    loop_ms: float
    vectorized_ms: float
    max_difference: float = Field(description="max |Ŷ_loop - Ŷ_vectorized|")


class SearchTrialMessage(ServerModel):
    """One finished trial (in the order they finish, which may differ from `trial`)."""

    type: Literal["search_trial"] = "search_trial"
    search: int = Field(description="the session's search number (1, 2, ...)")
    trial: int
    config: dict[str, Any] = Field(description="the trial's fields, as in a search space")
    seed: int
    epochs: int = Field(description="epochs trained (fewer when it diverged)")
    val_loss: float | None
    val_accuracy: float | None
    train_loss: float | None
    train_accuracy: float | None
    score: float | None = Field(description="the objective's value (None: diverged)")
    diverged: str | None
    params: int
    seconds: float
    curve: list[tuple[int, float | None]] = Field(description="[epoch, validation loss]")
    thumbnail: str = Field(description="base64 of 32x32 bytes, row 0 on top: 255·ŷ (binary), "
                           "255·(ŷ+1)/2 (regression) or the class index (multiclass)")


class SearchBest(ServerModel):
    trial: int
    score: float


class SearchProgressMessage(ServerModel):
    type: Literal["search_progress"] = "search_progress"
    id: MessageId = None
    search: int
    state: Literal["running", "done", "stopped", "failed"]
    method: str
    objective: Literal["loss", "accuracy"]
    done: int
    total: int
    elapsed: float
    remaining: float | None = Field(description="estimated seconds left")
    best: SearchBest | None
    test_loss: float | None = Field(default=None, description="the best trial's, at the end")
    test_accuracy: float | None = None
    message: str | None = None


class RoomLimits(ServerModel):
    students: int = Field(description="students a room holds at most")


class RoomCreatedMessage(ServerModel):
    type: Literal["room_created"] = "room_created"
    id: MessageId = None
    code: str
    key: str = Field(description="the teacher's key: keep it in the page (never in a URL)")
    title: str
    join_path: str = Field(description="the students' page: /?room=CODE")
    limits: RoomLimits


class Challenge(ServerModel):
    title: str = Field(description="the teacher's title, empty when untitled")
    dataset: dict[str, Any] = Field(description="the partial dataset config of the challenge")
    max_params: int | None
    max_epochs: int | None
    metric: ChallengeMetric
    started: float = Field(description="unix seconds")


class RoomJoinedMessage(ServerModel):
    type: Literal["room_joined"] = "room_joined"
    id: MessageId = None
    code: str
    title: str
    student: str = Field(description="this student's id in the room")
    name: str
    locks: list[LockableControl]
    challenge: Challenge | None


class RoomLeftMessage(ServerModel):
    type: Literal["room_left"] = "room_left"
    id: MessageId = None
    code: str


class PushedExercise(ServerModel):
    id: str = Field(description="answers name it (`exercise_answer`, the cards' `exercise`)")
    kind: ExerciseKind
    seed: int = Field(description="the page draws the exercise with this seed")


class RoomAckMessage(ServerModel):
    type: Literal["room_ack"] = "room_ack"
    id: MessageId = None
    action: Literal["push", "lock", "spotlight", "hide", "remove", "challenge", "close"]
    delivered: int | None = Field(default=None, description="push: the students sent to")
    exercise: PushedExercise | None = Field(default=None,
                                            description="push of an exercise: the one sent")


class CardExercise(ServerModel):
    id: str
    verdict: Literal["right", "wrong"] = Field(description="right once any answer was right")
    tries: int


class StudentCard(ServerModel):
    id: str
    name: str
    hidden: bool
    epoch: int
    train_loss: float | None
    val_loss: float | None
    val_accuracy: float | None
    test_loss: float | None
    test_accuracy: float | None
    params: int
    dead: int = Field(description="dead hidden neurons")
    advice: list[str] = Field(description="the coach's advice codes")
    thumb: str | None = Field(default=None, description="base64 of 32x32 bytes, row 0 on top "
                              "(x2 max), row-major: 255·ŷ (binary), 255·(ŷ+1)/2 (regression), "
                              "class index · 255/(classes-1) (multiclass); null when unchanged "
                              "since the last gallery (keep the previous one)")
    task: Task
    status: State
    joined: float = Field(description="unix seconds")
    locked: bool = Field(description="controls are locked for this student")
    exercise: CardExercise | None = Field(
        default=None, description="the student's answer to the last exercise they checked")


class RoomGalleryMessage(ServerModel):
    type: Literal["room_gallery"] = "room_gallery"
    code: str
    count: int
    students: list[StudentCard]


class LeaderboardRow(ServerModel):
    rank: int
    student: str
    name: str
    score: float | None = Field(description="the challenge metric on the student's test split")
    params: int
    epoch: int
    eligible: bool = Field(description="within the budget, on the challenge's dataset")


class RoomLeaderboardMessage(ServerModel):
    type: Literal["room_leaderboard"] = "room_leaderboard"
    challenge: Challenge
    rows: list[LeaderboardRow]


class RoomEventMessage(ServerModel):
    type: Literal["room_event"] = "room_event"
    event: Literal["joined", "left"]
    student: str
    name: str


class RoomSpotlightInfo(ServerModel):
    """To the teacher: the spotlit student's config and data (binary frames follow, their
    header's `spotlight` naming the student); `student` null: the spotlight ended."""

    type: Literal["room_spotlight"] = "room_spotlight"
    student: str | None
    name: str | None = None
    config: Config | None = None
    data: DataMessage | None = None


class RoomPushed(ServerModel):
    """To a student: apply this experiment (as the Experiments menu does) or config (as a
    `configure`, then a `reset`), or open this exercise."""

    type: Literal["room_push"] = "room_push"
    experiment: str | None = None
    variant: str | None = None
    config: dict[str, Any] | None = Field(default=None, description="a partial config")
    exercise: PushedExercise | None = None


class RoomStateMessage(ServerModel):
    type: Literal["room_state"] = "room_state"
    locks: list[LockableControl]
    challenge: Challenge | None


class RoomClosedMessage(ServerModel):
    type: Literal["room_closed"] = "room_closed"
    reason: Literal["closed", "removed", "expired"]


ServerMessage = Annotated[
    HelloMessage
    | ConfigMessage
    | DataMessage
    | StatusMessage
    | ErrorMessage
    | ExportReply
    | InspectionMessage
    | ForwardTimingMessage
    | SearchTrialMessage
    | SearchProgressMessage
    | RoomCreatedMessage
    | RoomJoinedMessage
    | RoomLeftMessage
    | RoomAckMessage
    | RoomGalleryMessage
    | RoomLeaderboardMessage
    | RoomEventMessage
    | RoomSpotlightInfo
    | RoomPushed
    | RoomStateMessage
    | RoomClosedMessage,
    Field(discriminator="type"),
]

# ---------------------------------------------------------------------------------- frame header


class FrameArray(ServerModel):
    name: str = Field(description="output, collapse_output, neurons/<l>, W/<l> or b/<l>")
    dtype: Literal["uint8", "float32"]
    shape: list[int]
    offset: int = Field(description="bytes from the first byte after the header")
    range: tuple[float, float] | None = Field(
        default=None, description="uint8 only: q decodes as lo + q / 255 * (hi - lo)"
    )


_NOT_FINITE = "null where the value is not finite (a diverging network)"


class LayerDiagnostics(ServerModel):
    active_share: list[float | None] = Field(description=_NOT_FINITE)
    saturation: float | None = Field(description="null for activations that do not saturate; "
                                     + _NOT_FINITE)
    mean: float | None = Field(description=_NOT_FINITE)
    std: float | None = Field(description=_NOT_FINITE)
    hist: list[int]
    edges: tuple[float | None, float | None] = Field(description=_NOT_FINITE)
    grad_norm: float | None = Field(description=_NOT_FINITE)
    grad_hist: list[int]
    grad_edges: tuple[float | None, float | None] = Field(description=_NOT_FINITE)
    symmetric: bool


class Diagnostics(ServerModel):
    layers: dict[str, LayerDiagnostics]


class Metrics(ServerModel):
    train_loss: float | None
    validation_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    validation_accuracy: float | None
    test_accuracy: float | None


class HistoryPoint(Metrics):
    epoch: int


class Advice(ServerModel):
    code: str
    params: dict[str, Any]


_KEPT = ("Absent from a periodic frame when unchanged since the last frame that carried it: "
         "the previous value holds. Every other frame carries it.")


class FrameHeader(ServerModel):
    seq: int
    epoch: int
    state: State
    metrics: Metrics
    best_validation_epoch: int | None
    history: list[HistoryPoint] = Field(
        default_factory=list,
        description="the metrics recorded after the previous frame's epoch and before this "
        "frame's (a fast run or a step records one point per epoch or per training slice); "
        "at most MAX_FRAME_HISTORY, evenly spaced when more were recorded",
    )
    dead: dict[str, list[int]] | None = Field(default=None, description=_KEPT)
    dead_since: dict[str, dict[str, int]] | None = Field(default=None, description=_KEPT)
    diagnostics: Diagnostics | None = Field(default=None, description=_KEPT)
    coach: list[Advice] | None = Field(default=None, description=_KEPT)
    collapse: bool | None = Field(default=None, description=_KEPT)
    spotlight: str | None = Field(default=None, description="set on a teacher socket: the "
                                  "spotlit student whose frame this is")
    arrays: list[FrameArray]


class _ProtocolDocument(BaseModel):
    client_message: ClientMessage
    server_message: ServerMessage
    frame_header: FrameHeader


def json_schema() -> dict[str, Any]:
    """The JSON Schema of every message and of the frame header (`GET /api/schema`)."""
    document = _ProtocolDocument.model_json_schema()
    properties = document["properties"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"NN Playground websocket protocol, version {PROTOCOL_VERSION}",
        "description": "See docs/protocol.md. Text messages are client_message (client to "
        "server) and server_message (server to client); binary frames start with frame_header.",
        "client_message": properties["client_message"],
        "server_message": properties["server_message"],
        "frame_header": properties["frame_header"],
        "$defs": document["$defs"],
    }
