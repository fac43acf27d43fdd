// @ts-check
/** Small helpers shared by the panels (data, loss chart, equations). */

const STYLESHEET = new URL('../css/panels.css', import.meta.url).href;

/**
 * Links the panels' stylesheet once, unless the page already links it.
 */
export function ensureStyles() {
  const links = document.querySelectorAll('link[rel="stylesheet"]');
  for (const l of links) {
    if (/** @type {HTMLLinkElement} */ (l).href === STYLESHEET) return;
  }
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = STYLESHEET;
  document.head.append(link);
}

/**
 * `ctx.t(key, params)`, then fills any `{name}` placeholder the translator left in place.
 * @param {{t: (k: string, p?: Record<string, unknown>) => string}} ctx
 * @param {string} key
 * @param {Record<string, unknown>} [params]
 */
export function tr(ctx, key, params = {}) {
  const s = String(ctx.t(key, params));
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/**
 * Sizes a canvas's backing store to its CSS box times devicePixelRatio.
 * @param {HTMLCanvasElement} canvas
 * @returns {{w: number, h: number, dpr: number}} CSS size and ratio
 */
export function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, canvas.clientWidth);
  const h = Math.max(1, canvas.clientHeight);
  const W = Math.round(w * dpr);
  const H = Math.round(h * dpr);
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  return { w, h, dpr };
}
