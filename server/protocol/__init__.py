"""The websocket protocol, version 2: every message as a pydantic model (the single schema).

Client messages are validated by these models; server messages are built from them. The unions
are discriminated on `type`. `docs/protocol.md` explains them; `json_schema()` publishes them.
"""


from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, Field

from server.protocol.catalog import (
    ActivationFacts,
    Bounds,
    Catalog,
    DatasetEntry,
    ExperimentEntry,
    FeatureEntry,
    Limits,
    OptimizerEntry,
    OutputDefault,
    Patch,
    PromiseEntry,
    RevivePromise,
    SearchFacts,
    SearchListField,
    SearchRangeField,
    VariantEntry,
)
from server.protocol.common import (
    OUTPUT_ACTIVATIONS,
    OUTPUT_LOSSES,
    PROTOCOL_VERSION,
    ActivationName,
    Bool,
    ClientModel,
    DatasetName,
    ErrorCode,
    FeatureName,
    Float,
    HiddenActivationName,
    InitName,
    Int,
    LossName,
    MessageId,
    OptimizerName,
    OutputActivationName,
    OutputLossName,
    Seed,
    ServerModel,
    State,
    Task,
)
from server.protocol.config import (
    DEFAULT_EPOCHS_PER_SECOND,
    Config,
    DatasetConfig,
    ExportedData,
    ExportedModel,
    ExportedNorm,
    ExportPayload,
    HiddenLayer,
    OptimizerConfig,
    OutputConfig,
    RegularizationConfig,
    StoppingConfig,
    ViewConfig,
)
from server.protocol.frame import (
    Advice,
    Diagnostics,
    FrameArray,
    FrameHeader,
    HistoryPoint,
    LayerDiagnostics,
    Metrics,
)
from server.protocol.rooms import (
    LOCKABLE_CONTROLS,
    MAX_COMBINING,
    MAX_PAUSE_MESSAGE,
    MAX_ROOM_KEY,
    MAX_ROOM_TITLE,
    MAX_STUDENT_NAME,
    ROOM_CODE_ALPHABET,
    ROOM_CODE_LENGTH,
    CardExercise,
    Challenge,
    ChallengeMetric,
    ClassPause,
    LeaderboardRow,
    LockableControl,
    PauseText,
    PushedExercise,
    RecordNetwork,
    RoomAckMessage,
    RoomAction,
    RoomAdmitMessage,
    RoomChallengeMessage,
    RoomClosedMessage,
    RoomCloseMessage,
    RoomCode,
    RoomCreatedMessage,
    RoomCreateMessage,
    RoomEventMessage,
    RoomGalleryMessage,
    RoomHideMessage,
    RoomJoinedMessage,
    RoomJoinMessage,
    RoomKey,
    RoomLeaderboardMessage,
    RoomLeaveMessage,
    RoomLeftMessage,
    RoomLimits,
    RoomLockMessage,
    RoomPauseMessage,
    RoomPushed,
    RoomPushMessage,
    RoomRecordMessage,
    RoomRecordReply,
    RoomRemoveMessage,
    RoomResumeMessage,
    RoomSpotlightInfo,
    RoomSpotlightMessage,
    RoomStateMessage,
    RoomTitle,
    RoomWaitingMessage,
    RoomWaitingReply,
    StudentCard,
    StudentId,
    StudentName,
    WaitingStudent,
    plain_text,
)
from server.protocol.search import (
    SEARCH_FIELDS,
    SEARCH_METHODS,
    SEARCH_PRESETS,
    FeatureSet,
    SearchBest,
    SearchDimension,
    SearchField,
    SearchInt,
    SearchLoadMessage,
    SearchNumber,
    SearchProgressMessage,
    SearchRange,
    SearchStartMessage,
    SearchStopMessage,
    SearchText,
    SearchTrialMessage,
    SearchValue,
    SearchValues,
    TrialFields,
)
from server.protocol.session import (
    AckMessage,
    AddPointsMessage,
    ConfigMessage,
    ConfigureMessage,
    DataMessage,
    ErrorMessage,
    ExerciseAnswerMessage,
    ExerciseKind,
    ExportMessage,
    ExportReply,
    ForwardTimingMessage,
    HelloMessage,
    ImportMessage,
    InspectedLayer,
    InspectedNorm,
    InspectionMessage,
    InspectMessage,
    Matrix,
    PauseMessage,
    PlayMessage,
    PointSet,
    ResetMessage,
    ReviveMessage,
    SetWeightMessage,
    StatusMessage,
    StepMessage,
    TimeForwardMessage,
    VisibilityMessage,
)

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
    | RoomCloseMessage
    | RoomWaitingMessage
    | RoomAdmitMessage
    | RoomPauseMessage
    | RoomResumeMessage
    | RoomRecordMessage,
    Field(discriminator="type"),
]

