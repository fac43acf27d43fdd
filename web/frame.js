// @ts-check
/**
 * Decodes a binary frame (docs/protocol.md): a little-endian uint32 N, N bytes of UTF-8 JSON
 * header, then the arrays the header lists. Arrays are views on the message (no copy) when
 * aligned; uint8 arrays keep their quantized bytes and carry `range` for decoding.
 */

/**
 * @typedef {import('./types/protocol').FrameHeader} FrameHeader
 * @typedef {{data: Uint8Array | Float32Array, shape: number[], range: [number, number] | null}} FrameArray
 * @typedef {{header: FrameHeader, arrays: Record<string, FrameArray>, ack?: () => void}} Frame
 *   `ack`: acknowledges the frame to the server once it is drawn (set by socket.js).
 */

const utf8 = new TextDecoder();

/**
 * @param {ArrayBuffer} buffer
 * @returns {Frame}
 */
function decodeFrame(buffer) {
  if (buffer.byteLength < 4) throw new Error(`frame too short: ${buffer.byteLength} bytes`);
  const n = new DataView(buffer).getUint32(0, true);
  if (4 + n > buffer.byteLength) throw new Error(`frame header length ${n} exceeds the frame`);
  /** @type {FrameHeader} */
  const header = JSON.parse(utf8.decode(new Uint8Array(buffer, 4, n)));
  const start = 4 + n;
  /** @type {Record<string, FrameArray>} */
  const arrays = {};
  for (const entry of header.arrays ?? []) {
    const count = entry.shape.reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1);
    const at = start + entry.offset;
    /** @type {Uint8Array | Float32Array} */
    let data;
    if (entry.dtype === 'uint8') {
      data = new Uint8Array(buffer, at, count);
    } else if (entry.dtype === 'float32') {
      data = at % 4 === 0
        ? new Float32Array(buffer, at, count)
        : new Float32Array(buffer.slice(at, at + 4 * count));
    } else {
      throw new Error(`frame array ${entry.name}: unknown dtype ${entry.dtype}`);
    }
    arrays[entry.name] = { data, shape: entry.shape, range: entry.range ?? null };
  }
  return { header, arrays };
}

/**
 * Header members a periodic frame leaves out while they are unchanged (docs/protocol.md).
 * @type {Array<'dead' | 'dead_since' | 'diagnostics' | 'coach' | 'collapse'>}
 */
const KEPT_FIELDS = ['dead', 'dead_since', 'diagnostics', 'coach', 'collapse'];

/**
 * A decoder for one connection's frames: a frame without one of KEPT_FIELDS gets the value the
 * last frame that had it carried, so every frame it returns is complete.
 * @returns {(buffer: ArrayBuffer) => Frame}
 */
export function frameReader() {
  /** @type {Partial<FrameHeader>} */
  const kept = {};
  return (buffer) => {
    const frame = decodeFrame(buffer);
    for (const field of KEPT_FIELDS) {
      if (field in frame.header) Object.assign(kept, { [field]: frame.header[field] });
      else if (field in kept) Object.assign(frame.header, { [field]: kept[field] });
    }
    return frame;
  };
}

/**
 * The value of element `i` of a frame array (dequantized for uint8).
 * @param {FrameArray} array
 * @param {number} i
 */
export function valueAt(array, i) {
  const q = array.data[i];
  if (array.data instanceof Float32Array || !array.range) return q;
  const [lo, hi] = array.range;
  return lo + (q / 255) * (hi - lo);
}
