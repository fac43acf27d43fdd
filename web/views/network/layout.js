// @ts-check
/**
 * The network diagram's layout: where the columns, nodes and headers go for the layer sizes,
 * the room on the page and the root font (pure arithmetic, no drawing).
 */

export const NODE_BASE = 40;
export const PITCH_BASE = 52;
/** The widest column header, in rem: room for a select showing "Leaky ReLU" whole. */
const HEAD_REM = 6.4;
/** A layer taller than this many neurons (the wide-layer lesson's 64) gets a smaller row
 * pitch, down to WIDE_PITCH: the diagram stays about as tall as this many rows at the usual
 * pitch, every neuron still drawn. A fitted stage (a phone's section) takes a smaller pitch
 * still, down to FITTED_WIDE_PITCH, rather than cut the layer off. */
const TALL_ROWS = 12;
const WIDE_PITCH = 10;
const FITTED_WIDE_PITCH = 2;

/**
 * Where everything goes, in px, for layer sizes n and an output header outWidth wide and
 * outHeight tall. Sizes follow the root font (presenter mode enlarges it); a stage whose CSS
 * sets `--net-fit: 1` (presenter mode) has its height from the layout, and the diagram fills it.
 * When the output header beside the hidden layers' headers would leave them too little room
 * (six layers in presenter mode, long French labels) and above them it would not, it sits
 * above them (`lift`, the height the other headers move down), its labels whole.
 * @param {HTMLElement} stage  the diagram's box
 * @param {number[]} n @param {number} outWidth @param {number} [outHeight]
 */
export function geometry(stage, n, outWidth, outHeight = 0) {
  const L = n.length - 1;
  const tallest = Math.max(...n);
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 14;
  // The column headers' height: their buttons, unit count, activation, BN and the layer's
  // "N dead" line, which the first neuron of a full layer would otherwise cover.
  let head = Math.round(7.8 * rem);
  const style = getComputedStyle(stage);
  const fit = style.getPropertyValue('--net-fit').trim() === '1';
  // The smallest row pitch a fitted diagram takes (a phone's stage allows smaller rows).
  const minPitch = Number(style.getPropertyValue('--net-min-pitch')) || 30;
  const left = Math.round(5 * rem);
  // Room on the right for the output's selects, whole ("auto (sigmoid)"), clear of the last
  // hidden layer's header: right + spacing / 2 >= their width.
  const roomFor = (/** @type {number} */ w) => (L > 1 ? (outWidth + 4 - (w - left) / (2 * L)) / (1 - 1 / (2 * L)) : outWidth);
  let width = Math.max(stage.clientWidth, 280);
  // On a phone, six layers need more room than the panel has: the diagram keeps columns
  // at least 2.9rem apart and scrolls sideways inside its panel (the page itself does not).
  const minSpacing = 2.9 * rem;
  const cramped = (/** @type {number} */ right) => L > 0 && (width - left - right) / L < minSpacing;
  const lift = outHeight > 0 && outWidth <= width && cramped(Math.max(4.3 * rem, roomFor(width)))
    && !cramped(4.3 * rem) ? Math.ceil(outHeight + 4) : 0;
  if (lift) outWidth = 0;
  head += lift;
  const wide = tallest > TALL_ROWS;
  const pitch = fit
    ? Math.max(wide ? FITTED_WIDE_PITCH : minPitch,
      Math.min(1.8 * PITCH_BASE, Math.floor((stage.clientHeight - head - 12) / tallest)))
    : wide ? Math.max(WIDE_PITCH, Math.floor((TALL_ROWS * PITCH_BASE) / tallest)) : PITCH_BASE;
  const height = head + tallest * pitch + 12;
  const tight = cramped(Math.max(4.3 * rem, roomFor(width)));
  if (tight) width = Math.ceil(left + Math.max(4.3 * rem, outWidth / 2 + 4) + L * minSpacing + outWidth / 2);
  const right = Math.round(Math.max(4.3 * rem, outWidth / 2 + 4, roomFor(width)));
  const xs = n.map((_, l) => left + (L === 0 ? 0 : (l * (width - left - right)) / L));
  // Column headers as wide as the space between two columns allows, up to what the longest
  // activation label ("Leaky ReLU") needs: narrower columns get compact headers (the unit count
  // without its word, the activation's short name).
  const spacing = L === 0 ? width : (width - left - right) / L;
  const headWidth = Math.min(Math.round(HEAD_REM * rem), Math.floor(spacing - 4));
  // Nodes as large as the row pitch allows, leaving room for the links between columns.
  const node = Math.max(Math.min(24, pitch - 6), Math.round(Math.min((pitch * NODE_BASE) / PITCH_BASE, 0.55 * spacing)));
  return {
    width, height, fit, tight, xs, tallest, head, lift, pitch, node, headWidth,
    narrow: headWidth < HEAD_REM * rem - 1,
  };
}

/** A subscript digit string: 12 -> "₁₂". */
export function sub(/** @type {number} */ k) {
  return String(k).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d)));
}
