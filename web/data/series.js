// @ts-check
/**
 * Metric history as typed columns, updated incrementally, and min/max downsampling for drawing.
 * The store appends one row per frame (and may replace the last); copying only the new rows
 * keeps a redraw independent of how long training has run.
 */

/**
 * @param {readonly string[]} keys  metric names read from each row (missing or non-finite: NaN)
 */
export function createColumns(keys) {
  /** @type {unknown} */ let source = null;
  let n = 0;
  let epoch = new Float64Array(0);
  /** @type {Record<string, Float64Array>} */ let cols = {};

  /** @param {number} need */
  function grow(need) {
    const cap = Math.max(need, epoch.length * 2, 256);
    const next = new Float64Array(cap);
    next.set(epoch.subarray(0, n));
    epoch = next;
    /** @type {Record<string, Float64Array>} */ const nextCols = {};
    for (const k of keys) {
      const c = new Float64Array(cap);
      if (cols[k]) c.set(cols[k].subarray(0, n));
      nextCols[k] = c;
    }
    cols = nextCols;
  }

  return {
    /**
     * Catches up with `rows`: only rows after the last one read (which may have been replaced)
     * are copied when `rows` is the same array as before; anything else is read afresh.
     * @param {ReadonlyArray<Record<string, unknown>>} rows
     */
    sync(rows) {
      const from = rows === source && rows.length >= n ? Math.max(0, n - 1) : 0;
      source = rows;
      if (rows.length > epoch.length || !cols[keys[0]]) grow(rows.length);
      for (let i = from; i < rows.length; i++) {
        const r = rows[i];
        epoch[i] = Number(r.epoch);
        for (const k of keys) {
          const v = r[k];
          cols[k][i] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
        }
      }
      n = rows.length;
    },
    get n() { return n; },
    get epoch() { return epoch; },
    /** @param {string} key */
    column(key) { return cols[key]; },
  };
}

/**
 * A series reduced to about two points per bucket, as flat [x0, y0, x1, y1, ...] with NaN y
 * where the line breaks: each bucket keeps its minimum and maximum in epoch order, so spikes
 * (divergence, oscillation) survive the reduction.
 * @param {Float64Array} xs @param {Float64Array} ys @param {number} n @param {number} buckets
 * @returns {number[]}
 */
export function downsample(xs, ys, n, buckets) {
  /** @type {number[]} */ const out = [];
  if (n <= buckets * 2) {
    for (let i = 0; i < n; i++) out.push(xs[i], ys[i]);
    return out;
  }
  const size = n / buckets;
  let i = 0;
  for (let b = 0; b < buckets; b++) {
    const hi = Math.min(n, Math.floor((b + 1) * size));
    let iMin = -1;
    let iMax = -1;
    let vMin = Infinity;
    let vMax = -Infinity;
    for (; i < hi; i++) {
      const v = ys[i];
      if (v !== v) continue;
      if (v < vMin) { vMin = v; iMin = i; }
      if (v > vMax) { vMax = v; iMax = i; }
    }
    if (iMin < 0) out.push(xs[Math.min(hi, n - 1)], NaN);
    else if (iMin === iMax) out.push(xs[iMin], vMin);
    else if (iMin < iMax) out.push(xs[iMin], vMin, xs[iMax], vMax);
    else out.push(xs[iMax], vMax, xs[iMin], vMin);
  }
  return out;
}

/**
 * Index of the smallest non-NaN value, or -1.
 * @param {Float64Array} ys @param {number} n
 */
export function argmin(ys, n) {
  let best = -1;
  let bestV = Infinity;
  for (let i = 0; i < n; i++) {
    if (ys[i] < bestV) {
      bestV = ys[i];
      best = i;
    }
  }
  return best;
}
