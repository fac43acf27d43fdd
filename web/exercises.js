// @ts-check
/**
 * Exam-style exercises from the network on screen, in the course's notation: the shape of
 * W[l], b[l], Z[l], A[l] or X for m examples, a layer's (or the network's) parameter count, one
 * forward pass by hand through 2 or 3 units with small integers, and which output activation
 * or loss suits the task. Each is checked on entry; the worked answer comes on request.
 * `makeExercise` and `check` are pure (no DOM): the view below only draws them.
 */
import { architecture } from './views/equations.js';
import { formatNumber } from './i18n.js';

const STRINGS = {
  en: {
    'ex.title': 'Exercise',
    'ex.open': 'An exercise on this network',
    'ex.kind': 'Kind',
    'ex.kind.shapes': 'Shapes',
    'ex.kind.params': 'Parameters',
    'ex.kind.forward': 'Forward pass by hand',
    'ex.kind.output': 'Output and loss',
    'ex.new': 'Another one',
    'ex.fromTeacher': 'From your teacher: your answer is counted (not shown to the class).',
    'ex.check': 'Check',
    'ex.solution': 'Show the answer',
    'ex.answer': 'Your answer',
    'ex.right': 'Right.',
    'ex.wrong': 'Not quite: try again, or show the answer.',
    'ex.unreadable': 'Write {form}.',
    'ex.form.shape': 'rows×columns, e.g. 3×10',
    'ex.form.count': 'a whole number',
    'ex.form.vector': 'the values separated by semicolons, e.g. 1; 0.5',
    'ex.form.name': 'a name',
    'ex.q.shape': 'For m = {m} examples, what is the shape of {sym}?',
    'ex.q.layerParams': 'How many parameters does layer {l} ({units} units, {inputs} inputs) learn?',
    'ex.q.netParams': 'How many parameters does the whole network {sizes} learn?',
    'ex.q.forward': 'A layer of {n} {g} units receives x = {x}, with W[1] = {W} and b[1] = {b}. Compute a[1] = g(W[1] x + b[1]) (to 2 decimals).',
    'ex.q.outputActivation': 'The task is {task}. Which activation suits the output layer?',
    'ex.q.outputLoss': 'The task is {task}. Which loss goes with its output?',
    'ex.task.binary': 'binary classification (two classes)',
    'ex.task.multiclass': 'classification into {k} classes',
    'ex.task.regression': 'regression (a real value)',
    'ex.a.W': 'W[{l}] has one row per unit of layer {l} (n[{l}] = {r}) and one column per input of that layer (n[{p}] = {c}): {r}×{c}.',
    'ex.a.b': 'b[{l}] has one bias per unit: n[{l}]×1 = {r}×1; it is added to each of the m columns (broadcasting).',
    'ex.a.Z': 'Z[{l}] = W[{l}] A[{p}] + b[{l}]: ({r}×{c})({c}×{m}) → {r}×{m}, one column per example.',
    'ex.a.A': 'A[{l}] = g[{l}](Z[{l}]) applies g to each value: the same shape as Z[{l}], {r}×{m}.',
    'ex.a.X': 'X = A[0] has one row per feature (n[0] = {r}) and one column per example: {r}×{m}.',
    'ex.a.layerParams': 'n[{l}]·n[{p}] weights + n[{l}] biases = {r}·{c} + {r}{bn} = {n}.',
    'ex.a.bn': ' + 2·{r} (γ and β of batch normalization)',
    'ex.a.netParams': 'The sum over the layers of n[l]·n[l−1] + n[l]: {terms} = {n}.',
    'ex.a.bnNote': 'A batch-normalized layer also learns γ and β: 2·n[l] more.',
    'ex.a.unit': 'unit {i}: z = {sum} = {z}, a = {g}({z}) = {a}',
    'ex.a.softmax': 'then softmax over the column: a = {a}',
    'ex.a.binary': 'sigmoid: one unit, ŷ = P(y = 1 | x) in (0, 1); with the binary cross-entropy (bce).',
    'ex.a.multiclass': 'softmax: {k} units whose values are positive and sum to 1, one probability per class; with the categorical cross-entropy (cce).',
    'ex.a.regression': 'the identity (linear): ŷ = z takes any real value; with the squared error ½(ŷ − y)² (mse).',
  },
  fr: {
    'ex.title': 'Exercice',
    'ex.open': 'Un exercice sur ce réseau',
    'ex.kind': 'Type',
    'ex.kind.shapes': 'Dimensions',
    'ex.kind.params': 'Paramètres',
    'ex.kind.forward': 'Passe en avant à la main',
    'ex.kind.output': 'Sortie et perte',
    'ex.new': 'Un autre',
    'ex.fromTeacher': 'De votre enseignant : votre réponse est comptée (sans être montrée à la classe).',
    'ex.check': 'Vérifier',
    'ex.solution': 'Voir la réponse',
    'ex.answer': 'Votre réponse',
    'ex.right': 'Exact.',
    'ex.wrong': 'Pas tout à fait : réessayez, ou affichez la réponse.',
    'ex.unreadable': 'Écrivez {form}.',
    'ex.form.shape': 'lignes×colonnes, par ex. 3×10',
    'ex.form.count': 'un nombre entier',
    'ex.form.vector': 'les valeurs séparées par des points-virgules, par ex. 1 ; 0,5',
    'ex.form.name': 'un nom',
    'ex.q.shape': 'Pour m = {m} données, quelle est la dimension de {sym} ?',
    'ex.q.layerParams': 'Combien de paramètres la couche {l} ({units} neurones, {inputs} entrées) apprend-elle ?',
    'ex.q.netParams': 'Combien de paramètres le réseau {sizes} apprend-il en tout ?',
    'ex.q.forward': 'Une couche de {n} neurones {g} reçoit x = {x}, avec W[1] = {W} et b[1] = {b}. Calculez a[1] = g(W[1] x + b[1]) (à 2 décimales).',
    'ex.q.outputActivation': 'La tâche est une {task}. Quelle activation convient à la couche de sortie ?',
    'ex.q.outputLoss': 'La tâche est une {task}. Quelle perte va avec sa sortie ?',
    'ex.task.binary': 'classification binaire (deux classes)',
    'ex.task.multiclass': 'classification en {k} classes',
    'ex.task.regression': 'régression (une valeur réelle)',
    'ex.a.W': 'W[{l}] a une ligne par neurone de la couche {l} (n[{l}] = {r}) et une colonne par entrée de cette couche (n[{p}] = {c}) : {r}×{c}.',
    'ex.a.b': 'b[{l}] a un biais par neurone : n[{l}]×1 = {r}×1 ; il est ajouté à chacune des m colonnes (diffusion).',
    'ex.a.Z': 'Z[{l}] = W[{l}] A[{p}] + b[{l}] : ({r}×{c})({c}×{m}) → {r}×{m}, une colonne par donnée.',
    'ex.a.A': 'A[{l}] = g[{l}](Z[{l}]) applique g à chaque valeur : même dimension que Z[{l}], {r}×{m}.',
    'ex.a.X': 'X = A[0] a une ligne par caractéristique (n[0] = {r}) et une colonne par donnée : {r}×{m}.',
    'ex.a.layerParams': 'n[{l}]·n[{p}] poids + n[{l}] biais = {r}·{c} + {r}{bn} = {n}.',
    'ex.a.bn': ' + 2·{r} (γ et β de la normalisation par lots)',
    'ex.a.netParams': 'La somme sur les couches de n[l]·n[l−1] + n[l] : {terms} = {n}.',
    'ex.a.bnNote': 'Une couche normalisée par lots apprend aussi γ et β : 2·n[l] de plus.',
    'ex.a.unit': 'neurone {i} : z = {sum} = {z}, a = {g}({z}) = {a}',
    'ex.a.softmax': 'puis softmax sur la colonne : a = {a}',
    'ex.a.binary': 'sigmoïde : un neurone, ŷ = P(y = 1 | x) dans (0, 1) ; avec l’entropie croisée binaire (bce).',
    'ex.a.multiclass': 'softmax : {k} neurones aux valeurs positives de somme 1, une probabilité par classe ; avec l’entropie croisée catégorielle (cce).',
    'ex.a.regression': 'l’identité (linéaire) : ŷ = z prend toute valeur réelle ; avec l’erreur quadratique ½(ŷ − y)² (mse).',
  },
};