CLIENT_MESSAGES: dict[str, type[ClientModel]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(ClientMessage)[0])
}
"""Each client message's model by its `type`, in the union's order."""

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
    | RoomClosedMessage
    | RoomWaitingReply
    | RoomRecordReply,
    Field(discriminator="type"),
]


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


__all__ = [
    "ActivationFacts",
    "Bounds",
    "Catalog",
    "DatasetEntry",
    "ExperimentEntry",
    "FeatureEntry",
    "Limits",
    "OptimizerEntry",
    "OutputDefault",
    "Patch",
    "PromiseEntry",
    "RevivePromise",
    "SearchFacts",
    "SearchListField",
    "SearchRangeField",
    "VariantEntry",
    "PROTOCOL_VERSION",
    "Int",
    "Float",
    "Bool",
    "MessageId",
    "OUTPUT_ACTIVATIONS",
    "OUTPUT_LOSSES",
    "ActivationName",
    "HiddenActivationName",
    "OutputActivationName",
    "LossName",
    "OutputLossName",
    "InitName",
    "OptimizerName",
    "DatasetName",
    "FeatureName",
    "Task",
    "Seed",
    "ClientModel",
    "State",
    "ErrorCode",
    "ServerModel",
    "DatasetConfig",
    "HiddenLayer",
    "OutputConfig",
    "OptimizerConfig",
    "RegularizationConfig",
    "DEFAULT_EPOCHS_PER_SECOND",
    "ViewConfig",
    "StoppingConfig",
    "Config",
    "ExportedNorm",
    "ExportedModel",
    "ExportedData",
    "ExportPayload",
    "ConfigureMessage",
    "PlayMessage",
    "PauseMessage",
    "StepMessage",
    "ResetMessage",
    "SetWeightMessage",
    "AddPointsMessage",
    "ExportMessage",
    "ImportMessage",
    "ReviveMessage",
    "InspectMessage",
    "TimeForwardMessage",
    "ExerciseKind",
    "ExerciseAnswerMessage",
    "AckMessage",
    "VisibilityMessage",
    "HelloMessage",
    "ConfigMessage",
    "PointSet",
    "DataMessage",
    "StatusMessage",
    "ErrorMessage",
    "ExportReply",
    "Matrix",
    "InspectedNorm",
    "InspectedLayer",
    "InspectionMessage",
    "ForwardTimingMessage",
    "SEARCH_METHODS",
    "SEARCH_PRESETS",
    "SEARCH_FIELDS",
    "SearchField",
    "SearchNumber",
    "SearchInt",
    "SearchText",
    "FeatureSet",
    "SearchRange",
    "SearchValue",
    "SearchValues",
    "SearchDimension",
    "SearchStartMessage",
    "SearchStopMessage",
    "SearchLoadMessage",
    "SearchTrialMessage",
    "TrialFields",
    "SearchBest",
    "SearchProgressMessage",
    "ROOM_CODE_ALPHABET",
    "ROOM_CODE_LENGTH",
    "MAX_ROOM_TITLE",
    "MAX_STUDENT_NAME",
    "MAX_ROOM_KEY",
    "LOCKABLE_CONTROLS",
    "LockableControl",
    "ChallengeMetric",
    "MAX_COMBINING",
    "plain_text",
    "RoomCode",
    "RoomKey",
    "RoomTitle",
    "StudentName",
    "StudentId",
    "RoomCreateMessage",
    "RoomJoinMessage",
    "RoomLeaveMessage",
    "RoomPushMessage",
    "RoomLockMessage",
    "RoomSpotlightMessage",
    "RoomHideMessage",
    "RoomRemoveMessage",
    "RoomChallengeMessage",
    "RoomCloseMessage",
    "RoomLimits",
    "RoomCreatedMessage",
    "Challenge",
    "RoomJoinedMessage",
    "RoomLeftMessage",
    "PushedExercise",
    "RoomAckMessage",
    "CardExercise",
    "StudentCard",
    "RoomGalleryMessage",
    "LeaderboardRow",
    "RoomLeaderboardMessage",
    "RoomEventMessage",
    "RoomSpotlightInfo",
    "RoomPushed",
    "RoomStateMessage",
    "RoomClosedMessage",
    "MAX_PAUSE_MESSAGE",
    "PauseText",
    "RoomWaitingMessage",
    "RoomAdmitMessage",
    "RoomPauseMessage",
    "RoomResumeMessage",
    "RoomRecordMessage",
    "ClassPause",
    "RoomWaitingReply",
    "RoomAction",
    "WaitingStudent",
    "RecordNetwork",
    "RoomRecordReply",
    "FrameArray",
    "LayerDiagnostics",
    "Diagnostics",
    "Metrics",
    "HistoryPoint",
    "Advice",
    "FrameHeader",
    "CLIENT_MESSAGES",
    "ClientMessage",
    "ServerMessage",
    "json_schema",
]
