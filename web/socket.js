// @ts-check
/**
 * The only module that touches `WebSocket`: connects to `/ws`, reconnects with backoff when the
 * connection drops, numbers and sends client messages, decodes text and binary messages, and
 * gives each frame an `ack()` that acknowledges it (docs/protocol.md, flow control).
 * `request(message)` sends a message and returns a promise of its reply: the first server
 * message that echoes its id, or a rejection with the `error` that does (every message still
 * reaches `onMessage`, so the store and the banner see it too).
 */
import { frameReader } from './frame.js';

/**
 * @typedef {import('./types/protocol').Outgoing} Outgoing
 * @typedef {import('./types/protocol').ServerMessage} ServerMessage
 * @typedef {import('./state.js').PageError} PageError
 */

const BACKOFF_MS = [250, 500, 1000, 2000];
/** Messages kept while the socket is not open, sent once it is (oldest dropped first). */
const QUEUE_LIMIT = 50;

/**
 * @param {{
 *   url: string,
 *   onOpen: () => void,
 *   onClose: () => void,
 *   onMessage: (message: ServerMessage) => void,
 *   onFrame: (frame: import('./frame.js').Frame) => void,
 *   onDecodeError: (error: Error) => void,
 * }} handlers
 */
export function connectSocket({ url, onOpen, onClose, onMessage, onFrame, onDecodeError }) {
  /** @type {WebSocket | null} */
  let ws = null;
  let nextId = 1;
  let attempt = 0;
  /** @type {{id: number, text: string}[]} */
  let queue = [];
  /** Requests waiting for their reply, by id. */
  /** @type {Map<number, {resolve: (reply: ServerMessage) => void, reject: (error: PageError) => void}>} */
  const waiting = new Map();
  /** Ids sent on the current connection (a dropped connection never answers them). */
  /** @type {Set<number>} */
  let sentIds = new Set();

  /**
   * Rejects the request of a message that will never be answered.
   * @param {number} id
   * @param {string} message
   */
  function abandon(id, message) {
    waiting.get(id)?.reject({ type: 'error', code: 'disconnected', field: null, id, local: true, message });
    waiting.delete(id);
  }

  /**
   * Settles the request a message replies to, if any.
   * @param {ServerMessage} message
   */
  function settle(message) {
    const id = 'id' in message ? message.id : null;
    if (typeof id !== 'number') return;
    const request = waiting.get(id);
    if (!request) return;
    waiting.delete(id);
    sentIds.delete(id);
    if (message.type === 'error') request.reject(message);
    else request.resolve(message);
  }

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
        if (typeof event.data === 'string') {
          /** @type {ServerMessage} */
          const message = JSON.parse(event.data);
          onMessage(message);
          settle(message);
        } else onFrame(withAck(readFrame(event.data), socket));
      } catch (error) {
        onDecodeError(/** @type {Error} */ (error));
      }
    };
    socket.onclose = () => {
      ws = null;
      // The session that would have answered is gone.
      for (const id of sentIds) abandon(id, 'connection lost');
      sentIds = new Set();
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

  /**
   * Sends a client message with a fresh `id` (queued while disconnected) and returns the id.
   * @param {Outgoing} message
   */
  function send(message) {
    const id = nextId++;
    const text = JSON.stringify({ ...message, id });
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(text);
      sentIds.add(id);
    } else {
      if (queue.length >= QUEUE_LIMIT) abandon(/** @type {{id: number}} */ (queue.shift()).id, 'dropped while offline');
      queue.push({ id, text });
    }
    return id;
  }

  return {
    send,
    /**
     * Sends a client message; resolves with the first reply that echoes its id, rejects with
     * the `error` that does (or when the connection drops before the reply).
     * @param {Outgoing} message
     * @returns {Promise<ServerMessage>}
     */
    request(message) {
      return new Promise((resolve, reject) => {
        const id = send(message);
        waiting.set(id, { resolve, reject });
      });
    },
    /** Sends what was queued while disconnected (after the session is restored). */
    flushQueue() {
      const pending = queue;
      queue = [];
      for (const { id, text } of pending) {
        ws?.send(text);
        sentIds.add(id);
      }
    },
  };
}

/** The websocket URL of the page's own server. */
export function socketUrl(/** @type {Location} */ location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
