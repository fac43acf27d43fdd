// Generated from docs/protocol.schema.json by `make types` (server/schema_ts.py): do not edit.
// The shapes the server sends and accepts, for the page's JSDoc:
//   /** @type {import('./types/protocol').HelloMessage} */

/** Every message the page may send (on `type`). */
export type ClientMessage = ConfigureMessage | PlayMessage | PauseMessage | StepMessage | ResetMessage | SetWeightMessage | AddPointsMessage | ExportMessage | ImportMessage | ReviveMessage | InspectMessage | TimeForwardMessage | AckMessage | VisibilityMessage | ExerciseAnswerMessage | SearchStartMessage | SearchStopMessage | SearchLoadMessage | RoomCreateMessage | RoomJoinMessage | RoomLeaveMessage | RoomPushMessage | RoomLockMessage | RoomSpotlightMessage | RoomHideMessage | RoomRemoveMessage | RoomChallengeMessage | RoomCloseMessage | RoomWaitingMessage | RoomAdmitMessage | RoomPauseMessage | RoomResumeMessage | RoomRecordMessage;

/** Every text message the server sends (on `type`). */
export type ServerMessage = HelloMessage | ConfigMessage | DataMessage | StatusMessage | ErrorMessage | ExportReply | InspectionMessage | ForwardTimingMessage | SearchTrialMessage | SearchProgressMessage | RoomCreatedMessage | RoomJoinedMessage | RoomLeftMessage | RoomAckMessage | RoomGalleryMessage | RoomLeaderboardMessage | RoomEventMessage | RoomSpotlightInfo | RoomPushed | RoomStateMessage | RoomClosedMessage | RoomWaitingReply | RoomRecordReply;

/**
 * A client message as the page writes it: its `type` and any of its fields (the server fills
 * in the defaults and merges a partial config; the socket adds the `id`).
 */
export type Outgoing = ClientMessage extends infer M
  ? M extends { type: infer T } ? { type: T } & Partial<Omit<M, "type" | "id">> : never
  : never;

/**
 * The client has drawn frame `frame` (and so every frame before it): the server sends
 * a new periodic frame only while fewer than 2 frames wait for this (no reply).
 */
export interface AckMessage {
  type: "ack";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the `seq` of the latest frame the client drew */
  frame: number;
}

/** One activation as the engine describes it (engine/activations.py `facts()`). */
export interface ActivationFacts {
  name: string;
  symbol: string;
  short: string;
  /** `{word}`: a word of the page's language; `{c}`: constants */
  formula: string;
  derivative: string;
  constants: Record<string, number>;
  /** null: unbounded */
  range: [number | null, number | null];
  odd: boolean;
  active: "positive" | "unsaturated" | "always";
  saturation_band: [number, number] | null;
  saturation_slope: number | null;
  can_die: boolean;
  output_only: boolean;
}

/** Custom data: `points` ([[x1, x2, label], ...]) or `csv` text with lines `x1,x2,label`. */
export interface AddPointsMessage {
  type: "add_points";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  points: Array<[number, number, number]> | null;
  csv: string | null;
  /** default: the current task */
  task: "binary" | "multiclass" | "regression" | null;
  classes: number | null;
  /** true: replace the data; false: add to it */
  replace: boolean;
}

export interface CardExercise {
  id: string;
  /** right once any answer was right */
  verdict: "right" | "wrong";
  tries: number;
}

export interface Catalog {
  datasets: DatasetEntry[];
  activations: string[];
  hidden_activations: string[];
  activation_facts: Record<string, ActivationFacts>;
  /** what `auto` picks, by task */
  output_defaults: Record<string, OutputDefault>;
  losses: string[];
  initializers: string[];
  optimizers: OptimizerEntry[];
  features: FeatureEntry[];
  regularization: string[];
  limits: Limits;
  /** the landing page's config */
  defaults: Config;
  search: SearchFacts;
  experiments: ExperimentEntry[];
}

export interface Challenge {
  /** the teacher's title, empty when untitled */
  title: string;
  /** the partial dataset config of the challenge */
  dataset: Record<string, unknown>;
  max_params: number | null;
  max_epochs: number | null;
  metric: "test_accuracy" | "test_loss";
  /** unix seconds */
  started: number;
}

export interface ClassPause {
  /** the teacher's words, empty when none */
  message: string;
}