export const KINDS = ['shapes', 'params', 'forward', 'output'];

/** g as the engine computes it (engine/activations.py), on one column. */
const G = /** @type {Record<string, (z: number[]) => number[]>} */ ({
  sigmoid: (z) => z.map((v) => 1 / (1 + Math.exp(-v))),
  tanh: (z) => z.map(Math.tanh),
  relu: (z) => z.map((v) => Math.max(0, v)),
  leaky_relu: (z) => z.map((v) => Math.max(0.01 * v, v)),
  elu: (z) => z.map((v) => (v > 0 ? v : Math.expm1(v))),
  linear: (z) => z.slice(),
  softmax: (z) => {
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  },
});

/** Accepted names for the output questions (lower case, accents kept and removed). */
const NAMES = /** @type {Record<string, string[]>} */ ({
  sigmoid: ['sigmoid', 'sigmoïde', 'sigmoide', 'σ', 'logistic', 'logistique'],
  softmax: ['softmax'],
  linear: ['linear', 'linéaire', 'lineaire', 'identity', 'identité', 'identite', 'id', 'none', 'aucune'],
  bce: ['bce', 'binary cross-entropy', 'binary crossentropy', 'entropie croisée binaire', 'log loss'],
  cce: ['cce', 'categorical cross-entropy', 'categorical crossentropy', 'cross-entropy', 'entropie croisée catégorielle', 'entropie croisée'],
  mse: ['mse', 'squared error', 'mean squared error', 'erreur quadratique', 'erreur quadratique moyenne'],
});
const OUTPUTS = /** @type {Record<string, [string, string]>} */ ({
  binary: ['sigmoid', 'bce'], multiclass: ['softmax', 'cce'], regression: ['linear', 'mse'],
});

