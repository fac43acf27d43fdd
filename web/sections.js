// @ts-check
/**
 * The page's sections and the stage. On a phone the page is one column of sections the
 * student switches between with the bar at the bottom: the network (the diagram, the output
 * picture, the loss chart and the equations), the data, the lessons (with the Search panel)
 * and the settings (the top bar's training settings, language, save and share, join a
 * class). The section shown is `body[data-section]`; the CSS shows only its panels below
 * 760 px, and ignores it on wider screens.
 *
 * Choosing or running an experiment keeps the stage, the network and the output, in view: a
 * view asks for it with a bubbling `nnp:reveal` event (`detail.part` is `stage` or
 * `lessons`); on a phone the section switches, on a wider screen the page scrolls to the
 * stage if it is out of view.
 */

/** The sections, in the bar's order. */
export const SECTIONS = ['network', 'data', 'lessons', 'settings'];

/** The event a view dispatches (bubbling) to bring a part of the page into view. */
export const REVEAL = 'nnp:reveal';

const STRINGS = {
  en: {
    'sections.label': 'Sections',
    'sections.network': 'Network',
    'sections.data': 'Data',
    'sections.lessons': 'Lessons',
    'sections.settings': 'Settings',
  },
  fr: {
    'sections.label': 'Sections',
    'sections.network': 'Réseau',
    'sections.data': 'Données',
    'sections.lessons': 'Leçons',
    'sections.settings': 'Réglages',
  },
};

/** Below this width the page is one column of sections (the CSS's breakpoint). */
const PHONE = '(max-width: 760px)';

/**
 * Asks the page to bring `part` into view (the stage, or the lessons).
 * @param {Element} from  an element of the asking view
 * @param {'stage' | 'lessons'} part
 */
export function reveal(from, part) {
  from.dispatchEvent(new CustomEvent(REVEAL, { bubbles: true, detail: { part } }));
}

/**
 * @param {HTMLElement} container  the section bar
 * @param {import('./state.js').ViewContext} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountSections(container, ctx) {
  ctx.i18n.register(STRINGS);
  container.classList.add('sections');
  container.dataset.testid = 'sections';
  /** @type {Record<string, HTMLButtonElement>} */ const buttons = {};
  for (const name of SECTIONS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'section-button';
    button.dataset.testid = `section-${name}`;
    button.addEventListener('click', () => show(name, true));
    buttons[name] = button;
    container.append(button);
  }

  /**
   * Shows a section (on a phone); from the bar, the page starts at the section's top.
   * @param {string} name @param {boolean} toTop
   */
  function show(name, toTop) {
    document.body.dataset.section = name;
    for (const [n, b] of Object.entries(buttons)) b.setAttribute('aria-pressed', String(n === name));
    if (toTop && window.matchMedia(PHONE).matches) window.scrollTo({ top: 0 });
  }

  /** Scrolls the page so the stage's top sits under the sticky top bar, if it is out of view. */
  function revealStage() {
    const stage = document.querySelector('.column-network');
    if (!stage) return;
    const bar = document.querySelector('.topbar');
    const barBottom = bar && getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect().bottom : 0;
    const top = stage.getBoundingClientRect().top;
    if (top >= barBottom - 1 && top <= barBottom + window.innerHeight / 4) return;
    window.scrollTo({ top: Math.max(0, window.scrollY + top - barBottom - 8) });
  }

  document.addEventListener(REVEAL, (event) => {
    const part = /** @type {CustomEvent} */ (event).detail?.part;
    const phone = window.matchMedia(PHONE).matches;
    if (part === 'lessons') {
      if (phone && document.body.dataset.section !== 'lessons') show('lessons', true);
    } else if (part === 'stage') {
      if (phone) show('network', true);
      else revealStage();
    }
  });

  function label() {
    container.setAttribute('aria-label', ctx.t('sections.label'));
    for (const [name, b] of Object.entries(buttons)) b.textContent = ctx.t(`sections.${name}`);
  }

  show('network', false);
  label();
  return {
    update(_state, changed) {
      if (changed.has('lang')) label();
    },
  };
}
