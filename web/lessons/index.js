// @ts-check
/**
 * The Lessons panel: the pitfall coach (always visible) above a tabbed set of instruments that
 * make the course's claims visible (initialization, symmetry, vanishing gradients, dead ReLUs,
 * linear collapse, the matrix inspector) and the experiments menu that sets each one up.
 *
 * `?experiment=<name>` in the page URL applies that experiment once the server said hello.
 * Hidden tabs skip their drawing; an instrument that keeps a history (gradient norms) still
 * records it. See docs/lessons.md for the teacher's guide.
 */
import { mountCoach, STRINGS as COACH_STRINGS } from './coach.js';
import {
  experimentConfig, experimentFromUrl, experimentsOf, mountExperimentCard, mountExperiments, rememberExperiment,
  STRINGS as EXP_STRINGS,
} from './experiments.js';
import { mountCollapse, STRINGS as COLLAPSE_STRINGS } from './collapse.js';
import { mountDeadRelu, STRINGS as DEAD_STRINGS } from './deadRelu.js';
import { mountGradients, STRINGS as GRAD_STRINGS } from './gradients.js';
import { mountInitLab, STRINGS as INIT_STRINGS } from './initLab.js';
import { mountInspector, SAMPLE_LIMIT, STRINGS as INSPECT_STRINGS } from './inspector.js';
import { STRINGS as SOFTMAX_STRINGS } from './softmaxExample.js';
import { STRINGS as TIMING_STRINGS } from './forwardTiming.js';
import { STRINGS as KINDS_STRINGS } from './paramKinds.js';
import { STRINGS as ZIGZAG_STRINGS } from './zigzagPath.js';
import { mountSymmetry, STRINGS as SYM_STRINGS } from './symmetry.js';
import { ensureLessonStyles, h, translator } from './util.js';
import { reveal } from '../sections.js';

export const STRINGS = {
  en: {
    'lessons.title': 'Lessons',
    'lessons.tab.experiments': 'Experiments',
    'lessons.menu': 'Experiments (e)',
    'lessons.menuTitle': 'Open the experiments menu (key e)',
  },
  fr: {
    'lessons.title': 'Leçons',
    'lessons.tab.experiments': 'Expériences',
    'lessons.menu': 'Expériences (e)',
    'lessons.menuTitle': 'Ouvrir le menu des expériences (touche e)',
  },
};

/**
 * The instruments, one per tab, in display order. `mount(container, ctx, host)` returns
 * `{update(state, changed, visible)}`.
 * @type {{name: string, mount: (c: HTMLElement, ctx: any, host: any) => {update(state: any, changed: Set<string>, visible: boolean): void}}[]}
 */
const TABS = [
  { name: 'experiments', mount: mountExperiments },
  { name: 'init', mount: mountInitLab },
  { name: 'symmetry', mount: mountSymmetry },
  { name: 'gradients', mount: mountGradients },
  { name: 'dead', mount: mountDeadRelu },
  { name: 'collapse', mount: mountCollapse },
  { name: 'inspector', mount: mountInspector },
];

const ALL_STRINGS = [
  STRINGS, COACH_STRINGS, EXP_STRINGS, INIT_STRINGS, SYM_STRINGS, GRAD_STRINGS, DEAD_STRINGS,
  COLLAPSE_STRINGS, INSPECT_STRINGS, SOFTMAX_STRINGS, TIMING_STRINGS, KINDS_STRINGS, ZIGZAG_STRINGS,
];

