// @ts-check
/**
 * The toolbar: play/pause, step, reset, speed and every training setting, the epoch counter and
 * metrics, the language toggle, presenter mode, the connection indicator and the error banner.
 * Keyboard: space plays or pauses, right arrow steps one epoch, r resets (and `e`, handled by
 * the lessons panel, opens the experiments menu). Its parts: controls/playback.js (play,
 * step, reset and their keys), controls/settings.js (the training settings), errorBanner.js.
 */

import { applyLabels, formatLoss, formatShare } from '../i18n.js';
import { createErrorBanner } from './errorBanner.js';
import { ERROR_STRINGS } from '../errors.js';
import { lockedIn } from '../rooms/locks.js';
import { rememberToggle, toggleFromUrl } from '../url.js';
import { createPlayback } from './controls/playback.js';
import { createSettings } from './controls/settings.js';

export const STRINGS = {
  en: {
    'controls.play': 'Play',
    'controls.pause': 'Pause',
    'controls.playTitle': 'Play or pause training (space)',
    'controls.step': 'Step',
    'controls.stepTitle': 'Train one epoch (right arrow)',
    'controls.reset': 'Reset',
    'controls.resetTitle': 'New initial weights, epoch 0 (r)',
    'controls.epoch': 'Epoch',
    'controls.speed': 'Speed',
    'controls.speedMax': 'max',
    'controls.speedN': '{n}/s',
    'controls.learningRate': 'Learning rate',
    'controls.batchSize': 'Batch size',
    'controls.optimizer': 'Optimizer',
    'controls.init': 'Initialization',
    'controls.initTitle': 'How the weights start. The course recommends small random weights (its idea 3: uniform [−1, 1]); Xavier, the default here, and He are beyond its syllabus (“hors matière”).',
    'controls.regularization': 'Regularization',
    'controls.regRate': 'Reg. rate',
    'controls.hyperTitle': 'A hyperparameter: a value you choose before training. The parameters, the weights and biases of the network, are learnt by gradient descent.',
    'controls.seed': 'Seed',
    'controls.newSeed': 'New random seed (new weights)',
    'controls.trainLoss': 'Train loss',
    'controls.testLoss': 'Test loss',
    'controls.trainAcc': 'Train acc.',
    'controls.testAcc': 'Test acc.',
    'controls.lang': 'Français',
    'controls.langTitle': 'Passer en français',
    'controls.lessons': 'Lessons ↓',
    'controls.lessonsTitle': 'The coach, the experiments and the instruments, below (e opens the experiments)',
    'controls.presenter': 'Presenter',
    'controls.presenterTitle': 'Large type and full screen, for projecting in class',
    'controls.connection.open': 'Connected',
    'controls.connection.connecting': 'Connecting…',
    'controls.connection.closed': 'Connection lost: reconnecting…',
    'controls.dismiss': 'Dismiss',
    'controls.diverged': 'Training diverged at epoch {epoch}: the learning rate is too large. Lower it, then reset (r).',
    'optimizer.gd': 'Gradient descent (full batch)',
    'optimizer.sgd': 'SGD',
    'optimizer.momentum': 'Momentum',
    'optimizer.adam': 'Adam',
    'init.zeros': 'Zeros',
    'init.constant': 'Constant 0.5',
    'init.uniform': 'Uniform [−1, 1]',
    'init.normal': 'Normal σ 0.1',
    'init.large_normal': 'Normal σ 5',
    'init.xavier': 'Xavier (Glorot)',
    'init.he': 'He',
    'reg.none': 'None',
    'reg.l1': 'L1',
    'reg.l2': 'L2',
    'field.config.optimizer.learning_rate': 'Learning rate',
    'field.config.optimizer.batch_size': 'Batch size',
    'field.config.optimizer.name': 'Optimizer',
    'field.config.init': 'Initialization',
    'field.config.regularization': 'Regularization',
    'field.config.seed': 'Seed',
    'field.config.view': 'Speed',
    'field.config.hidden': 'Network',
    'field.config.output': 'Output layer',
    'field.config.dataset': 'Data',
    'field.config.features': 'Input features',
    'field.url': 'Link',
  },
  fr: {
    'controls.play': 'Lancer',
    'controls.pause': 'Pause',
    'controls.playTitle': 'Lancer ou mettre en pause l’entraînement (espace)',
    'controls.step': 'Une époque',
    'controls.stepTitle': 'Entraîner une époque (flèche droite)',
    'controls.reset': 'Réinitialiser',
    'controls.resetTitle': 'Nouveaux poids initiaux, époque 0 (r)',
    'controls.epoch': 'Époque',
    'controls.speed': 'Vitesse',
    'controls.speedMax': 'max',
    'controls.speedN': '{n}/s',
    'controls.learningRate': 'Taux d’apprentissage',
    'controls.batchSize': 'Taille du mini-lot',
    'controls.optimizer': 'Optimiseur',
    'controls.init': 'Initialisation',
    'controls.initTitle': 'Comment les poids démarrent. Le cours recommande de petits poids aléatoires (son idée 3 : uniforme [−1, 1]) ; Xavier, choisi par défaut ici, et He sont hors matière.',
    'controls.regularization': 'Régularisation',
    'controls.regRate': 'Taux de régul.',
    'controls.hyperTitle': 'Un hyper-paramètre : une valeur que vous choisissez avant l’entraînement. Les paramètres, les poids et les biais du réseau, sont appris par la descente de gradient.',
    'controls.seed': 'Graine',
    'controls.newSeed': 'Nouvelle graine aléatoire (nouveaux poids)',
    'controls.trainLoss': 'Coût entraîn.',
    'controls.testLoss': 'Coût test',
    'controls.trainAcc': 'Préc. entraîn.',
    'controls.testAcc': 'Préc. test',
    'controls.lang': 'English',
    'controls.langTitle': 'Switch to English',
    'controls.lessons': 'Leçons ↓',
    'controls.lessonsTitle': 'Les conseils, les expériences et les instruments, plus bas (e ouvre les expériences)',
    'controls.presenter': 'Présentation',
    'controls.presenterTitle': 'Grands caractères et plein écran, pour projeter en cours',
    'controls.connection.open': 'Connecté',
    'controls.connection.connecting': 'Connexion…',
    'controls.connection.closed': 'Connexion perdue : reconnexion…',
    'controls.dismiss': 'Fermer',
    'controls.diverged': 'L’entraînement a divergé à l’époque {epoch} : le taux d’apprentissage est trop grand. Baissez-le, puis réinitialisez (r).',
    'optimizer.gd': 'Descente de gradient (lot complet)',
    'optimizer.sgd': 'SGD',
    'optimizer.momentum': 'Momentum',
    'optimizer.adam': 'Adam',
    'init.zeros': 'Zéros',
    'init.constant': 'Constante 0,5',
    'init.uniform': 'Uniforme [−1, 1]',
    'init.normal': 'Normale σ 0,1',
    'init.large_normal': 'Normale σ 5',
    'init.xavier': 'Xavier (Glorot)',
    'init.he': 'He',
    'reg.none': 'Aucune',
    'reg.l1': 'L1',
    'reg.l2': 'L2',
    'field.config.optimizer.learning_rate': 'Taux d’apprentissage',
    'field.config.optimizer.batch_size': 'Taille du mini-lot',
    'field.config.optimizer.name': 'Optimiseur',
    'field.config.init': 'Initialisation',
    'field.config.regularization': 'Régularisation',
    'field.config.seed': 'Graine',
    'field.config.view': 'Vitesse',
    'field.config.hidden': 'Réseau',
    'field.config.output': 'Couche de sortie',
    'field.config.dataset': 'Données',
    'field.config.features': 'Caractéristiques d’entrée',
    'field.url': 'Lien',
  },
};