/** A session's whole configuration. Every field has a default: any subset is a valid update. */
export interface Config {
  dataset?: DatasetConfig;
  features?: Array<"x1" | "x2" | "x1_sq" | "x2_sq" | "x1x2" | "sin_x1" | "sin_x2">;
  hidden?: HiddenLayer[];
  output?: OutputConfig;
  init: "zeros" | "constant" | "uniform" | "normal" | "large_normal" | "xavier" | "he";
  optimizer?: OptimizerConfig;
  regularization?: RegularizationConfig;
  stopping?: StoppingConfig;
  /** standardize the network's inputs: each feature minus its mean, divided by its standard deviation, both measured on the training split */
  standardize: boolean;
  seed: number;
  view?: ViewConfig;
}

export interface ConfigMessage {
  type: "config";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  config: Config;
}

export interface ConfigureMessage {
  type: "configure";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** full or partial: only the fields sent are merged */
  config: Config;
}

export interface DataMessage {
  type: "data";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  task: "binary" | "multiclass" | "regression";
  classes: number;
  /** x1min, x1max, x2min, x2max */
  domain: [number, number, number, number];
  train: PointSet;
  validation: PointSet;
  test: PointSet;
}

export interface DatasetConfig {
  name: "circle" | "xor" | "gauss" | "spiral" | "plane" | "multigauss" | "moons" | "blobs" | "curve" | "student" | "custom";
  points: number;
  /** 0 to 1 (TF Playground's slider stops at 0.5) */
  noise: number;
  classes: number;
  train_fraction: number;
  validation_fraction: number;
  seed: number;
}

export interface DatasetEntry {
  name: string;
  /** classes: binary with 2 classes, multiclass with 3 to max_classes */
  task: "binary" | "classes" | "regression" | "custom";
  has_classes: boolean;
  /** thumbnail points [x1, x2, label], x1 and x2 in -100..100 */
  preview: Array<[number, number, number]>;
  /** classes datasets: the thumbnail for each number of classes */
  class_previews: Record<string, Array<[number, number, number]>> | null;
}

export interface DeadReluAdvice {
  code: "dead_relu";
  params: DeadReluParams;
}

export interface DeadReluParams {
  layer: number;
  count: number;
  total: number;
  /** the dead neurons' indices, from 0 */
  neurons: number[];
}

export interface Diagnostics {
  layers: Record<string, LayerDiagnostics>;
}

export interface ErrorMessage {
  type: "error";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  code: "bad_json" | "unknown_type" | "invalid" | "too_large" | "bad_data" | "not_applicable" | "too_many_sessions" | "internal" | "room_not_found" | "room_full" | "room_limit" | "room_client_limit" | "rate_limited" | "forbidden" | "not_in_room" | "rooms_unavailable";
  message: string;
  /** dotted path of the offending field, e.g. config.seed */
  field: string | null;
}

/**
 * The student checked an answer to the exercise a room pushed (`exercise`: its id): the
 * verdict shows, counted, on the teacher's page (no reply).
 */
export interface ExerciseAnswerMessage {
  type: "exercise_answer";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  exercise: string;
  verdict: "right" | "wrong";
}

export interface ExperimentEntry {
  name: string;
  group: "lesson" | "pitfall";
  /** the instrument tab to watch */
  tab: string;
  /** epochs its Train button runs */
  epochs: number;
  /** training points the matrix inspector opens on */
  inspect: number;
  /** initial weights its seeds button trains side by side (0: none) */
  seeds: number;
  /** numbers its text quotes (`{name}`) */
  facts: Record<string, number>;
  config: Record<string, unknown>;
  promise: PromiseEntry;
  /** what its Revive shows (null: none) */
  revive: RevivePromise | null;
  /** with seeds: final costs spread at least this much, max over min */
  seeds_ratio: number | null;
  variants: VariantEntry[];
}

export interface ExportMessage {
  type: "export";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** also write the session as a Python script: numpy (the course's notation, the playground's predictions to rounding) or keras (Keras 3) */
  code: "numpy" | "keras" | null;
}

export interface ExportPayload {
  format: "nn-playground";
  version: 1;
  epoch: number;
  config: Config;
  model: ExportedModel;
  /** left out (a shorter link), a generated dataset is regenerated from config */
  data: ExportedData | null;
}

export interface ExportReply {
  type: "export";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  data: ExportPayload;
  /** the script asked for by `code` */
  code: string | null;
}

/** The session's points in generation order; the split is recomputed from the config. */
export interface ExportedData {
  task: "binary" | "multiclass" | "regression";
  classes: number;
  /** [x1, x2, label] */
  points: Array<[number, number, number]>;
}

