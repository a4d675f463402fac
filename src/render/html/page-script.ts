/**
 * The page's one script (inline, allowed by its hash in the Content-Security-Policy). It reads the
 * data block, shows a tooltip for the point under the pointer (id, text, kNN overlap) and rings the
 * same item in every map, and on a click on a lowest-overlap item lists its old and new neighbours.
 * Data is only ever written with textContent, never parsed as HTML.
 */
export const PAGE_SCRIPT = `(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const tip = document.getElementById('tooltip');
  const panel = document.getElementById('neighbours');
  const worstById = new Map(data.worst.map((item) => [item.id, item]));
  let lit = [];
  const pointOf = (target) => (target instanceof SVGElement && target.dataset.i !== undefined ? Number(target.dataset.i) : null);
  const line = (tag, text) => {
    const element = document.createElement(tag);
    element.textContent = text;
    return element;
  };
  const overlapText = (value) => (value === null ? 'kNN overlap: not evaluated (a sampled run)' : 'kNN overlap: ' + value.toFixed(2));
  document.addEventListener('mouseover', (event) => {
    const i = pointOf(event.target);
    if (i === null) return;
    for (const element of lit) element.classList.remove('hl');
    lit = Array.from(document.querySelectorAll('[data-i="' + i + '"]'));
    for (const element of lit) element.classList.add('hl');
    tip.replaceChildren(line('strong', data.ids[i]));
    if (data.text[i]) tip.append(line('div', data.text[i]));
    tip.append(line('div', overlapText(data.overlap[i])));
    if (worstById.has(data.ids[i])) tip.append(line('div', 'click for its old and new neighbours'));
    tip.style.left = event.pageX + 14 + 'px';
    tip.style.top = event.pageY + 14 + 'px';
    tip.hidden = false;
  });
  document.addEventListener('mouseout', (event) => {
    if (pointOf(event.target) !== null) tip.hidden = true;
  });
  document.addEventListener('click', (event) => {
    const i = pointOf(event.target);
    if (i === null) return;
    const item = worstById.get(data.ids[i]);
    panel.replaceChildren(line('h3', data.ids[i]));
    if (!item) {
      panel.append(line('p', 'Neighbour lists are kept for the ' + data.worst.length + ' items with the lowest overlap (ringed in the maps).'));
      return;
    }
    if (item.text) panel.append(line('p', item.text));
    panel.append(line('p', overlapText(item.overlap)));
    for (const [title, ids] of [['neighbours before (reference)', item.before], ['neighbours after (candidate)', item.after]]) {
      panel.append(line('h4', title));
      const list = document.createElement('ol');
      for (const id of ids) list.append(line('li', id));
      panel.append(list);
    }
  });
})();
`;