/** @param {() => number} random @param {number} low @param {number} high an integer in [low, high] */
const int = (random, low, high) => low + Math.floor(random() * (high - low + 1));

/**
 * A seeded generator (mulberry32): the same seed gives the same exercise.
 * @param {number} seed
 */
export function generator(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One exercise on the network {sizes, activations, batchNorm} for a task.
 * @param {string} kind one of KINDS
 * @param {{sizes: number[], activations: string[], batchNorm: boolean[]}} net
 * @param {{task: string, classes: number}} task
 * @param {() => number} random
 * @returns {any} {kind, form, answer, ...what the question and the worked answer need}
 */
export function makeExercise(kind, net, task, random) {
  const { sizes, activations, batchNorm } = net;
  const L = sizes.length - 1;
  if (kind === 'shapes') {
    const m = [4, 5, 10, 20, 32, 100][int(random, 0, 5)];
    const l = int(random, 1, L);
    const matrix = ['W', 'b', 'Z', 'A', 'X'][int(random, 0, l === 1 ? 4 : 3)];
    const answer = { W: [sizes[l], sizes[l - 1]], b: [sizes[l], 1], Z: [sizes[l], m], A: [sizes[l], m], X: [sizes[0], m] }[matrix];
    return { kind, form: 'shape', m, l, matrix, answer, r: answer?.[0], c: matrix === 'W' ? sizes[l - 1] : answer?.[1] };
  }
  if (kind === 'params') {
    const counts = sizes.slice(1).map((n, i) => n * sizes[i] + n + (batchNorm[i] ? 2 * n : 0));
    if (L > 1 && random() < 0.4) return { kind, form: 'count', whole: true, sizes, bn: batchNorm, counts, answer: counts.reduce((a, b) => a + b, 0) };
    const l = int(random, 1, L);
    return { kind, form: 'count', whole: false, l, r: sizes[l], c: sizes[l - 1], bn: batchNorm[l - 1], answer: counts[l - 1] };
  }
  if (kind === 'forward') {
    const n0 = Math.min(Math.max(sizes[0], 2), 3);
    const n1 = Math.min(Math.max(sizes[1], 2), 3);
    const g = activations[0];
    const x = Array.from({ length: n0 }, () => int(random, -2, 2));
    const W = Array.from({ length: n1 }, () => Array.from({ length: n0 }, () => int(random, -2, 2)));
    const b = Array.from({ length: n1 }, () => int(random, -1, 1));
    const z = W.map((row, i) => row.reduce((s, w, j) => s + w * x[j], b[i]));
    return { kind, form: 'vector', g, x, W, b, z, answer: (G[g] ?? G.linear)(z) };
  }
  const [activation, loss] = OUTPUTS[task.task] ?? OUTPUTS.binary;
  const askLoss = random() < 0.5;
  return { kind: 'output', form: 'name', task: task.task, k: task.classes, askLoss, answer: askLoss ? loss : activation };
}

/**
 * Numbers in an answer: a shape "3×10", "(3, 10)", a vector "1; 0,5" or "1, 0.5".
 * @param {string} text
 */
export function numbers(text) {
  const decimalComma = text.includes(';');
  const cleaned = decimalComma ? text.replace(/,/g, '.') : text;
  return (cleaned.match(/[-−]?\d+(?:\.\d+)?/g) ?? []).map((s) => Number(s.replace('−', '-')));
}

/**
 * 'right', 'wrong' or 'unreadable' (the answer does not have the expected form).
 * @param {any} exercise
 * @param {string} text
 */
export function check(exercise, text) {
  const value = text.trim().toLowerCase();
  if (!value) return 'unreadable';
  if (exercise.form === 'name') {
    if (!Object.values(NAMES).some((names) => names.includes(value))) return 'unreadable';
    return NAMES[exercise.answer].includes(value) ? 'right' : 'wrong';
  }
  const got = numbers(value);
  const want = Array.isArray(exercise.answer) ? exercise.answer : [exercise.answer];
  if (got.length !== want.length) return 'unreadable';
  const tolerance = exercise.form === 'vector' ? 0.0051 + 1e-9 : 0;
  return got.every((v, i) => Math.abs(v - want[i]) <= tolerance) ? 'right' : 'wrong';
}

/** @param {number} v @param {string} lang */
const num = (v, lang) => formatNumber(Math.round(v * 100) / 100, { maximumFractionDigits: 2 }, lang);
/** @param {number[]} v @param {string} lang */
const vec = (v, lang) => `(${v.map((x) => num(x, lang)).join(lang === 'fr' ? ' ; ' : ', ')})`;
/** @param {number[][]} W @param {string} lang */
const mat = (W, lang) => `[${W.map((row) => vec(row, lang)).join(lang === 'fr' ? ' ; ' : ', ')}]`;

/**
 * The question, in the page's language.
 * @param {any} ex @param {(key: string, params?: any) => string} t @param {string} lang
 */
export function question(ex, t, lang) {
  if (ex.kind === 'shapes') return t('ex.q.shape', { m: ex.m, sym: ex.matrix === 'X' ? 'X' : `${ex.matrix}[${ex.l}]` });
  if (ex.kind === 'params') {
    return ex.whole ? t('ex.q.netParams', { sizes: ex.sizes.join('-') }) : t('ex.q.layerParams', { l: ex.l, units: ex.r, inputs: ex.c });
  }
  if (ex.kind === 'forward') return t('ex.q.forward', { n: ex.W.length, g: ex.g, x: vec(ex.x, lang), W: mat(ex.W, lang), b: vec(ex.b, lang) });
  const task = t(`ex.task.${ex.task}`, { k: ex.k });
  return t(ex.askLoss ? 'ex.q.outputLoss' : 'ex.q.outputActivation', { task });
}

/**
 * The worked answer, one line per step.
 * @param {any} ex @param {(key: string, params?: any) => string} t @param {string} lang
 * @returns {string[]}
 */
export function solution(ex, t, lang) {
  if (ex.kind === 'shapes') return [t(`ex.a.${ex.matrix}`, { l: ex.l, p: ex.l - 1, r: ex.r, c: ex.c, m: ex.m })];
  if (ex.kind === 'params') {
    if (ex.whole) {
      const terms = ex.sizes.slice(1).map((/** @type {number} */ n, /** @type {number} */ i) =>
        `(${n}·${ex.sizes[i]} + ${n}${ex.bn[i] ? ` + 2·${n}` : ''})`).join(' + ');
      return [t('ex.a.netParams', { terms, n: ex.answer }), ...(ex.bn.some(Boolean) ? [t('ex.a.bnNote')] : [])];
    }
    const bn = ex.bn ? t('ex.a.bn', { r: ex.r }) : '';
    return [t('ex.a.layerParams', { l: ex.l, p: ex.l - 1, r: ex.r, c: ex.c, bn, n: ex.answer })];
  }
  if (ex.kind === 'forward') {
    const lines = ex.W.map((/** @type {number[]} */ row, /** @type {number} */ i) => {
      const sum = [...row.map((w, j) => `${num(w, lang)}·${ex.x[j] < 0 ? `(${num(ex.x[j], lang)})` : num(ex.x[j], lang)}`), ex.b[i] < 0 ? `(${num(ex.b[i], lang)})` : num(ex.b[i], lang)].join(' + ');
      const a = ex.g === 'softmax' ? '…' : num(ex.answer[i], lang);
      return t('ex.a.unit', { i: i + 1, sum, z: num(ex.z[i], lang), g: ex.g, a });
    });
    if (ex.g === 'softmax') lines.push(t('ex.a.softmax', { a: vec(ex.answer, lang) }));
    return lines;
  }
  return [t(`ex.a.${ex.task}`, { k: ex.k })];
}

/**
 * @param {HTMLElement} container
 * @param {import('./state.js').ViewContext} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountExercises(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('pp-panel', 'pp-ex');
  container.innerHTML = `
    <h2 class="pp-title" data-label="ex.title"></h2>
    <div class="pp-ex-bar">
      <label><span class="pp-label" data-label="ex.kind"></span>
        <select data-testid="exercise-kind">${KINDS.map((k) => `<option value="${k}" data-label="ex.kind.${k}"></option>`).join('')}</select></label>
      <button type="button" class="pp-btn" data-testid="exercise-open" data-label="ex.open"></button>
    </div>
    <form class="pp-ex-form" hidden>
      <p class="pp-hint pp-ex-room" data-testid="exercise-from-teacher" data-label="ex.fromTeacher" hidden></p>
      <p class="pp-ex-question" data-testid="exercise-question"></p>
      <label class="pp-ex-answer"><span class="sr" data-label="ex.answer"></span>
        <input type="text" autocomplete="off" spellcheck="false" data-testid="exercise-answer"></label>
      <button type="submit" class="pp-btn" data-testid="exercise-check" data-label="ex.check"></button>
      <button type="button" class="pp-btn" data-testid="exercise-solution-button" data-label="ex.solution"></button>
      <p class="pp-ex-feedback" role="status" data-testid="exercise-feedback"></p>
      <ol class="pp-ex-solution" data-testid="exercise-solution" hidden></ol>
    </form>`;
  const q = (/** @type {string} */ id) => /** @type {any} */ (container.querySelector(`[data-testid="${id}"]`));
  const form = /** @type {HTMLFormElement} */ (container.querySelector('form'));
  const input = /** @type {HTMLInputElement} */ (q('exercise-answer'));
  /** @type {any} */ let state = null;
  /** @type {any} */ let exercise = null;
  /** @type {string} */ let verdict = '';
  /** The id of the exercise the teacher pushed, while it is the one shown (answers are sent). */
  /** @type {string | null} */ let fromRoom = null;
  let seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;

  function draw() {
    for (const el of container.querySelectorAll('[data-label]')) el.textContent = t(String(el.getAttribute('data-label')));
    q('exercise-open').textContent = t(exercise ? 'ex.new' : 'ex.open');
    if (!exercise) return;
    const lang = ctx.i18n.lang;
    form.hidden = false;
    q('exercise-question').textContent = question(exercise, t, lang);
    input.placeholder = t(`ex.form.${exercise.form}`);
    q('exercise-feedback').textContent = verdict === 'right' ? t('ex.right') : verdict === 'wrong' ? t('ex.wrong')
      : verdict === 'unreadable' ? t('ex.unreadable', { form: t(`ex.form.${exercise.form}`) }) : '';
    q('exercise-feedback').dataset.verdict = verdict;
    const steps = /** @type {HTMLElement} */ (q('exercise-solution'));
    steps.replaceChildren(...solution(exercise, t, lang).map((line) => Object.assign(document.createElement('li'), { textContent: line })));
  }

  /**
   * Draws an exercise of a kind from the network on screen.
   * @param {string} kind @param {number} withSeed @param {string | null} roomId
   */
  function open(kind, withSeed, roomId) {
    const net = architecture(state?.config, state?.data, state?.catalog);
    const task = { task: state?.data?.task ?? 'binary', classes: Number(state?.data?.classes) || 2 };
    q('exercise-kind').value = kind;
    exercise = makeExercise(kind, net, task, generator(withSeed));
    container.dataset.exercise = JSON.stringify(exercise);
    fromRoom = roomId;
    q('exercise-from-teacher').hidden = !roomId;
    verdict = '';
    input.value = '';
    q('exercise-solution').hidden = true;
    draw();
  }

  q('exercise-open').addEventListener('click', () => {
    seed = (seed + 1) >>> 0;
    open(q('exercise-kind').value, seed, null);
    input.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!exercise) return;
    verdict = check(exercise, input.value);
    if (fromRoom && (verdict === 'right' || verdict === 'wrong')) ctx.send({ type: 'exercise_answer', exercise: fromRoom, verdict });
    draw();
  });
  q('exercise-solution-button').addEventListener('click', () => {
    q('exercise-solution').hidden = false;
  });

  draw();
  return {
    update(next, changed) {
      state = next;
      const pushed = next.exerciseRequest;
      if (changed.has('exerciseRequest') && pushed && KINDS.includes(pushed.kind) && pushed.id !== fromRoom) {
        open(pushed.kind, Number(pushed.seed) >>> 0, String(pushed.id));
        container.scrollIntoView?.({ block: 'nearest' });
      } else if (changed.has('lang')) {
        draw();
      }
    },
  };
}