/** The network's parameters: `W[l-1]` is W[l] as rows, `b[l-1]` is b[l] as a flat list. */
export interface ExportedModel {
  sizes: number[];
  activations: Array<"sigmoid" | "tanh" | "relu" | "leaky_relu" | "elu" | "linear" | "softmax">;
  W: number[][][];
  b: number[][];
  /** per layer, its batch normalization or null (left out: none) */
  batch_norm: Array<ExportedNorm | null> | null;
}

/** A normalized layer's learned γ, β and running mean and variance, each a flat list. */
export interface ExportedNorm {
  gamma: number[];
  beta: number[];
  running_mean: number[];
  running_var: number[];
}

export interface FeatureEntry {
  name: string;
  label: string;
}

/**
 * The reply to `time_forward`: the course's forwardPassIterative (a loop over the
 * training examples, one matrix-vector product per layer each) against the vectorized pass
 * (one matrix product per layer for all of them), each the best of a few runs.
 */
export interface ForwardTimingMessage {
  type: "forward_timing";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** training points both passes computed Ŷ for (the first 250 at most) */
  examples: number;
  loop_ms: number;
  vectorized_ms: number;
  /** max |Ŷ_loop - Ŷ_vectorized| */
  max_difference: number;
}

export interface FrameArray {
  /** output, collapse_output, neurons/<l>, W/<l> or b/<l> */
  name: string;
  dtype: "uint8" | "float32";
  shape: number[];
  /** bytes from the first byte after the header */
  offset: number;
  /** uint8 only: q decodes as lo + q / 255 * (hi - lo) */
  range: [number, number] | null;
}

export interface FrameHeader {
  seq: number;
  epoch: number;
  state: "playing" | "paused" | "diverged";
  metrics: Metrics;
  best_validation_epoch: number | null;
  /** the metrics recorded after the previous frame's epoch and before this frame's (a fast run or a step records one point per epoch or per training slice); at most MAX_FRAME_HISTORY, evenly spaced when more were recorded */
  history?: HistoryPoint[];
  /** Absent from a periodic frame when unchanged since the last frame that carried it: the previous value holds. Every other frame carries it. */
  dead?: Record<string, number[]> | null;
  /** Absent from a periodic frame when unchanged since the last frame that carried it: the previous value holds. Every other frame carries it. */
  dead_since?: Record<string, Record<string, number>> | null;
  /** Absent from a periodic frame when unchanged since the last frame that carried it: the previous value holds. Every other frame carries it. */
  diagnostics?: Diagnostics | null;
  /** Absent from a periodic frame when unchanged since the last frame that carried it: the previous value holds. Every other frame carries it. */
  coach?: Array<SymmetryAdvice | LrTooHighAdvice | NoNonlinearityAdvice | OutputMismatchAdvice | LossMismatchAdvice | VanishingGradientAdvice | UnderfittingAdvice | OverfittingAdvice | DeadReluAdvice> | null;
  /** Absent from a periodic frame when unchanged since the last frame that carried it: the previous value holds. Every other frame carries it. */
  collapse?: boolean | null;
  /** set on a teacher socket: the spotlit student whose frame this is */
  spotlight?: string | null;
  arrays: FrameArray[];
}

export interface HelloMessage {
  type: "hello";
  protocol: 2;
  /** the server's package version, as `playground --version` */
  version: string;
  session: string;
  /** the same as catalog.limits */
  limits: Limits;
  /** the same as GET /api/catalog */
  catalog: Catalog;
  config: Config;
}

export interface HiddenLayer {
  /** at most 8, or 64 in a network of one hidden layer */
  units: number;
  activation: "sigmoid" | "tanh" | "relu" | "leaky_relu" | "elu" | "linear";
  /** batch normalization before the activation: γ (Z - μ) / √(σ² + ε) + β, with the batch's μ and σ² while training, their running averages for the grids and the metrics */
  batch_norm: boolean;
}

export interface HistoryPoint {
  train_loss: number | null;
  validation_loss: number | null;
  test_loss: number | null;
  train_accuracy: number | null;
  validation_accuracy: number | null;
  test_accuracy: number | null;
  epoch: number;
}

export interface ImportMessage {
  type: "import";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  data: ExportPayload;
}

export interface InspectMessage {
  type: "inspect";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  sample_limit: number;
}

