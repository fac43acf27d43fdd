// @ts-check
/**
 * The toolbar's playback: play or pause, one epoch, reset, from the buttons and the keyboard
 * (space plays or pauses, right arrow steps one epoch, r resets; not while typing in a field).
 * The play button flips at once; the server's status confirms it.
 */

/**
 * @param {(id: string) => any} q  the toolbar's element by test id
 * @param {{send: import('../../state.js').ViewContext['send']}} ctx
 * @param {(key: string) => string} t
 */
export function createPlayback(q, ctx, t) {
  const playBtn = /** @type {HTMLButtonElement} */ (q('play-pause'));
  let playing = false;

  /** Flips the button now (visible at the next paint); the server's status confirms it. */
  function setPlaying(/** @type {boolean} */ next) {
    playing = next;
    playBtn.setAttribute('aria-pressed', String(next));
    playBtn.classList.toggle('playing', next);
    /** @type {HTMLElement} */ (playBtn.querySelector('.play-label')).textContent = t(next ? 'controls.pause' : 'controls.play');
  }

  function togglePlay() {
    const next = !playing;
    setPlaying(next);
    ctx.send({ type: next ? 'play' : 'pause' });
  }
  function step() {
    if (playing) {
      setPlaying(false);
      ctx.send({ type: 'pause' });
    }
    ctx.send({ type: 'step', epochs: 1 });
  }
  function reset() {
    ctx.send({ type: 'reset' });
  }

  playBtn.addEventListener('click', togglePlay);
  q('step').addEventListener('click', step);
  q('reset').addEventListener('click', reset);
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest('input, select, textarea, [contenteditable="true"]')) return;
    if (event.key === ' ' && !target.closest('button, summary, a')) {
      event.preventDefault();
      togglePlay();
    } else if (event.key === 'ArrowRight') {
      event.preventDefault();
      step();
    } else if (event.key === 'r' || event.key === 'R') {
      reset();
    }
  });

  return {
    setPlaying,
    /** The play button's label again (after a language switch). */
    relabel() {
      setPlaying(playing);
    },
  };
}
