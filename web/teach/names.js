// @ts-check
/**
 * How the projected views (the mosaic, the leaderboard, the spotlight's heading) name a
 * student: their name, their initials, or no name at all ("Student 7", numbered in the order
 * this page first saw them). The cards, the teacher's own list, keep the names.
 */

/** The anonymize setting's values, in the order of its menu. */
export const NAME_MODES = ['shown', 'initials', 'hidden'];

/**
 * The initials of a name: the first letter of each of its first three words (words split on
 * spaces and hyphens), upper case. "Ada Lovelace" → "AL", "Jean-Luc" → "JL".
 * @param {string} name
 */
export function initials(name) {
  const words = String(name).split(/[\s\-‐]+/u).filter(Boolean).slice(0, 3);
  const letters = words.map((word) => Array.from(word)[0] ?? '').join('');
  return letters.toLocaleUpperCase() || '?';
}

/**
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 */
export function createNamer(t) {
  let mode = 'shown';
  /** @type {Map<string, number>} */
  const numbers = new Map();

  /** @param {string} id */
  function number(id) {
    let n = numbers.get(id);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(id, n);
    }
    return n;
  }

  return {
    get mode() {
      return mode;
    },
    /** @param {string} next  one of NAME_MODES */
    setMode(next) {
      mode = NAME_MODES.includes(next) ? next : 'shown';
    },
    /**
     * The student's projected name, for text that must name them (a heading, a row).
     * @param {string} id
     * @param {string} name
     */
    label(id, name) {
      if (mode === 'initials') return initials(name);
      if (mode === 'hidden') return t('teach.names.pseudonym', { n: number(id) });
      return String(name);
    },
    /**
     * What a mosaic tile writes under its picture: the name, the initials, or nothing.
     * @param {string} id
     * @param {string} name
     */
    tile(id, name) {
      number(id);
      return mode === 'hidden' ? '' : mode === 'initials' ? initials(name) : String(name);
    },
    /** @param {string} id */
    number,
  };
}
