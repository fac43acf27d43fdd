// @ts-check
/** Small helpers shared by the views. */

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
