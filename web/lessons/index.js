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
  EXPERIMENTS, experimentConfig, experimentFromUrl, mountExperiments, STRINGS as EXP_STRINGS,
} from './experiments.js';
import { ensureLessonStyles, h, translator } from './util.js';

const STRINGS = {
  en: {
    'lessons.title': 'Lessons',
    'lessons.tab.experiments': 'Experiments',
  },
  fr: {
    'lessons.title': 'Leçons',
    'lessons.tab.experiments': 'Expériences',
  },
};

/**
 * The instruments, one per tab, in display order. `mount(container, ctx, host)` returns
 * `{update(state, changed, visible)}`.
 * @type {{name: string, mount: (c: HTMLElement, ctx: any, host: any) => {update(state: any, changed: Set<string>, visible: boolean): void}}[]}
 */
const TABS = [
  { name: 'experiments', mount: mountExperiments },
];

/** Every key an instrument may read, handed over when its tab is shown. */
const ALL_KEYS = ['config', 'data', 'frame', 'history', 'inspection', 'lang', 'experiment', 'status', 'hello'];

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountLessons(container, ctx) {
  ensureLessonStyles();
  for (const strings of [STRINGS, COACH_STRINGS, EXP_STRINGS]) ctx.i18n.register(strings);
  const t = translator(ctx);
  container.classList.add('ls');

  const title = h('h2', { class: 'ls-title' });
  const coachBox = h('section', { class: 'ls-coach' });
  const tablist = h('div', { class: 'ls-tabs', role: 'tablist' });
  const panels = h('div', { class: 'ls-panels' });
  container.append(title, coachBox, tablist, panels);
  const coach = mountCoach(coachBox, ctx);

  /** @type {string | null} */ let experiment = null;
  /** @type {string | null} */ let pendingUrlExperiment = experimentFromUrl(window.location.search);
  let current = 'experiments';
  /** @type {any} */ let lastState = null;
  /** @type {Set<string>} */ const internal = new Set();

  const host = {
    /** Applies an experiment: its full config, its instrument tab. @param {string} name */
    start(name) {
      const state = lastState ?? ctx.store?.state;
      if (!EXPERIMENTS[name] || !state?.hello) return;
      ctx.configure(experimentConfig(name, state.hello.config, state.config));
      experiment = name;
      internal.add('experiment');
      open(EXPERIMENTS[name].tab === 'experiments' ? 'experiments' : EXPERIMENTS[name].tab);
    },
    active: () => experiment,
    /** Shows one tab. @param {string} name */
    open: (name) => open(name),
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
    if (lastState) views[name].view.update(lastState, new Set([...ALL_KEYS, ...internal]), true);
    for (const [n, v] of Object.entries(views)) if (n !== name && internal.size) v.view.update(lastState ?? {}, new Set(internal), false);
    internal.clear();
  }

  function label() {
    title.textContent = t('lessons.title');
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

  label();
  open(current);

  return {
    update(state, changed) {
      lastState = state;
      if (pendingUrlExperiment && state.hello && state.connection !== 'closed') {
        const name = pendingUrlExperiment;
        pendingUrlExperiment = null;
        host.start(name);
      }
      if (changed.has('lang')) label();
      coach.update(state, changed);
      const all = new Set([...changed, ...internal]);
      internal.clear();
      for (const [n, v] of Object.entries(views)) v.view.update(state, all, n === current);
    },
  };
}