export interface InspectedLayer {
  l: number;
  activation: string;
  W: Matrix;
  b: Matrix;
  Z: Matrix;
  A: Matrix;
  dZ: Matrix;
  dW: Matrix;
  db: Matrix;
  /** the layer's batch normalization (null: none) */
  batch_norm: InspectedNorm | null;
}

/**
 * A normalized layer's step: Z̃ = γ Ẑ + β, Ẑ = (Z - μ)/σ, σ = √(σ² + ε), with the inspected
 * points' μ, σ²; dγ, dβ its gradients (A = g(Z̃), and the dZ shown is after the chain rule
 * through Ẑ).
 */
export interface InspectedNorm {
  gamma: Matrix;
  beta: Matrix;
  mu: Matrix;
  sigma: Matrix;
  Z_tilde: Matrix;
  dgamma: Matrix;
  dbeta: Matrix;
}

export interface InspectionMessage {
  type: "inspection";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  loss: string;
  cost: number;
  X: Matrix;
  Y: Matrix;
  Y_hat: Matrix;
  layers: InspectedLayer[];
}

export interface LayerDiagnostics {
  /** null where the value is not finite (a diverging network) */
  active_share: Array<number | null>;
  /** null for activations that do not saturate; null where the value is not finite (a diverging network) */
  saturation: number | null;
  /** null where the value is not finite (a diverging network) */
  mean: number | null;
  /** null where the value is not finite (a diverging network) */
  std: number | null;
  hist: number[];
  /** null where the value is not finite (a diverging network) */
  edges: [number | null, number | null];
  /** null where the value is not finite (a diverging network) */
  grad_norm: number | null;
  grad_hist: number[];
  /** null where the value is not finite (a diverging network) */
  grad_edges: [number | null, number | null];
  symmetric: boolean;
}

export interface LeaderboardRow {
  rank: number;
  student: string;
  name: string;
  /** the challenge metric on the student's test split */
  score: number | null;
  params: number;
  epoch: number;
  /** within the budget, on the challenge's dataset */
  eligible: boolean;
}

/** The limits every config and message is checked against (server/limits.py). */
export interface Limits {
  max_hidden_layers: number;
  max_units: number;
  /** units of the hidden layer of a network that has only one */
  max_wide_units: number;
  min_points: number;
  /** points of a dataset, generated, added or imported */
  max_points: number;
  max_noise: number;
  min_classes: number;
  max_classes: number;
  max_batch_size: number;
  min_learning_rate: number;
  max_learning_rate: number;
  max_regularization_rate: number;
  min_resolution: number;
  max_resolution: number;
  min_neuron_resolution: number;
  max_neuron_resolution: number;
  max_fps: number;
  max_epochs_per_second: number;
  max_step_epochs: number;
  max_seed: number;
  max_inspect_samples: number;
  max_message_bytes: number;
  max_epoch: number;
  max_id_length: number;
  max_search_trials: number;
  max_search_epochs: number;
  max_searches: number;
  max_search_values: number;
  max_search_text: number;
  max_search_number: number;
  max_search_seconds: number;
  max_trial_seconds: number;
}

export interface LossMismatchAdvice {
  code: "loss_mismatch";
  params: LossMismatchParams;
}

export interface LossMismatchParams {
  task: string;
  loss: string;
  expected: string;
}

export interface LrTooHighAdvice {
  code: "lr_too_high";
  params: LrTooHighParams;
}

export interface LrTooHighParams {
  learning_rate: number | null;
  reason: "diverged" | "diverging" | "oscillating" | "dying_relu";
  /** dying_relu: the ReLUs that died within a few epochs */
  count: number | null;
}

export interface Matrix {
  shape: number[];
  values: number[][];
}

export interface Metrics {
  train_loss: number | null;
  validation_loss: number | null;
  test_loss: number | null;
  train_accuracy: number | null;
  validation_accuracy: number | null;
  test_accuracy: number | null;
}

export interface NoNonlinearityAdvice {
  code: "no_nonlinearity";
  params: NoNonlinearityParams;
}

export interface NoNonlinearityParams {
  reason: "linear_hidden" | "no_hidden";
  /** linear_hidden: the hidden layers */
  layers: number | null;
  /** no_hidden: the training accuracy it stalls at */
  accuracy: number | null;
}

export interface OptimizerConfig {
  name: "gd" | "sgd" | "momentum" | "adam";
  learning_rate: number;
  batch_size: number;
  momentum: number;
  beta1: number;
  beta2: number;
}

