// @ts-check
/**
 * English and French strings: `t(key, params)` returns the string in the current language with
 * `{name}` placeholders filled. Views add their own strings with `register`. A key missing in
 * French falls back to English, and a key missing everywhere shows as itself (easy to spot).
 */

const LANGUAGES = ['en', 'fr'];

/** The browser's preferred language if we have it, else English. */
export function browserLanguage(/** @type {readonly string[]} */ preferred) {
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/**
 * Writes the current language into a view's static labels: `data-label` sets the text,
 * `data-title` the tooltip, and the accessible name where `ariaLabel(el)` says so.
 * @param {ParentNode} root
 * @param {(key: string) => string} t
 * @param {(el: Element) => boolean} [ariaLabel]
 */
export function applyLabels(root, t, ariaLabel = () => true) {
  for (const el of root.querySelectorAll('[data-label]')) {
    el.textContent = t(/** @type {HTMLElement} */ (el).dataset.label ?? '');
  }
  for (const el of root.querySelectorAll('[data-title]')) {
    const text = t(/** @type {HTMLElement} */ (el).dataset.title ?? '');
    el.setAttribute('title', text);
    if (ariaLabel(el)) el.setAttribute('aria-label', text);
  }
}

/** @param {string} lang */
export function createI18n(lang) {
  /** @type {Record<string, Record<string, string>>} */
  const tables = { en: {}, fr: {} };
  let current = LANGUAGES.includes(lang) ? lang : 'en';

  /**
   * @param {string} key
   * @param {Record<string, unknown>} [params]
   */
  function t(key, params) {
    const s = tables[current][key] ?? tables.en[key] ?? key;
    if (!params) return s;
    return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }

  return {
    t,
    get lang() {
      return current;
    },
    /** @param {string} next */
    setLang(next) {
      if (!LANGUAGES.includes(next)) throw new Error(`unknown language ${next}; valid: ${LANGUAGES.join(', ')}`);
      current = next;
    },
    /** @param {Record<string, Record<string, string>>} strings  {en: {...}, fr: {...}} */
    register(strings) {
      for (const [language, table] of Object.entries(strings)) {
        tables[language] = { ...(tables[language] ?? {}), ...table };
      }
    },
    /** Keys that exist in English but not in French (a test keeps this empty). */
    missing() {
      return Object.keys(tables.en).filter((k) => !(k in tables.fr));
    },
  };
}

/** @typedef {ReturnType<typeof createI18n>} I18n */
