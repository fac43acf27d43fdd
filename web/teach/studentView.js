// @ts-check
/**
 * What the teacher's two views of the class (the cards, the mosaic) share: one entry per
 * student, kept from one `room_gallery` to the next, the teacher's sort and filter choices,
 * the spotlit student, and whether the view is shown. A hidden view keeps its entries and
 * draws them once shown, so a gallery costs one view's drawing, not two.
 */

/** @typedef {{sort: string, filter: string, showHidden: boolean, pick: ((card: any) => boolean) | null}} ViewOptions */

/**
 * @template {{card: any, thumb?: any}} E
 * @param {{build: (id: string) => Omit<E, 'card'>, draw: (entry: E) => void, arrange: () => void, active: boolean}} parts
 *   `build`: a new student's elements; `draw`: one entry from its card; `arrange`: the entries
 *   in the view's order; `active`: shown at first.
 */
export function studentView({ build, draw, arrange, active }) {
  /** @type {Map<string, E>} */ const entries = new Map();
  /** @type {ViewOptions} */ const options = { sort: 'name', filter: '', showHidden: false, pick: null };
  /** @type {{active: boolean, spotlit: string | null}} */ const state = { active, spotlit: null };
  return {
    entries,
    options,
    state,
    /**
     * Cards of the latest `room_gallery` (a card without `thumb` keeps its last one).
     * @param {any[]} cards
     */
    update(cards) {
      const ids = new Set(cards.map((c) => String(c.id)));
      for (const id of [...entries.keys()]) if (!ids.has(id)) entries.delete(id);
      for (const card of cards) {
        const id = String(card.id);
        let entry = entries.get(id);
        if (!entry) {
          entry = /** @type {E} */ ({ card, ...build(id) });
          entries.set(id, entry);
        }
        entry.card = { ...card, id };
        if (card.thumb) entry.thumb = card.thumb;
        if (state.active) draw(entry);
      }
      if (state.active) arrange();
    },
    /**
     * The teacher's choices (an empty object: the page's language or the names changed).
     * @param {{sort?: string, filter?: string, showHidden?: boolean, pick?: ((card: any) => boolean) | null, spotlit?: string | null, active?: boolean}} next
     */
    view(next) {
      if (next.sort !== undefined) options.sort = next.sort;
      if (next.filter !== undefined) options.filter = next.filter;
      if (next.showHidden !== undefined) options.showHidden = next.showHidden;
      if (next.pick !== undefined) options.pick = next.pick;
      if (next.spotlit !== undefined) state.spotlit = next.spotlit;
      const shows = next.active === true && !state.active;
      if (next.active !== undefined) state.active = next.active;
      // A new language (or names) relabels even a hidden view: its labels stay true.
      const relabel = Object.keys(next).length === 0;
      if (!state.active && !relabel) return;
      if (shows || relabel || next.spotlit !== undefined) {
        for (const entry of entries.values()) draw(entry);
      }
      arrange();
    },
  };
}