/** Which control a config field belongs to (longest prefix wins). */
const FIELD_CONTROLS = [
  ['config.optimizer.learning_rate', 'learning-rate'],
  ['config.optimizer.batch_size', 'batch-size'],
  ['config.optimizer', 'optimizer'],
  ['config.init', 'init'],
  ['config.regularization.rate', 'regularization-rate'],
  ['config.regularization', 'regularization'],
  ['config.seed', 'seed'],
  ['config.view.epochs_per_second', 'speed'],
];

/** The toolbar's markup: static, its words filled in by applyLabels. */
const TOOLBAR = `
    <div class="toolbar">
      <div class="playback">
        <button type="button" class="btn-round reset" data-testid="reset" data-title="controls.resetTitle">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z"/></svg>
          <span class="sr" data-label="controls.reset"></span></button>
        <button type="button" class="btn-round play" data-testid="play-pause" aria-pressed="false" data-title="controls.playTitle">
          <svg class="icon-play" viewBox="0 0 24 24" aria-hidden="true"><path d="M8 5v14l11-7z"/></svg>
          <svg class="icon-pause" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>
          <span class="sr play-label"></span></button>
        <button type="button" class="btn-round step" data-testid="step" data-title="controls.stepTitle">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 5v14l9-7zM16 5h2.5v14H16z"/></svg>
          <span class="sr" data-label="controls.step"></span></button>
        <div class="readout epoch-box"><span class="readout-label" data-label="controls.epoch"></span>
          <span class="readout-value epoch" data-testid="epoch">0</span></div>
      </div>
      <div class="settings">
        <label class="field"><span data-label="controls.speed"></span><select data-testid="speed"></select></label>
        <label class="field"><span data-label="controls.learningRate" data-kind="hyperparameter" data-title="controls.hyperTitle"></span><select data-testid="learning-rate"></select></label>
        <label class="field"><span data-label="controls.batchSize" data-kind="hyperparameter" data-title="controls.hyperTitle"></span><select data-testid="batch-size"></select></label>
        <label class="field"><span data-label="controls.optimizer" data-kind="hyperparameter" data-title="controls.hyperTitle"></span><select data-testid="optimizer"></select></label>
        <label class="field" data-title="controls.initTitle"><span data-label="controls.init" data-kind="hyperparameter" data-title="controls.hyperTitle"></span><select data-testid="init"></select></label>
        <label class="field"><span data-label="controls.regularization" data-kind="hyperparameter" data-title="controls.hyperTitle"></span><select data-testid="regularization"></select></label>
        <label class="field"><span data-label="controls.regRate" data-kind="hyperparameter" data-title="controls.hyperTitle"></span><select data-testid="regularization-rate"></select></label>
        <label class="field seed-field"><span data-label="controls.seed"></span>
          <span class="seed-row"><input type="number" min="0" step="1" data-testid="seed">
          <button type="button" class="btn-icon" data-testid="new-seed" data-title="controls.newSeed" aria-label="">⟳</button></span></label>
      </div>
      <div class="metrics">
        <div class="readout"><span class="readout-label" data-label="controls.trainLoss"></span><span class="readout-value" data-testid="loss-train">–</span></div>
        <div class="readout"><span class="readout-label" data-label="controls.testLoss"></span><span class="readout-value" data-testid="loss-test">–</span></div>
        <div class="readout acc"><span class="readout-label" data-label="controls.trainAcc"></span><span class="readout-value" data-testid="accuracy-train">–</span></div>
        <div class="readout acc"><span class="readout-label" data-label="controls.testAcc"></span><span class="readout-value" data-testid="accuracy-test">–</span></div>
      </div>
      <div class="app-buttons">
        <span class="connection" data-testid="connection" data-state="connecting" role="status"><i></i><span class="connection-text"></span></span>
 <a class="btn lessons-link" href="#lessons" data-testid="lessons-link" data-title="controls.lessonsTitle" data-label="controls.lessons"></a>
        <button type="button" class="btn" data-testid="lang" data-title="controls.langTitle" data-label="controls.lang"></button>
        <button type="button" class="btn" data-testid="presenter" aria-pressed="false" data-title="controls.presenterTitle" data-label="controls.presenter"></button>
      </div>
    </div>
    <div class="error-banner" data-testid="error" role="alert" hidden>
      <span class="error-text"></span>
      <button type="button" class="btn-icon dismiss" data-testid="error-dismiss" data-title="controls.dismiss">×</button>
    </div>`;

