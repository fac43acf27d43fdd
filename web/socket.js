// @ts-check
/**
 * The only module that touches `WebSocket`: connects to `/ws`, reconnects with backoff when the
 * connection drops, numbers and sends client messages, decodes text and binary messages, and
 * gives each frame an `ack()` that acknowledges it (docs/protocol.md, flow control).
 */
import { frameReader } from './frame.js';

const BACKOFF_MS = [250, 500, 1000, 2000];
/** Messages kept while the socket is not open, sent once it is (oldest dropped first). */
const QUEUE_LIMIT = 50;

/**
 * @param {{
 *   url: string,
 *   onOpen: () => void,
 *   onClose: () => void,
 *   onMessage: (message: any) => void,
 *   onFrame: (frame: import('./frame.js').Frame) => void,
 *   onDecodeError: (error: Error) => void,
 * }} handlers
 */
export function connectSocket({ url, onOpen, onClose, onMessage, onFrame, onDecodeError }) {
  /** @type {WebSocket | null} */
  let ws = null;
  let nextId = 1;
  let attempt = 0;
  /** @type {string[]} */
  let queue = [];

  function open() {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const readFrame = frameReader(); // per connection: a new session sends everything again
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      onOpen();
    };
    socket.onmessage = (event) => {
      try {
        if (typeof event.data === 'string') onMessage(JSON.parse(event.data));
        else onFrame(withAck(readFrame(event.data), socket));
      } catch (error) {
        onDecodeError(/** @type {Error} */ (error));
      }
    };
    socket.onclose = () => {
      ws = null;
      onClose();
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      setTimeout(open, delay);
    };
  }

  /**
   * The frame, with `ack()`: tells its connection's session that the page drew it (and every
   * frame before it), so the server sends the next ones. Once only; never on a newer
   * connection (another session, whose frames count again from 1).
   * @param {import('./frame.js').Frame} frame
   * @param {WebSocket} socket
   */
  function withAck(frame, socket) {
    let acked = false;
    frame.ack = () => {
      if (acked || ws !== socket || socket.readyState !== WebSocket.OPEN) return;
      acked = true;
      socket.send(JSON.stringify({ type: 'ack', frame: frame.header.seq }));
    };
    return frame;
  }

  open();

  return {
    /**
     * Sends a client message with a fresh `id` (queued while disconnected) and returns the id.
     * @param {{type: string, [key: string]: any}} message
     */
    send(message) {
      const id = nextId++;
      const text = JSON.stringify({ ...message, id });
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
      else queue = [...queue.slice(-(QUEUE_LIMIT - 1)), text];
      return id;
    },
    /** Sends what was queued while disconnected (after the session is restored). */
    flushQueue() {
      const pending = queue;
      queue = [];
      for (const text of pending) ws?.send(text);
    },
  };
}

/** The websocket URL of the page's own server. */
export function socketUrl(/** @type {Location} */ location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
