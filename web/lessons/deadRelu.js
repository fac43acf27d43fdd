// @ts-check
/**
 * The dead ReLU tracker: per hidden layer, the share of training points each neuron is active
 * on (bars), which ReLUs are dead and since which epoch (frame.header.dead_since), and one
 * action that revives them: the server re-draws the dead neurons' weights (`revive`).
 */
import { formatPercent, nameLabel } from '../i18n.js';
import { h, hiddenLayers, redraws, throttle, translator } from './util.js';

export const STRINGS = {
  en: {
    'lessons.tab.dead': 'Dead ReLUs',
    'dead.layer': 'Layer {l} · {activation}',
    'dead.summary': '{count} of {units} dead',
    'dead.neuron': 'neuron {j}',
    'dead.since': 'dead since epoch {epoch}',
    'dead.active': 'active on {share} of the points',
    'dead.revive': 'Revive: re-draw the dead neurons',
    'dead.noRelu': 'No ReLU layer in this network: try the “Dead ReLUs at a large learning rate” experiment.',
    'dead.waiting': 'Activity appears with the first frame.',
    'dead.explain': 'A ReLU outputs max(0, z). When a large step pushes its input z below zero for every training point, it outputs 0 everywhere, its derivative is 0, no gradient reaches its weights and it stays dead for good. “Dead since epoch N”: at the end of epoch N its input was below zero on every training point, and has been ever since (checked after every epoch). Revive re-draws each dead neuron, as the re-initialization of dead neurons does (ReDo, Sokar et al., 2023): new incoming weights (He), a zero bias and zero outgoing weights, so the network’s output does not change at that moment; every other weight is kept. It also divides the learning rate by 10: at the learning rate that killed them, the new neurons would die again. Train on and watch their bars.',
  },
  fr: {
    'lessons.tab.dead': 'Neurones morts',
    'dead.layer': 'Couche {l} · {activation}',
    'dead.summary': '{count} morts sur {units}',
    'dead.neuron': 'neurone {j}',
    'dead.since': 'mort depuis l’époque {epoch}',
    'dead.active': 'actif sur {share} des points',
    'dead.revive': 'Ranimer : tirer à nouveau les neurones morts',
    'dead.noRelu': 'Pas de couche ReLU dans ce réseau : essayez l’expérience « Neurones ReLU morts à grand taux d’apprentissage ».',
    'dead.waiting': 'L’activité apparaît avec la première trame.',
    'dead.explain': 'Un neurone ReLU renvoie max(0, z). Quand un grand pas rend son entrée z négative pour tous les points d’entraînement, il renvoie 0 partout, sa dérivée est nulle, aucun gradient n’atteint ses poids et il reste mort pour de bon : c’est un neurone mort. « Mort depuis l’époque N » : à la fin de l’époque N, son entrée était négative sur tous les points d’entraînement, et l’est restée depuis (vérifié après chaque époque). Ranimer tire à nouveau chaque neurone mort, comme la réinitialisation des neurones morts (ReDo, Sokar et al., 2023) : de nouveaux poids d’entrée (He), un biais nul et des poids de sortie nuls, si bien que la sortie du réseau ne change pas à cet instant ; tous les autres poids sont gardés. Ranimer divise aussi le taux d’apprentissage par 10 : avec le pas qui les a tués, les nouveaux neurones mourraient à nouveau. Continuez l’entraînement et regardez leurs barres.',
  },
};

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountDeadRelu(container, ctx) {
  const t = translator(ctx);
  const revive = h('button', { class: 'ls-btn ls-primary', type: 'button', 'data-testid': 'revive' });
  const layersBox = h('div', { class: 'ls-dead-layers', 'data-testid': 'dead-tracker' });
  const explain = h('p', { class: 'ls-explain' });
  container.append(h('div', {}, [revive]), layersBox, explain);
  /** @type {any} */ let state = null;
  let shown = '';
  // The server re-draws the dead neurons only (a config change would draw every weight again).
  revive.addEventListener('click', () => ctx.send({ type: 'revive', rule: 'redraw' }));

  const draw = throttle(() => {
    const header = state?.frame?.header;
    const hidden = hiddenLayers(state?.config);
    const hasRelu = hidden.some((l) => l.activation === 'relu');
    // Revive re-draws the dead neurons: with none, there is nothing to do.
    const anyDead = Object.values(header?.dead ?? {}).some((/** @type {number[]} */ js) => js.length > 0);
    revive.toggleAttribute('disabled', !hasRelu || !anyDead);
    const layers = header?.diagnostics?.layers ?? {};
    const key = JSON.stringify([state?.lang, hidden, header?.dead_since, hidden.map((_, i) => layers[String(i + 1)]?.active_share?.map((/** @type {number} */ v) => Math.round(v * 100)))]);
    if (key === shown) return;
    shown = key;
    if (!hidden.some((l) => l.activation === 'relu' || l.activation === 'leaky_relu')) {
      layersBox.replaceChildren(h('p', { class: 'ls-hint', text: t('dead.noRelu') }));
      return;
    }
    if (!header) { layersBox.replaceChildren(h('p', { class: 'ls-hint', text: t('dead.waiting') })); return; }
    layersBox.replaceChildren(...hidden.map((layer, i) => {
      const l = i + 1;
      const share = /** @type {number[]} */ (layers[String(l)]?.active_share ?? []);
      const since = header.dead_since?.[String(l)] ?? {};
      const dead = new Set([...(header.dead?.[String(l)] ?? []), ...Object.keys(since).map(Number)]);
      const section = h('section', { class: 'ls-dead-layer', 'data-testid': `dead-layer-${l}`, 'data-dead': String(dead.size) }, [
        h('h3', { class: 'ls-subtitle' }, [
          t('dead.layer', { l, activation: nameLabel(t, layer.activation) }), ' ',
          h('span', { class: dead.size ? 'ls-badge ls-badge-warn' : 'ls-badge', text: t('dead.summary', { count: dead.size, units: layer.units }) }),
        ]),
      ]);
      const list = h('ul', { class: 'ls-neurons' });
      for (let j = 0; j < Math.max(share.length, layer.units); j++) {
        const s = share[j];
        const isDead = dead.has(j);
        const pct = typeof s === 'number' ? Math.round(s * 100) : 0;
        list.append(h('li', { class: `ls-neuron${isDead ? ' ls-dead' : ''}`, 'data-testid': `neuron-${l}-${j}`, 'data-dead': String(isDead) }, [
          h('span', { class: 'ls-label', text: t('dead.neuron', { j: j + 1 }) }),
          h('div', { class: 'ls-bar', title: t('dead.active', { share: formatPercent(pct / 100, 0) }) }, [h('div', { class: 'ls-bar-fill', style: `width:${pct}%` })]),
          h('span', { class: 'ls-num', text: isDead && since[String(j)] !== undefined ? t('dead.since', { epoch: since[String(j)] }) : formatPercent(pct / 100, 0) }),
        ]));
      }
      section.append(list);
      return section;
    }));
  }, 200);

  function labels() {
    revive.textContent = t('dead.revive');
    explain.textContent = t('dead.explain');
    shown = '';
  }

  labels();
  return {
    /** @param {import('../state.js').AppState} next @param {Set<string>} changed @param {boolean} visible */
    update(next, changed, visible) {
      state = next;
      if (changed.has('lang')) labels();
      if (redraws(changed, visible)) draw();
    },
  };
}