export interface OptimizerEntry {
  name: string;
  /** the optimizer config fields it reads */
  params: string[];
}

export interface OutputConfig {
  activation: "auto" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "elu" | "linear" | "softmax";
  loss: "auto" | "mse" | "bce" | "cce";
  /** set by the server: what `auto` picked (ignored when sent) */
  resolved_activation: "sigmoid" | "tanh" | "relu" | "leaky_relu" | "elu" | "linear" | "softmax" | null;
  /** set by the server: what `auto` picked (ignored when sent) */
  resolved_loss: "mse" | "bce" | "cce" | null;
}

export interface OutputDefault {
  activation: string;
  loss: string;
}

export interface OutputMismatchAdvice {
  code: "output_mismatch";
  params: OutputMismatchParams;
}

export interface OutputMismatchParams {
  task: string;
  output: string;
  expected: string;
}

export interface OverfittingAdvice {
  code: "overfitting";
  params: OverfittingParams;
}

export interface OverfittingParams {
  best_epoch: number;
  split: "validation" | "test";
  best_loss: number | null;
  loss: number | null;
}

export interface PauseMessage {
  type: "pause";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
}

export interface PlayMessage {
  type: "play";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
}

export interface PointSet {
  x1: number[];
  x2: number[];
  label: number[];
}

/** What a rehearsed run shows at its end, on every seed (server/lessons/experiments.py). */
export interface PromiseEntry {
  /** codes the coach names */
  coach: string[];
  /** codes it may name besides */
  allowed: string[];
  /** measure -> [low, high], null for no bound */
  bounds: Record<string, [number | null, number | null]>;
}

export interface PushedExercise {
  /** answers name it (`exercise_answer`, the cards' `exercise`) */
  id: string;
  kind: "shapes" | "params" | "forward" | "output";
  /** the page draws the exercise with this seed */
  seed: number;
}

export interface RecordNetwork {
  student: string;
  name: string;
  /** what ranked it: the challenge's metric, else the test accuracy (classification) or test loss */
  score: number | null;
  metric: "test_accuracy" | "test_loss";
  /** a session file, as Save & share downloads it */
  session: ExportPayload;
}

export interface RegularizationConfig {
  kind: "none" | "l1" | "l2";
  rate: number;
}

export interface ResetMessage {
  type: "reset";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
}

/** Bring dead ReLU neurons back, keeping every other weight and the epoch. */
export interface ReviveMessage {
  type: "revive";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** redraw: new incoming weights for each dead neuron (He), its outgoing weights 0, the learning rate divided by 10; leaky: every ReLU hidden layer to Leaky ReLU, every weight kept */
  rule: "redraw" | "leaky";
}

export interface RevivePromise {
  /** codes the coach names */
  coach: string[];
  /** codes it may name besides */
  allowed: string[];
  /** measure -> [low, high], null for no bound */
  bounds: Record<string, [number | null, number | null]>;
  /** a revived neuron counts as active on this share of the points or more */
  active: number;
}

export interface RoomAckMessage {
  type: "room_ack";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  action: "push" | "lock" | "spotlight" | "hide" | "remove" | "challenge" | "close" | "waiting" | "admit" | "pause" | "resume";
  /** push: the students sent to; admit: the students admitted or refused */
  delivered: number | null;
  /** push of an exercise: the one sent */
  exercise: PushedExercise | null;
}

/**
 * Let a waiting student in (`admit` false: refuse them); `student` null: everyone
 * waiting.
 */
export interface RoomAdmitMessage {
  type: "room_admit";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  /** null: everyone waiting */
  student: string | null;
  admit: boolean;
}

/** Start a challenge (its dataset is pushed to every student) or, with `stop`, end it. */
export interface RoomChallengeMessage {
  type: "room_challenge";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  /** a partial dataset config */
  dataset: DatasetConfig | null;
  max_params: number | null;
  max_epochs: number | null;
  metric: "test_accuracy" | "test_loss";
  title: string | null;
  stop: boolean;
}

export interface RoomCloseMessage {
  type: "room_close";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
}

export interface RoomClosedMessage {
  type: "room_closed";
  /** refused: the teacher did not admit this student from the waiting room */
  reason: "closed" | "removed" | "expired" | "refused";
}

/**
 * Open a room (this socket becomes its teacher socket); with `code` and `key`: resume a
 * room this teacher opened before (e.g. after a reload).
 */
