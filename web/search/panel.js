// @ts-check
/**
 * The Search panel: runs a hyperparameter search on the server (the course's 60-config grid,
 * seeds, same start, or random/local/bayesian search) and shows its trials as they finish: a
 * progress bar with the time left, a sortable table with each trial's decision boundary
 * (32×32), and the best score so far against the trial number. Clicking a trial loads its
 * config and final weights into the playground. The preset `custom` opens the space editor
 * (space.js): each field's values, chosen one by one.
 */
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { applyLabels, formatNumber, formatShare } from '../i18n.js';
import { divergingLut } from '../palette.js';
import { rememberSearch, searchFromUrl } from '../url.js';
import { createParamFigures, createSeedsFigure } from './figures.js';
import { drawBestCurve } from './plots.js';
import { STRINGS as SPACE_STRINGS, mountSpaceEditor } from './space.js';
import { num, thumbnail, trialRow } from './trials.js';

export const STRINGS = {
  en: {
    'search.title': 'Search',
    'search.hint': 'Train many networks and keep the best: each trial is scored on the validation points; only the best is scored on the test points.',
    'search.method': 'Method', 'search.preset': 'Preset', 'search.trials': 'Trials', 'search.epochs': 'Epochs',
    'search.objective': 'Objective', 'search.start': 'Start', 'search.stop': 'Stop',
    'search.method.grid': 'Grid (every config)', 'search.method.random': 'Random',
    'search.method.local': 'Local (hill climbing)', 'search.method.bayesian': 'Bayesian (TPE)',
    'search.preset.course-grid': 'Course grid: 60 configs',
    'search.preset.seeds': 'Seeds: this config from 10 initial weights',
    'search.preset.same-start': 'Same start: 5 learning rates',
    'search.preset.same-start-optimizers': 'Same start: every optimizer',
    'search.objective.loss': 'Validation loss', 'search.objective.accuracy': 'Validation accuracy',
    'search.progress': '{done} / {total} trials · about {left} s left',
    'search.progressEnd': '{done} / {total} trials in {elapsed} s ({state})',
    'search.state.done': 'done', 'search.state.stopped': 'stopped', 'search.state.failed': 'failed',
    'search.best': 'Best: trial {trial}, {objective} {score}',
    'search.bestTest': 'Best: trial {trial}, {objective} {score}; on the test points: loss {loss}, accuracy {accuracy}',
    'search.none': 'No search yet.',
    'search.col.trial': '#', 'search.col.boundary': 'Boundary', 'search.col.config': 'Config',
    'search.col.val_loss': 'Val. loss', 'search.col.val_accuracy': 'Val. acc.',
    'search.col.train_loss': 'Train loss', 'search.col.params': 'Params', 'search.col.seconds': 'Time (s)',
    'search.load': 'Load', 'search.loadTitle': 'Load this trial: its config and final weights',
    'search.chart': 'Best so far vs trial number', 'search.diverged': 'diverged',
    'search.params': 'The objective against each hyperparameter that varies (orange: the best trial)',
    'search.paramTitle': '{objective} against {field}',
    'search.seeds': 'Final training loss of each seed',
    'search.seedsStats': '{n} seeds: min {min} (trial {low}) · median {median} · max {max} (trial {high})',
    'search.seedsNote': 'The highest final loss is {ratio} times the lowest: from other initial weights the same network ends at other losses, in other minima or on its way to them. A convex loss has a single minimum that every start reaches; a spread this large is what the non-convexity experiment shows on every seed tried. (“Best” above is the trial with the best validation score, not the lowest training loss.)',
    'search.seedsNoteClose': 'The highest final loss is only {ratio} times the lowest: these starts ended at about the same loss. This spread alone does not show that the loss is not convex.',
    'search.field.learning_rate': 'learning rate', 'search.field.optimizer': 'optimizer',
    'search.field.batch_size': 'batch size', 'search.field.layers': 'hidden layers',
    'search.field.units': 'neurons per layer', 'search.field.activation': 'activation',
    'search.field.init': 'initialization', 'search.field.regularization': 'regularization',
    'search.field.reg_rate': 'regularization rate', 'search.field.features': 'features',
    'search.field.seed': 'seed',
    'search.row': 'α = {lr} · {optimizer} · {layers}×{units} {activation}',
    'search.row.seed': 'seed {seed}',
    'search.row.gd': 'full batch',
    'search.layersNote': 'The course’s grid is 4 learning rates × 1 to 5 layers × 3 activations. Layers count hidden layers here; the course counts the output layer too (its “two-layer network” has one hidden layer), so its grid’s 1 to 5 layers are read as 1 to 5 hidden layers, L = 2 to 6 in its terms.',
  },
  fr: {
    'search.title': 'Recherche',
    'search.hint': 'Entraîner beaucoup de réseaux et garder le meilleur : chaque essai est noté sur les points de validation ; seul le meilleur est noté sur les points de test.',
    'search.method': 'Méthode', 'search.preset': 'Préréglage', 'search.trials': 'Essais', 'search.epochs': 'Époques',
    'search.objective': 'Objectif', 'search.start': 'Lancer', 'search.stop': 'Arrêter',
    'search.method.grid': 'Grille (toutes les configurations)', 'search.method.random': 'Aléatoire',
    'search.method.local': 'Locale (descente)', 'search.method.bayesian': 'Bayésienne (TPE)',
    'search.preset.course-grid': 'Grille du cours : 60 configurations',
    'search.preset.seeds': 'Graines : cette configuration depuis 10 poids initiaux',
    'search.preset.same-start': 'Même départ : 5 taux d’apprentissage',
    'search.preset.same-start-optimizers': 'Même départ : chaque optimiseur',
    'search.objective.loss': 'Coût de validation', 'search.objective.accuracy': 'Précision de validation',
    'search.progress': '{done} / {total} essais · environ {left} s restantes',
    'search.progressEnd': '{done} / {total} essais en {elapsed} s ({state})',
    'search.state.done': 'terminé', 'search.state.stopped': 'arrêté', 'search.state.failed': 'échec',
    'search.best': 'Meilleur : essai {trial}, {objective} {score}',
    'search.bestTest': 'Meilleur : essai {trial}, {objective} {score} ; sur les points de test : coût {loss}, précision {accuracy}',
    'search.none': 'Pas encore de recherche.',
    'search.col.trial': 'n°', 'search.col.boundary': 'Frontière', 'search.col.config': 'Configuration',
    'search.col.val_loss': 'Coût val.', 'search.col.val_accuracy': 'Préc. val.',
    'search.col.train_loss': 'Coût entr.', 'search.col.params': 'Param.', 'search.col.seconds': 'Temps (s)',
    'search.load': 'Charger', 'search.loadTitle': 'Charger cet essai : sa configuration et ses poids finaux',
    'search.chart': 'Meilleur score selon le numéro d’essai', 'search.diverged': 'divergé',
    'search.params': 'L’objectif selon chaque hyper-paramètre qui varie (en orange : le meilleur essai)',
    'search.paramTitle': '{objective} selon {field}',
    'search.seeds': 'Coût d’entraînement final de chaque graine',
    'search.seedsStats': '{n} graines : min {min} (essai {low}) · médiane {median} · max {max} (essai {high})',
    'search.seedsNote': 'Le coût final le plus haut vaut {ratio} fois le plus bas : depuis d’autres poids initiaux, le même réseau finit à d’autres coûts, dans d’autres minima ou en chemin vers eux. Un coût convexe a un seul minimum, que chaque départ atteint ; un tel écart est ce que l’expérience sur la non-convexité montre sur chaque graine essayée. (« Meilleur » ci-dessus est l’essai au meilleur score de validation, pas celui au coût d’entraînement le plus bas.)',
    'search.seedsNoteClose': 'Le coût final le plus haut ne vaut que {ratio} fois le plus bas : ces départs ont fini à peu près au même coût. Cet écart seul ne montre pas que le coût n’est pas convexe.',
    'search.field.learning_rate': 'taux d’apprentissage', 'search.field.optimizer': 'optimiseur',
    'search.field.batch_size': 'taille du mini-lot', 'search.field.layers': 'couches cachées',
    'search.field.units': 'neurones par couche', 'search.field.activation': 'activation',
    'search.field.init': 'initialisation', 'search.field.regularization': 'régularisation',
    'search.field.reg_rate': 'taux de régularisation', 'search.field.features': 'entrées',
    'search.field.seed': 'graine',
    'search.row': 'α = {lr} · {optimizer} · {layers}×{units} {activation}',
    'search.row.seed': 'graine {seed}',
    'search.row.gd': 'lot complet',
    'search.layersNote': 'La grille du cours croise 4 taux d’apprentissage × 1 à 5 couches × 3 activations. Les couches comptées ici sont les couches cachées ; le cours compte aussi la couche de sortie (son « réseau à deux couches » a une couche cachée) : les 1 à 5 couches de sa grille sont lues comme 1 à 5 couches cachées, soit L = 2 à 6 dans ses termes.',
  },
};