/** Writes text only when it differs, so an unchanged readout costs no layout. */
function setText(/** @type {HTMLElement} */ el, /** @type {string} */ text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 */
export function mountControls(container, ctx) {
  ctx.i18n.register(STRINGS);
  ctx.i18n.register(ERROR_STRINGS);
  const t = ctx.t;
  container.classList.add('controls');
  container.innerHTML = TOOLBAR;

  const q = (/** @type {string} */ id) => /** @type {any} */ (container.querySelector(`[data-testid="${id}"]`));
  const epochEl = q('epoch');
  const readouts = {
    trainLoss: q('loss-train'), testLoss: q('loss-test'), trainAcc: q('accuracy-train'), testAcc: q('accuracy-test'),
  };
  const accuracyBoxes = /** @type {HTMLElement[]} */ ([...container.querySelectorAll('.readout.acc')]);
  const connectionEl = q('connection');
  const banner = createErrorBanner(q('error'), {
    t,
    root: container,
    controlFor(field) {
      const match = FIELD_CONTROLS.find(([prefix]) => field.startsWith(prefix));
      return match ? q(match[1]) : null;
    },
  });

  /** @type {any} */ let config = null;
  /** @type {any} */ let catalog = null;
  /** The controls a teacher locked (rooms/locks.js). */
  /** @type {ReadonlySet<string>} */ let locked = new Set();
  const playback = createPlayback(q, ctx, t);
  const settings = createSettings(q, { ctx, t, banner });
  const renderSettings = () => settings.render(config, catalog, locked);
  q('lang').addEventListener('click', () => ctx.i18n.setLang(ctx.i18n.lang === 'fr' ? 'en' : 'fr'));
  q('presenter').addEventListener('click', () => setPresenter(!ctx.store.state.presenter));
  if (toggleFromUrl('presenter', ctx.landing ?? location.search)) setPresenter(true, false);

  /**
   * Presenter mode on or off (`state.presenter`: main.js lays the page out for it); full
   * screen when a click asked for it (a link cannot).
   */
  function setPresenter(/** @type {boolean} */ on, fullscreen = true) {
    ctx.store.set('presenter', on);
    rememberToggle('presenter', on);
    if (!fullscreen) return;
    if (on && document.documentElement.requestFullscreen && !document.fullscreenElement) {
      document.documentElement.requestFullscreen().catch(() => {});
    } else if (!on && document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    }
  }

  function relabel() {
    // Icon-only buttons take their accessible name from the tooltip; the others have text.
    applyLabels(container, t, (el) => el.classList.contains('btn-icon') || el.classList.contains('btn-round'));
    playback.relabel();
    renderConnection(connectionEl.dataset.state);
    renderSettings();
    banner.relabel();
  }

  function renderConnection(/** @type {string} */ state) {
    connectionEl.dataset.state = state;
    connectionEl.querySelector('.connection-text').textContent = t(`controls.connection.${state}`);
  }

  relabel();

  return {
    /**
     * @param {import('../state.js').AppState} state
     * @param {Set<string>} changed
     */
    update(state, changed) {
      if (changed.has('lang')) {
        q('lang').setAttribute('lang', ctx.i18n.lang === 'fr' ? 'en' : 'fr');
        relabel();
      }
      if (changed.has('catalog')) {
        catalog = state.catalog;
        renderSettings();
      }
      if ((changed.has('config') && state.config) || changed.has('locked')) {
        config = state.config ?? config;
        locked = lockedIn(state);
        renderSettings();
      }
      if (changed.has('presenter')) q('presenter').setAttribute('aria-pressed', String(Boolean(state.presenter)));
      if (changed.has('connection')) {
        renderConnection(state.connection);
        // No training runs without a connection: the button says so (the session's play state
        // comes back with its status once reconnected).
        if (state.connection !== 'open') playback.setPlaying(false);
      }
      if (changed.has('status') && state.status) {
        playback.setPlaying(state.status.state === 'playing');
        setText(epochEl, String(state.status.epoch ?? 0));
      }
      if ((changed.has('frame') || changed.has('lang')) && state.frame) {
        const h = state.frame.header;
        const m = h.metrics ?? {};
        setText(epochEl, String(h.epoch));
        setText(readouts.trainLoss, formatLoss(m.train_loss));
        setText(readouts.testLoss, formatLoss(m.test_loss));
        setText(readouts.trainAcc, formatShare(m.train_accuracy));
        setText(readouts.testAcc, formatShare(m.test_accuracy));
        const classification = m.train_accuracy !== null && m.train_accuracy !== undefined;
        for (const el of accuracyBoxes) if (el.hidden === classification) el.hidden = !classification;
      }
      banner.update(state, changed);
    },
  };
}