export interface RoomCreateMessage {
  type: "room_create";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  title: string | null;
  /** resume: the room's code */
  code: string | null;
  /** resume: the room's key */
  key: string | null;
}

export interface RoomCreatedMessage {
  type: "room_created";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  code: string;
  /** the teacher's key: keep it in the page (never in a URL) */
  key: string;
  title: string;
  /** the students' page: /?room=CODE */
  join_path: string;
  limits: RoomLimits;
}

export interface RoomEventMessage {
  type: "room_event";
  event: "joined" | "left" | "waiting";
  student: string;
  name: string;
}

export interface RoomGalleryMessage {
  type: "room_gallery";
  code: string;
  count: number;
  students: StudentCard[];
  /** joiners wait to be admitted */
  waiting_room: boolean;
  /** who waits, first come first */
  waiting?: WaitingStudent[];
  /** the class is paused */
  paused: ClassPause | null;
}

export interface RoomHideMessage {
  type: "room_hide";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  student: string;
  hidden: boolean;
}

export interface RoomJoinMessage {
  type: "room_join";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** 6 characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789 (case-insensitive) */
  code: string;
  /** plain text, trimmed: control characters are dropped */
  name: string;
}

export interface RoomJoinedMessage {
  type: "room_joined";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  code: string;
  title: string;
  /** this student's id in the room */
  student: string;
  name: string;
  locks: Array<"dataset" | "features" | "layers" | "activation" | "learning_rate" | "optimizer" | "init" | "regularization" | "output" | "data_edit" | "experiments">;
  challenge: Challenge | null;
  /** the class is paused */
  paused: ClassPause | null;
}

export interface RoomLeaderboardMessage {
  type: "room_leaderboard";
  challenge: Challenge;
  rows: LeaderboardRow[];
}

export interface RoomLeaveMessage {
  type: "room_leave";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
}

export interface RoomLeftMessage {
  type: "room_left";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  code: string;
}

export interface RoomLimits {
  /** students a room holds at most */
  students: number;
}

export interface RoomLockMessage {
  type: "room_lock";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  /** [] unlocks every control */
  controls: Array<"dataset" | "features" | "layers" | "activation" | "learning_rate" | "optimizer" | "init" | "regularization" | "output" | "data_edit" | "experiments">;
}

/**
 * Pause the class: every student's training stops, their page shows `message`, and
 * their play and step are refused until `room_resume` (students joining meanwhile too).
 */
export interface RoomPauseMessage {
  type: "room_pause";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  /** plain text shown to every student */
  message: string;
}

/**
 * Send every student an experiment (by name, optionally one of its variants by label), a
 * partial config or an exercise: exactly one of `experiment`, `config` and `exercise`.
 */
export interface RoomPushMessage {
  type: "room_push";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  /** an experiment's name (catalog `experiments`) */
  experiment: string | null;
  /** the label of one of the experiment's variants */
  variant: string | null;
  /** a partial config */
  config: Config | null;
  /** an exercise of this kind: each student gets one drawn from their own network (the same seed for all), and the gallery cards say who answered */
  exercise: "shapes" | "params" | "forward" | "output" | null;
}

/**
 * To a student: apply this experiment (as the Experiments menu does) or config (as a
 * `configure`, then a `reset`), or open this exercise.
 */
export interface RoomPushed {
  type: "room_push";
  experiment: string | null;
  variant: string | null;
  /** a partial config */
  config: Record<string, unknown> | null;
  exercise: PushedExercise | null;
}

/** The session's record so far (reply `room_record`). */
export interface RoomRecordMessage {
  type: "room_record";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
}

/**
 * The session's record: CSV texts of the roster and the challenges' standings, and the
 * best students' networks.
 */
export interface RoomRecordReply {
  type: "room_record";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  code: string;
  title: string;
  /** CSV: name, joined, left (UTC, ISO 8601; empty while in, `unknown` when the student left while the teacher's page was closed), minutes */
  roster: string;
  /** CSV: challenge, metric, rank, name, score, params, epoch, eligible (each challenge's final standings) */
  standings: string;
  /** the best networks, best first */
  networks: RecordNetwork[];
}

export interface RoomRemoveMessage {
  type: "room_remove";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  student: string;
}

export interface RoomResumeMessage {
  type: "room_resume";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
}

/**
 * To the teacher: the spotlit student's config and data (binary frames follow, their
 * header's `spotlight` naming the student); `student` null: the spotlight ended.
 */