const COLUMNS = ['trial', 'val_loss', 'val_accuracy', 'train_loss', 'params', 'seconds'];

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx  the page's context (store, send, t, i18n)
 */
export function mountSearchPanel(container, ctx) {
  ctx.i18n.register(STRINGS);
  ctx.i18n.register(SPACE_STRINGS);
  const t = ctx.t;
  const lut = divergingLut(0.8);
  const select = (/** @type {string} */ id, /** @type {string[]} */ values, /** @type {string} */ prefix) =>
    h('select', { 'data-testid': id }, values.map((v) => h('option', { value: v, 'data-label': `${prefix}.${v}` })));
  // The methods, presets and objectives, and the most trials and epochs, are the catalog's.
  const method = /** @type {HTMLSelectElement} */ (select('search-method', [], 'search.method'));
  const preset = /** @type {HTMLSelectElement} */ (select('search-preset', [], 'search.preset'));
  const objective = /** @type {HTMLSelectElement} */ (select('search-objective', [], 'search.objective'));
  const trials = /** @type {HTMLInputElement} */ (h('input', { type: 'number', min: '1', value: '60', 'data-testid': 'search-trials' }));
  const epochs = /** @type {HTMLInputElement} */ (h('input', { type: 'number', min: '1', value: '100', 'data-testid': 'search-epochs' }));
  const start = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'srch-primary', 'data-testid': 'search-start', 'data-label': 'search.start' }));
  const stop = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', 'data-testid': 'search-stop', 'data-label': 'search.stop' }));
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { max: '1', value: '0', 'data-testid': 'search-progress' }));
  const barText = h('span', { class: 'srch-muted' });
  const bestLine = h('p', { class: 'srch-best', 'data-testid': 'search-best' });
  const chart = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'srch-chart', 'data-testid': 'search-chart', role: 'img', 'data-title': 'search.chart' }));
  const params = createParamFigures(t);
  const seeds = createSeedsFigure(t);
  const head = h('tr', {}, [
    ...COLUMNS.slice(0, 1).map(sortHeader), h('th', { 'data-label': 'search.col.boundary' }),
    h('th', { 'data-label': 'search.col.config' }), ...COLUMNS.slice(1).map(sortHeader), h('th'),
  ]);
  const body = h('tbody');
  /** Where a server error naming a setup control goes (the space's fields: the editor). */
  /** @type {Record<string, HTMLElement>} */
  const errorSpots = {};
  const field = (/** @type {string} */ key, /** @type {HTMLElement} */ input) => {
    const name = key.split('.')[1];
    errorSpots[name] = h('span', { class: 'srch-error', role: 'alert', 'data-testid': `search-error-${name}` });
    return h('label', {}, [h('span', { 'data-label': key }), input, errorSpots[name]]);
  };
  const spaceBox = h('div');
  // The course counts the output layer among the layers; the grid counts hidden layers.
  const layersNote = h('p', { class: 'srch-muted', 'data-testid': 'search-layers-note', 'data-label': 'search.layersNote' });
  container.replaceChildren(h('div', { class: 'srch panel', 'data-testid': 'search-panel' }, [
    h('h2', { class: 'srch-title', 'data-label': 'search.title' }),
    h('p', { class: 'srch-muted', 'data-label': 'search.hint' }),
    h('div', { class: 'srch-controls' }, [
      field('search.method', method), field('search.preset', preset), field('search.trials', trials),
      field('search.epochs', epochs), field('search.objective', objective), start, stop,
    ]),
    layersNote,
    spaceBox,
    h('div', { class: 'srch-bar' }, [bar, barText]),
    bestLine,
    chart,
    params.section,
    seeds.section,
    h('div', { class: 'srch-scroll' }, [h('table', { class: 'srch-table' }, [h('thead', {}, [head]), body])]),
  ]));

  /** @type {{search: number, preset: string, progress: any, trials: any[]}} */
  let run = { search: 0, preset: '', progress: null, trials: [] };
  /** The preset of the last search_start sent: the next new search number runs it. */
  let sentPreset = '';
  let sortKey = 'trial';
  let sortDir = 1;
  /** @type {number | null} */ let loaded = null;
  /** Each trial's thumbnail, drawn once (the table is rebuilt as trials arrive or sort). */
  /** @type {Map<number, HTMLCanvasElement>} */ let thumbs = new Map();

  /** @param {string} key */
  function sortHeader(key) {
    const button = h('button', { type: 'button', 'data-testid': `search-sort-${key}`, 'data-label': `search.col.${key}` });
    button.addEventListener('click', () => {
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      drawTable();
    });
    return h('th', {}, [button]);
  }

  // The setup lives in the page's link too (smethod, spreset, strials, sepochs, sobj, sspace).
  const controls = { method, preset, trials, epochs, objective };
  const editor = mountSpaceEditor(spaceBox, { onChange: () => rememberSearch(setup()), t });
  const { setup: linked } = searchFromUrl(ctx.landing ?? location.search);
  /** Sets the controls from the page's link (once the catalog has filled them). */
  function applyLink() {
    for (const [key, value] of Object.entries(linked)) {
      if (key === 'space') { editor.decode(String(value)); continue; }
      const control = controls[/** @type {keyof typeof controls} */ (key)];
      if (control instanceof HTMLSelectElement) {
        if ([...control.options].some((o) => o.value === value)) control.value = String(value);
      } else if (control) {
        control.value = String(Math.min(Number(value), Number(control.max)));
      }
    }
  }
  /**
   * The catalog's choices in a select (its current choice kept when still offered).
   * @param {HTMLSelectElement} control @param {string[]} values @param {string} prefix
   */
  function fill(control, values, prefix) {
    const current = control.value;
    control.replaceChildren(...values.map((v) => h('option', { value: v, 'data-label': `${prefix}.${v}` })));
    if (values.includes(current)) control.value = current;
  }
  const setup = () => ({
    method: method.value, preset: preset.value, objective: objective.value,
    trials: Math.max(1, Math.round(Number(trials.value) || 1)), epochs: Math.max(1, Math.round(Number(epochs.value) || 1)),
    space: preset.value === 'custom' ? editor.encode() : '',
  });
  const showEditor = () => {
    editor.show(preset.value === 'custom');
    layersNote.hidden = preset.value !== 'course-grid' && preset.value !== 'custom';
  };
  showEditor();
  for (const control of Object.values(controls)) control.addEventListener('change', () => rememberSearch(setup()));
  preset.addEventListener('change', showEditor);

  /** The id of the last search_start: an error with that id belongs to this panel. */
  /** @type {number | null} */ let startId = null;
  start.addEventListener('click', () => {
    const { space, ...rest } = setup();
    /** @type {import('../types/protocol').Outgoing} */
    const message = /** @type {import('../types/protocol').Outgoing} */ (preset.value === 'custom'
      ? { type: 'search_start', ...rest, preset: undefined, space: editor.space() }
      : { type: 'search_start', ...rest });
    sentPreset = preset.value;
    clearErrors();
    startId = ctx.send(message) ?? null;
  });

  function clearErrors() {
    for (const spot of Object.values(errorSpots)) spot.textContent = '';
    editor.clearErrors();
  }

  /** A server error answering our search_start, shown next to the field it names. */
  function showError(/** @type {import('../state.js').PageError} */ error) {
    const fieldName = String(error.field ?? '');
    if (fieldName.startsWith('space') && preset.value === 'custom' && editor.showError(fieldName, errorText(t, error))) return;
    const spot = errorSpots[fieldName.split('.')[0]] ?? errorSpots.preset;
    spot.textContent = errorText(t, error);
  }
  stop.addEventListener('click', () => ctx.send({ type: 'search_stop' }));

  /** @param {number} trial */
  function load(trial) {
    loaded = trial;
    ctx.send({ type: 'search_load', trial });
    drawTable();
  }

  /** @param {import('../state.js').SearchMessage} message */
  function apply(message) {
    if (message.search !== run.search) {
      run = { search: message.search, preset: sentPreset, progress: null, trials: [] };
      thumbs = new Map();
      params.reset();
      loaded = null;
    }
    if (message.type === 'search_trial') run.trials.push(message);
    else run.progress = message;
  }

  function drawProgress() {
    const p = run.progress;
    const running = p?.state === 'running';
    start.disabled = running;
    stop.disabled = !running;
    if (!p) {
      bar.value = 0;
      barText.textContent = t('search.none');
      bestLine.textContent = '';
      return;
    }
    bar.value = p.total ? run.trials.length / p.total : 0;
    barText.textContent = running
      ? t('search.progress', { done: run.trials.length, total: p.total, left: p.remaining == null ? '?' : Math.ceil(p.remaining) })
      : t('search.progressEnd', { done: p.done, total: p.total, elapsed: formatNumber(p.elapsed, { minimumFractionDigits: 1, maximumFractionDigits: 1 }), state: t(`search.state.${p.state}`) });
    const best = bestTrial();
    bestLine.dataset.trial = best ? String(best.trial) : '';
    if (!best) { bestLine.textContent = ''; return; }
    const score = p.objective === 'accuracy' ? formatShare(best.score) : num(best.score);
    const params = { trial: best.trial, objective: t(`search.objective.${p.objective}`).toLowerCase(), score };
    bestLine.textContent = p.test_loss != null
      ? t('search.bestTest', { ...params, loss: num(p.test_loss), accuracy: formatShare(p.test_accuracy) })
      : t('search.best', params);
  }

  function bestTrial() {
    const sign = run.progress?.objective === 'accuracy' ? -1 : 1;
    let best = null;
    for (const trial of run.trials) {
      if (trial.score == null) continue;
      if (!best || sign * trial.score < sign * best.score) best = trial;
    }
    return best;
  }

  function drawTable() {
    const key = sortKey;
    const rows = [...run.trials].sort((a, b) => sortDir * ((a[key] ?? Infinity) - (b[key] ?? Infinity)) || a.trial - b.trial);
    const multiclass = ctx.store.state.data?.task === 'multiclass';
    body.replaceChildren(...rows.map((trial) => {
      let thumb = thumbs.get(trial.trial);
      if (!thumb) thumbs.set(trial.trial, (thumb = thumbnail(trial.thumbnail, multiclass, lut)));
      return trialRow(trial, { t, thumb, loaded: trial.trial === loaded, load: () => load(trial.trial) });
    }));
  }

  return {
    /** @param {import('../state.js').AppState} state @param {Set<string>} changed */
    update(state, changed) {
      if (changed.has('lang')) { applyLabels(container, t); editor.drawSize(); }
      if (changed.has('hello') && state.hello?.limits) {
        const first = !method.options.length;
        trials.max = String(state.hello.limits.max_search_trials);
        epochs.max = String(state.hello.limits.max_search_epochs);
        const { search } = state.hello.catalog;
        fill(method, search.methods, 'search.method');
        fill(preset, [...search.presets, 'custom'], 'search.preset');
        fill(objective, search.objectives, 'search.objective');
        editor.setCatalog(state.hello.catalog);
        if (first) { applyLink(); showEditor(); }
        applyLabels(container, t);
        const promised = (state.hello.catalog?.experiments ?? []).find((e) => e.seeds_ratio);
        if (promised?.seeds_ratio) seeds.setPromise(promised.seeds_ratio);
        applyLabels(spaceBox, t);
      }
      if (changed.has('errors') && startId !== null) {
        const latest = state.errors[state.errors.length - 1];
        if (latest?.id === startId) showError(latest);
      }
      if (changed.has('searchRequest') && state.searchRequest) {
        // Another view asked for a search (an experiment's seeds button): set it up and start.
        const { preset: name, trials: n, epochs: e } = state.searchRequest;
        state.searchRequest = null;
        method.value = 'grid';
        preset.value = name;
        preset.dispatchEvent(new Event('change'));
        trials.value = String(n);
        epochs.value = String(e);
        objective.value = 'loss';
        rememberSearch(setup());
        if (!start.disabled) start.click();
        container.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      }
      const inbox = state.searchInbox ?? [];
      const fresh = changed.has('searchInbox') && inbox.length > 0;
      if (fresh) for (const message of inbox.splice(0)) apply(message);
      if (fresh || changed.has('lang')) {
        drawProgress();
        drawTable();
        drawBestCurve(chart, run.trials, run.progress);
        params.draw(run.trials, t(`search.objective.${run.progress?.objective ?? 'loss'}`), bestTrial());
        seeds.draw(run.preset, run.trials);
      }
    },
  };
}