/** Every key an instrument may read, handed over when its tab is shown. */
const ALL_KEYS = ['config', 'data', 'frame', 'history', 'inspection', 'lang', 'experiment', 'status', 'hello'];

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountLessons(container, ctx) {
  ensureLessonStyles();
  for (const strings of ALL_STRINGS) ctx.i18n.register(strings);
  const t = translator(ctx);
  container.classList.add('ls');

  const title = h('h2', { class: 'ls-title' });
  const menuButton = h('button', { class: 'ls-btn ls-menu-button', type: 'button', 'data-testid': 'experiments-menu' });
  const head = h('div', { class: 'ls-head' });
  head.append(title, menuButton);
  const coachBox = h('section', { class: 'ls-coach' });
  const cardBox = h('section', { 'aria-live': 'polite' });
  const tablist = h('div', { class: 'ls-tabs', role: 'tablist' });
  const panels = h('div', { class: 'ls-panels' });
  container.append(head, coachBox, cardBox, tablist, panels);
  const coach = mountCoach(coachBox, ctx);

  /** @type {string | null} */ let experiment = null;
  /** The experiment in the page's link, applied once the server has said hello. */
  let fromUrl = experimentFromUrl(ctx.landing ?? window.location.search);
  let current = 'experiments';
  /** @type {any} */ let lastState = null;

  const host = {
    /**
     * Applies an experiment: its full config (with `extra` over it), its instrument tab.
     * @param {string} name @param {any} [extra]
     */
    start(name, extra = {}) {
      const state = lastState ?? ctx.store?.state;
      const preset = host.preset(name);
      if (!preset || !state?.hello) return;
      ctx.configure(experimentConfig(preset, state.hello.config, state.config, extra));
      rememberExperiment(name);
      show(name);
      // The lesson plays out on the network and the output: keep them in view.
      reveal(container, 'stage');
    },
    active: () => experiment,
    /** @param {string} name */
    preset: (name) => experimentsOf(lastState ?? ctx.store?.state)[name],
  };

  /** @type {Record<string, {tab: HTMLElement, panel: HTMLElement, view: ReturnType<typeof TABS[number]['mount']>}>} */
  const views = {};
  for (const { name, mount } of TABS) {
    const tab = h('button', {
      class: 'ls-tab', type: 'button', role: 'tab', id: `ls-tab-${name}`,
      'aria-controls': `ls-panel-${name}`, 'data-testid': `lesson-tab-${name}`,
    });
    const panel = h('div', {
      class: 'ls-panel', role: 'tabpanel', id: `ls-panel-${name}`,
      'aria-labelledby': `ls-tab-${name}`, 'data-testid': `lesson-panel-${name}`,
    });
    tab.addEventListener('click', () => open(name));
    tablist.append(tab);
    panels.append(panel);
    views[name] = { tab, panel, view: mount(panel, ctx, host) };
  }

  /**
   * Shows an experiment's card and instrument (its config already sent).
   * @param {string} name
   */
  function show(name) {
    // The server answers in order: this inspection is of the network just configured.
    const { tab, inspect } = /** @type {{tab: string, inspect?: number}} */ (host.preset(name));
    if (tab === 'inspector') ctx.send({ type: 'inspect', sample_limit: inspect ?? SAMPLE_LIMIT });
    experiment = name;
    open(tab);
    refresh(new Set(['experiment']));
  }

  /** @param {string} name */
  function open(name) {
    if (!views[name]) return;
    current = name;
    for (const [n, v] of Object.entries(views)) {
      const on = n === name;
      v.tab.setAttribute('aria-selected', String(on));
      v.tab.tabIndex = on ? 0 : -1;
      v.panel.hidden = !on;
    }
    if (lastState) views[name].view.update(lastState, new Set(ALL_KEYS), true);
  }

  /**
   * Hands a change that did not come from the store to every view.
   * @param {Set<string>} keys
   */
  function refresh(keys) {
    const state = lastState ?? ctx.store?.state;
    if (!state) return;
    card.update(state, keys);
    for (const [n, v] of Object.entries(views)) v.view.update(state, keys, n === current);
  }

  /** Opens the experiments menu, brings it into view and focuses its running (or first) item. */
  function openMenu() {
    open('experiments');
    const panel = views.experiments.panel;
    const item = /** @type {HTMLElement | null} */ (panel.querySelector('.ls-exp-item[aria-pressed="true"]') ?? panel.querySelector('.ls-exp-item'));
    reveal(container, 'lessons');
    container.scrollIntoView({ block: 'nearest' });
    views.experiments.tab.scrollIntoView({ block: 'nearest' });
    (item ?? views.experiments.tab).focus({ preventScroll: false });
  }
  menuButton.addEventListener('click', openMenu);
  // `e` opens the menu from anywhere on the page (not while typing in a field).
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'e' && event.key !== 'E') return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest?.('input, select, textarea, [contenteditable="true"]')) return;
    event.preventDefault();
    openMenu();
  });

  function label() {
    title.textContent = t('lessons.title');
    menuButton.textContent = t('lessons.menu');
    menuButton.title = t('lessons.menuTitle');
    for (const { name } of TABS) views[name].tab.textContent = t(`lessons.tab.${name}`);
  }

  tablist.addEventListener('keydown', (event) => {
    const names = TABS.map((x) => x.name);
    const i = names.indexOf(current);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = names[(i + step + names.length) % names.length];
    open(next);
    views[next].tab.focus();
  });

  const card = mountExperimentCard(cardBox, ctx, host);
  label();
  open(current);

  // Canvases are sized to their box: redraw the visible instrument when the panel resizes
  // (presenter mode, a narrower window), even while training is paused.
  let width = 0;
  new ResizeObserver((entries) => {
    const w = Math.round(entries[0]?.contentRect.width ?? 0);
    if (w === width) return;
    width = w;
    if (lastState) views[current].view.update(lastState, new Set(['frame', 'lang']), true);
  }).observe(container);

  return {
    update(state, changed) {
      lastState = state;
      if (fromUrl.name && state.hello && state.connection !== 'closed') {
        const { name, extra } = fromUrl;
        fromUrl = { name: null, extra };
        // The preset with the link's own parameters over it: `&seed=2` changes the seed only.
        host.start(name, extra);
      }
      if (changed.has('experimentRequest') && state.experimentRequest && state.hello) {
        // The teacher pushed an experiment (rooms/student.js): picked as from the menu, then
        // its variant as if its button were pressed.
        const { name, variant } = state.experimentRequest;
        state.experimentRequest = null;
        host.start(name);
        const chosen = variant ? host.preset(name)?.variants?.find((v) => v.label === variant) : null;
        if (chosen) {
          ctx.configure(chosen.config);
          ctx.send({ type: 'reset' });
        }
      }
      if (changed.has('lang')) label();
      coach.update(state, changed);
      card.update(state, changed);
      for (const [n, v] of Object.entries(views)) v.view.update(state, changed, n === current);
    },
  };
}