export interface RoomSpotlightInfo {
  type: "room_spotlight";
  student: string | null;
  name: string | null;
  config: Config | null;
  data: DataMessage | null;
}

export interface RoomSpotlightMessage {
  type: "room_spotlight";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  /** null ends the spotlight */
  student: string | null;
}

export interface RoomStateMessage {
  type: "room_state";
  locks: Array<"dataset" | "features" | "layers" | "activation" | "learning_rate" | "optimizer" | "init" | "regularization" | "output" | "data_edit" | "experiments">;
  challenge: Challenge | null;
  /** the class is paused */
  paused: ClassPause | null;
}

/**
 * Switch the waiting room: on, joiners wait until the teacher admits them; off, everyone
 * waiting is let in.
 */
export interface RoomWaitingMessage {
  type: "room_waiting";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** the teacher's key from room_created */
  key: string;
  on: boolean;
}

/**
 * To a joiner: the waiting room is on; `room_joined` follows when the teacher admits
 * them (`room_closed` with `refused` if not).
 */
export interface RoomWaitingReply {
  type: "room_waiting";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  code: string;
  title: string;
  /** this student's id in the room, once admitted */
  student: string;
  name: string;
}

export interface SearchBest {
  trial: number;
  score: number;
}

/** What a search space may hold (engine/search/space.py), for the Search panel. */
export interface SearchFacts {
  methods: string[];
  presets: string[];
  objectives: string[];
  /** each field a search space may vary, in the page's order */
  fields: Record<string, SearchRangeField | SearchListField>;
  /** a range's grid steps, at least */
  min_steps: number;
  max_steps: number;
  /** the course's worked example (preset course-grid): its values per field */
  course_grid: Record<string, Array<number | string>>;
}

/** A field of a search space whose values are names: the catalog's list `names`. */
export interface SearchListField {
  kind: "list";
  /** the catalog's key of its names */
  names: "optimizers" | "hidden_activations" | "initializers" | "regularization" | "features";
}

/** Load a finished trial of the session's last search: its config and final weights. */
export interface SearchLoadMessage {
  type: "search_load";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  trial: number;
}

export interface SearchProgressMessage {
  type: "search_progress";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  search: number;
  state: "running" | "done" | "stopped" | "failed";
  method: string;
  objective: "loss" | "accuracy";
  done: number;
  total: number;
  elapsed: number;
  /** estimated seconds left */
  remaining: number | null;
  best: SearchBest | null;
  /** the best trial's, at the end */
  test_loss: number | null;
  test_accuracy: number | null;
  message: string | null;
}

/**
 * low..high of a numeric field: random and bayesian search sample anywhere in it; grid
 * and local search use `steps` evenly spaced values (log: evenly spaced exponents).
 */
export interface SearchRange {
  low: number;
  high: number;
  log: boolean;
  steps: number;
}

/** A numeric field of a search space: values from `min` to `max`. */
export interface SearchRangeField {
  kind: "range";
  min: number;
  max: number;
  integer: boolean;
  /** a log scale applies (its values are all positive) */
  log: boolean;
}

/**
 * Start a hyperparameter search over the session's current config and data: each trial
 * trains a copy in a worker process and is scored on the validation split. Its cost is
 * estimated before it starts (engine.search.work) and must stay within
 * max_search_seconds, each trial within max_trial_seconds.
 */
export interface SearchStartMessage {
  type: "search_start";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  method: "grid" | "random" | "local" | "bayesian";
  /** a ready-made space (default course-grid without space) */
  preset: "course-grid" | "seeds" | "same-start" | "same-start-optimizers" | null;
  /** field -> values or range; fields: learning_rate, optimizer, batch_size, layers, units, activation, init, regularization, reg_rate, features, seed */
  space: Partial<Record<"learning_rate" | "optimizer" | "batch_size" | "layers" | "units" | "activation" | "init" | "regularization" | "reg_rate" | "features" | "seed", Array<number | string | string[]> | SearchRange>> | null;
  trials: number;
  epochs: number;
  /** validation loss (minimized) or accuracy (maximized) */
  objective: "loss" | "accuracy";
  /** the sampler's seed */
  seed: number;
}

export interface SearchStopMessage {
  type: "search_stop";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
}

