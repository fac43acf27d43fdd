// @ts-check
/**
 * Client-side schematic point clouds for the dataset picker's thumbnails.
 *
 * Used only when the server's catalog carries no `preview` for a dataset. Each cloud is a
 * deterministic drawing of the dataset's shape (same picture on every load), made with a tiny
 * seeded PRNG; it is an illustration, not the engine's data.
 */

/** @typedef {[number, number, number]} Point  x1, x2 in [-1, 1]; label (class index or value) */

/**
 * mulberry32: a 32-bit seeded PRNG, good enough for pictures.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {() => number} rand */
function normal(rand) {
  const u = Math.max(rand(), 1e-9);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const N = 90;

/** @type {Record<string, (rand: () => number, classes: number) => Point[]>} */
const MAKERS = {
  circle(rand) {
    /** @type {Point[]} */ const pts = [];
    for (let i = 0; i < N; i++) {
      const inner = i % 2 === 0;
      const r = inner ? rand() * 0.4 : 0.6 + rand() * 0.35;
      const a = rand() * 2 * Math.PI;
      pts.push([r * Math.cos(a), r * Math.sin(a), inner ? 1 : 0]);
    }
    return pts;
  },
  xor(rand) {
    /** @type {Point[]} */ const pts = [];
    for (let i = 0; i < N; i++) {
      let x = rand() * 1.8 - 0.9;
      let y = rand() * 1.8 - 0.9;
      x += x > 0 ? 0.05 : -0.05;
      y += y > 0 ? 0.05 : -0.05;
      pts.push([x, y, x * y > 0 ? 1 : 0]);
    }
    return pts;
  },
  gauss(rand) {
    /** @type {Point[]} */ const pts = [];
    for (let i = 0; i < N; i++) {
      const c = i % 2;
      const m = c ? 0.45 : -0.45;
      pts.push([m + 0.2 * normal(rand), m + 0.2 * normal(rand), c]);
    }
    return pts;
  },
  spiral(rand, classes) {
    /** @type {Point[]} */ const pts = [];
    const k = Math.max(2, classes);
    for (let i = 0; i < N; i++) {
      const c = i % k;
      const t = rand();
      const r = 0.9 * t;
      const a = 1.75 * t * 2 * Math.PI + (2 * Math.PI * c) / k;
      pts.push([r * Math.sin(a) + 0.03 * normal(rand), r * Math.cos(a) + 0.03 * normal(rand), c]);
    }
    return pts;
  },
  plane(rand) {
    /** @type {Point[]} */ const pts = [];
    for (let i = 0; i < N; i++) {
      const x = rand() * 1.8 - 0.9;
      const y = rand() * 1.8 - 0.9;
      pts.push([x, y, (x + y) / 1.8]);
    }
    return pts;
  },
  multigauss(rand) {
    // The engine's six signed bumps, in units of the (-6, 6) plane divided by 6.
    const bumps = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]];
    /** @type {Point[]} */ const pts = [];
    for (let i = 0; i < N * 1.5; i++) {
      const x = rand() * 12 - 6;
      const y = rand() * 12 - 6;
      let best = 0;
      for (const [cx, cy, sign] of bumps) {
        const v = sign * Math.max(0, 1 - Math.hypot(x - cx, y - cy) / 2);
        if (Math.abs(v) > Math.abs(best)) best = v;
      }
      pts.push([x / 6, y / 6, best]);
    }
    return pts;
  },
  moons(rand) {
    /** @type {Point[]} */ const pts = [];
    for (let i = 0; i < N; i++) {
      const c = i % 2;
      const a = rand() * Math.PI;
      const x = c ? 1 - Math.cos(a) : Math.cos(a);
      const y = c ? 0.5 - Math.sin(a) : Math.sin(a);
      pts.push([(x - 0.5) * 0.5 + 0.03 * normal(rand), (y - 0.25) * 0.5 + 0.03 * normal(rand), c]);
    }
    return pts;
  },
  blobs(rand, classes) {
    /** @type {Point[]} */ const pts = [];
    const k = Math.max(2, classes);
    for (let i = 0; i < N; i++) {
      const c = i % k;
      const a = Math.PI / 4 + (2 * Math.PI * c) / k;
      const r = k === 2 ? 0.47 : 0.58;
      pts.push([r * Math.cos(a) + 0.12 * normal(rand), r * Math.sin(a) + 0.12 * normal(rand), c]);
    }
    return pts;
  },
  student() {
    // The course's four students (hours studied, hours of rest, passed) on the 0..10 plane.
    return [[0, 0.6, 1], [-0.8, -0.2, 0], [0.4, 0.2, 1], [-0.6, -0.6, 0]];
  },
  custom() {
    return [[-0.55, 0.45, 0], [-0.3, -0.4, 0], [0.5, 0.35, 1], [0.3, -0.5, 1], [0.05, 0.6, 1]];
  },
};

/**
 * A deterministic point cloud in [-1, 1]² that looks like the dataset.
 * @param {string} name
 * @param {number} [classes]
 * @returns {Point[]}
 */
export function schematic(name, classes = 2) {
  const make = MAKERS[name];
  if (!make) return [];
  let seed = 7;
  for (const ch of name) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  return make(prng(seed), classes);
}
