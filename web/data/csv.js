// @ts-check
/**
 * Reads a CSV file of points in the page, with the server's rules (engine/data.py), to list
 * the rows it cannot read before sending anything: `,`, `;` or tab separators, quoted fields,
 * decimal commas (French Excel: `1,5;-0,25;1`), a header row, blank and `#` lines skipped.
 * A preview only: the page sends the file's text and the server reads it again with its own
 * parser (tests/server/test_csv_rules.py holds the two to the same rows); its limits (points,
 * classes) are the catalog's.
 */

/** Splits one line on `delimiter`, honoring double quotes ("" inside quotes is a quote). */
function split(/** @type {string} */ line, /** @type {string} */ delimiter) {
  /** @type {string[]} */ const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells.map((x) => x.trim());
}

const DECIMAL_COMMA = /^[+-]?\d*,\d+([eE][+-]?\d+)?$/;
const FIELDS = ['x1', 'x2', 'label'];

/**
 * The points of a CSV text and the rows it could not read (line numbers from 1).
 * @param {string} text
 * `reason` is a key with its parameters: `columns` ({n}) or `number` ({field}, {cell}).
 * @returns {{points: Array<[number, number, number]>, bad: {line: number, reason: string, params: Record<string, any>}[], header: boolean}}
 */
export function readCsv(text) {
  /** @type {Array<[number, number, number]>} */ const points = [];
  /** @type {{line: number, reason: string, params: Record<string, any>}[]} */ const bad = [];
  let header = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim() || raw.trimStart().startsWith('#')) return;
    const delimiter = raw.includes(';') ? ';' : raw.includes('\t') ? '\t' : ',';
    const cells = split(raw, delimiter).map((c) => (DECIMAL_COMMA.test(c) ? c.replace(',', '.') : c));
    if (cells.length !== 3) {
      bad.push({ line, reason: 'columns', params: { n: cells.length } });
      return;
    }
    const numbers = /** @type {[number, number, number]} */ (cells.map(Number));
    const wrong = numbers.findIndex((n, i) => cells[i] === '' || !Number.isFinite(n));
    if (wrong < 0) {
      points.push(numbers);
    } else if (line === 1 || (points.length === 0 && bad.length === 0 && !header)) {
      header = true;
    } else {
      bad.push({ line, reason: 'number', params: { field: FIELDS[wrong], cell: JSON.stringify(cells[wrong]) } });
    }
  });
  return { points, bad, header };
}

/**
 * A kind of data: its task and, for classes, how many.
 * @typedef {{task: 'regression', classes?: undefined} | {task: 'binary' | 'multiclass', classes: number}} Kind
 */

/**
 * The kind of data the labels suggest: integers 0..k-1 (k ≤ `maxClasses`, the catalog's
 * `limits.max_classes`) are k classes, anything else is regression. Null without points.
 * @param {number[][]} points
 * @param {number | null} maxClasses  null: no limit known yet
 * @returns {Kind | null}
 */
export function kindOf(points, maxClasses) {
  if (!points.length) return null;
  let integers = true;
  let max = -Infinity;
  for (const [, , y] of points) {
    if (!Number.isInteger(y) || y < 0) integers = false;
    max = Math.max(max, y);
  }
  if (!integers || max + 1 > (maxClasses ?? Infinity)) return { task: 'regression' };
  const k = Math.max(2, max + 1);
  return k === 2 ? { task: 'binary', classes: 2 } : { task: 'multiclass', classes: k };
}