/** One finished trial (in the order they finish, which may differ from `trial`). */
export interface SearchTrialMessage {
  type: "search_trial";
  /** the session's search number (1, 2, ...) */
  search: number;
  trial: number;
  config: TrialFields;
  seed: number;
  /** epochs trained (fewer when it diverged) */
  epochs: number;
  val_loss: number | null;
  val_accuracy: number | null;
  train_loss: number | null;
  train_accuracy: number | null;
  /** the objective's value (None: diverged) */
  score: number | null;
  diverged: string | null;
  params: number;
  seconds: number;
  /** [epoch, validation loss] */
  curve: Array<[number, number | null]>;
  /** base64 of 32x32 bytes, row 0 on top: 255·ŷ (binary), 255·(ŷ+1)/2 (regression) or the class index (multiclass) */
  thumbnail: string;
}

/** Sets W[layer][row, col], or b[layer][row] when `bias` is true. */
export interface SetWeightMessage {
  type: "set_weight";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  layer: number;
  row: number;
  col: number | null;
  bias: boolean;
  value: number;
}

export interface StatusMessage {
  type: "status";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  state: "playing" | "paused" | "diverged";
  epoch: number;
  message: string | null;
  /** set when training stopped early (config.stopping): the epoch it stopped at; the best validation epoch is `patience` epochs or more before */
  stopped_epoch: number | null;
}

export interface StepMessage {
  type: "step";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  epochs: number;
}

export interface StoppingConfig {
  /** stop training when the validation loss has not improved for this many epochs (0: never stop early) */
  patience: number;
}

export interface StudentCard {
  id: string;
  name: string;
  hidden: boolean;
  epoch: number;
  train_loss: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  test_loss: number | null;
  test_accuracy: number | null;
  params: number;
  /** dead hidden neurons */
  dead: number;
  /** the coach's advice codes */
  advice: string[];
  /** base64 of 32x32 bytes, row 0 on top (x2 max), row-major: 255·ŷ (binary), 255·(ŷ+1)/2 (regression), class index · 255/(classes-1) (multiclass); null when unchanged since the last gallery (keep the previous one) */
  thumb: string | null;
  task: "binary" | "multiclass" | "regression";
  status: "playing" | "paused" | "diverged";
  /** unix seconds */
  joined: number;
  /** controls are locked for this student */
  locked: boolean;
  /** the student's answer to the last exercise they checked */
  exercise: CardExercise | null;
}

export interface SymmetryAdvice {
  code: "symmetry";
  params: SymmetryParams;
}

export interface SymmetryParams {
  /** the hidden layers whose neurons are all identical */
  layers: number[];
  init: string;
}

/** Time the course's two forward passes on the current network and training points. */
export interface TimeForwardMessage {
  type: "time_forward";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
}

/**
 * Everything a trial trained with, the data and the epochs aside: every field a search
 * space may vary (engine.search.space.TrialConfig).
 */
export interface TrialFields {
  learning_rate: number;
  optimizer: string;
  batch_size: number;
  /** hidden layers */
  layers: number;
  /** neurons in each hidden layer */
  units: number;
  /** the hidden layers' activation */
  activation: string;
  init: string;
  regularization: string;
  reg_rate: number;
  features: string[];
  /** the initial weights' seed */
  seed: number;
}

export interface UnderfittingAdvice {
  code: "underfitting";
  params: UnderfittingParams;
}

export interface UnderfittingParams {
  accuracy: number | null;
  epoch: number;
}

export interface VanishingGradientAdvice {
  code: "vanishing_gradient";
  params: VanishingGradientParams;
}

export interface VanishingGradientParams {
  /** the first hidden layer's gradient norm over the last's */
  ratio: number | null;
  layers: number;
  accuracy: number | null;
  epoch: number;
}

export interface VariantEntry {
  label: string;
  config: Record<string, unknown>;
  promise: PromiseEntry;
}

export interface ViewConfig {
  resolution: number;
  neuron_resolution: number;
  fps: number;
  /** 0 = as fast as possible; the default lets a class watch the default network learn the default data in a few seconds */
  epochs_per_second: number;
}

/**
 * The page is shown (`visible`) or hidden (a background tab, a minimized window): while
 * hidden, training goes on and frames come once a second, enough to keep the loss history
 * whole, at a thirtieth of the cost (no reply).
 */
export interface VisibilityMessage {
  type: "visibility";
  /** echoed in every reply: a string of at most 200 characters or an integer of at most 9007199254740992 in size */
  id: string | number | null;
  /** false while no one can see the page */
  visible: boolean;
}

export interface WaitingStudent {
  id: string;
  name: string;
  /** unix seconds */
  since: number;
}
