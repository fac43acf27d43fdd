// @ts-check
/**
 * English and French strings: `t(key, params)` returns the string in the current language with
 * `{name}` placeholders filled. Views add their own strings with `register`. A key missing in
 * French falls back to English, and a key missing everywhere shows as itself (easy to spot).
 * French text gets French typography (a narrow no-break space before ; : ! ? % and inside « »),
 * and numbers shown to a reader are written as the page's language writes them
 * (`formatNumber`: 0.5 in English, 0,5 in French); `data-*` attributes keep machine numbers.
 */

const LANGUAGES = ['en', 'fr'];
/** The Intl locale of each language. */
const LOCALES = /** @type {Record<string, string>} */ ({ en: 'en-US', fr: 'fr-FR' });
const NARROW_NBSP = '\u202f';

/**
 * French punctuation spacing: the space before ; : ! ? % and » and after « becomes a narrow
 * no-break space, so a line never starts with a colon.
 * @param {string} s
 */
export function frenchTypography(s) {
  return s.replace(/[ \u00a0]([;:!?%»])/g, `${NARROW_NBSP}$1`).replace(/«[ \u00a0]/g, `«${NARROW_NBSP}`);
}

/** The language of the page (`<html lang>`), which number formatting follows. */
export function pageLang() {
  const lang = globalThis.document?.documentElement?.lang ?? 'en';
  return LANGUAGES.includes(lang) ? lang : 'en';
}

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/**
 * A number as a reader of `lang` writes it (Intl.NumberFormat, no thousands grouping unless
 * asked): 0.5 → "0,5" in French; a negative zero, or a negative number that rounds to zero, is
 * written 0. Non-finite numbers are written as JavaScript does.
 * @param {number} x
 * @param {Intl.NumberFormatOptions} [options]
 * @param {string} [lang]  the page's language by default
 */
export function formatNumber(x, options = {}, lang = pageLang()) {
  if (!Number.isFinite(x)) return String(x);
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[lang] ?? LOCALES.en, { useGrouping: false, ...options });
    formats.set(key, format);
  }
  // A minus sign before nothing but zeros ("-0", "-0.00") says nothing: it goes.
  const text = format.format(x).replace(/^-(?=[^1-9]*$)/, '');
  // Intl puts a no-break space before % in French; the page's typography uses the narrow one.
  return lang === 'fr' ? text.replace(/\u00a0/g, NARROW_NBSP) : text;
}

/**
 * Scientific notation with `digits` decimals, the mantissa in the reader's language:
 * 1.23e-4 in English, 1,23e-4 in French.
 * @param {number} x
 * @param {number} digits
 * @param {string} [lang]
 */
export function formatExponential(x, digits, lang = pageLang()) {
  if (!Number.isFinite(x)) return String(x);
  const [mantissa, exponent] = x.toExponential(digits).split('e');
  const fixed = { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return `${formatNumber(Number(mantissa), fixed, lang)}e${exponent}`;
}

/**
 * A share (0..1) as a percentage with `digits` decimals: 0.804 → "80.4%", « 80,4 % » in French.
 * @param {number} x
 * @param {number} [digits]
 * @param {string} [lang]
 */
export function formatPercent(x, digits = 1, lang = pageLang()) {
  return formatNumber(x, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }, lang);
}

/** Loss as text in the page's language, never more than 7 characters: 0.693, 12.46, 348.2,
 * or 2.75e-5 and 1.2e+4 (0,693 in French). */
export function formatLoss(/** @type {number | null | undefined} */ v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (v !== 0 && a < 0.001) return formatExponential(v, 2);
  if (a >= 1000) return formatExponential(v, 1);
  const digits = a >= 100 ? 1 : a >= 10 ? 2 : 3;
  return formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A share (0..1) as a percentage with one decimal, or a dash when there is none. */
export function formatShare(/** @type {number | null | undefined} */ v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return formatPercent(v, 1);
}

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
    const filled = params ? s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m)) : s;
    return current === 'fr' ? frenchTypography(filled) : filled;
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

/** The prefixes under which a protocol name (`relu`, `xavier`, `moons`…) has a label. */
const NAME_KEYS = ['act', 'init', 'dataset', 'optimizer', 'reg', 'lossname', 'feature'];

/**
 * The label of a protocol name in the current language (`leaky_relu` → "Leaky ReLU",
 * `sigmoid` → « Sigmoïde »), or the name itself when no view labels it.
 * @param {(key: string) => string} t
 * @param {string} name
 */
export function nameLabel(t, name) {
  for (const prefix of NAME_KEYS) {
    const key = `${prefix}.${name}`;
    const label = t(key);
    if (label !== key) return label;
  }
  return name;
}

/**
 * A label as it reads inside a sentence: "Sigmoid" → "sigmoid", « Entropie croisée » →
 * « entropie croisée »; names with capitals inside (ReLU, Leaky ReLU, Xavier (Glorot)) keep them.
 * @param {string} label
 */
export function inSentence(label) {
  const rest = label.slice(1);
  return rest === rest.toLowerCase() && label.length > 1 && !/^(Xavier|He)\b/.test(label)
    ? label.charAt(0).toLowerCase() + rest
    : label;
}

/** @typedef {ReturnType<typeof createI18n>} I18n */
