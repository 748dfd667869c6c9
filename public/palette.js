// The command palette: Ctrl+K (or ⌘K) or / opens "Go to" with suggestions from /api/go/places;
// ? lists the shortcuts. Plain script, so a page loads no wasm for it. Without JavaScript the
// header's "Go to" form runs the same search on the server (/go).
const box = document.getElementById('header-go');

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

let places = null; // fetched once per page, when first opened

async function loadPlaces() {
  if (places) return places;
  const res = await fetch('/api/go/places', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`status ${res.status}`);
  places = await res.json();
  return places;
}

// The same rule as the server's (`Destination::matches`): every word in the label or the hint.
function matching(all, q) {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return all.filter((d) => {
    const hay = `${d.label} ${d.hint}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

function buildPalette() {
  const input = el('input', {
    id: 'palette-q', name: 'q', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '500',
    placeholder: 'Meeting id or link, #request, batch, page…', role: 'combobox', 'aria-expanded': 'true',
    'aria-controls': 'palette-list', 'aria-autocomplete': 'list', 'aria-describedby': 'palette-hint',
  });
  const list = el('ul', { id: 'palette-list', role: 'listbox', 'aria-label': 'Places' });
  const note = el('p', { class: 'palette-note', role: 'status' });
  const form = el('form', { method: 'get', action: '/go', role: 'search', 'aria-label': 'Go to' },
    el('label', { for: 'palette-q' }, 'Go to'), input, list, note,
    el('p', { id: 'palette-hint', class: 'hint' }, '↑ ↓ to choose, Enter to go, Esc to close.'));
  const dialog = el('dialog', { class: 'palette', 'aria-labelledby': 'palette-title' },
    el('h2', { id: 'palette-title', class: 'visually-hidden' }, 'Go to'), form);
  document.body.append(dialog);

  let shown = [];
  let active = 0;
  const select = (i) => {
    active = i;
    list.querySelectorAll('[role="option"]').forEach((o, j) => o.setAttribute('aria-selected', String(j === i)));
    const current = list.children[i];
    if (current) {
      input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const render = () => {
    const q = input.value.trim();
    // First, the search itself: the server takes an id, a link, #12 or batch 3 straight there.
    shown = q ? [{ label: `Go to “${q}”`, hint: 'id, link, #request or batch', path: `/go?q=${encodeURIComponent(q)}` }] : [];
    shown.push(...matching(places ?? [], q).slice(0, 12));
    list.replaceChildren(...shown.map((d, i) => {
      const option = el('li', { id: `palette-option-${i}`, role: 'option', 'aria-selected': 'false' },
        el('span', { class: 'palette-label' }, d.label), ' ', el('span', { class: 'muted' }, d.hint));
      option.addEventListener('mousedown', (e) => { e.preventDefault(); location.assign(d.path); });
      return option;
    }));
    select(0);
  };
  input.addEventListener('input', render);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown.length) select((active + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length);
    } else if (e.key === 'Enter' && shown[active]) {
      e.preventDefault();
      location.assign(shown[active].path);
    }
  });
  return {
    open() {
      input.value = '';
      render();
      dialog.showModal();
      input.focus();
      note.textContent = places ? '' : 'Loading suggestions…';
      loadPlaces().then(() => { note.textContent = ''; render(); }, () => {
        note.textContent = 'Suggestions are not available now; Enter still goes to an id, a link, #request or batch.';
      });
    },
  };
}

function buildShortcuts() {
  const row = (keys, what) => [el('dt', {}, ...keys.flatMap((k, i) => (i ? [' or ', el('kbd', {}, k)] : [el('kbd', {}, k)]))), el('dd', {}, what)];
  const close = el('button', { type: 'button' }, 'Close');
  const dialog = el('dialog', { class: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
    el('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
    el('dl', {}, ...row(['Ctrl+K', '⌘K', '/'], 'Go to a meeting, request, batch or page'), ...row(['?'], 'This list'),
      ...row(['Esc'], 'Close a dialog')),
    close);
  close.addEventListener('click', () => dialog.close());
  document.body.append(dialog);
  return dialog;
}

if (box) {
  let palette = null;
  let shortcuts = null;
  document.addEventListener('keydown', (e) => {
    if (document.querySelector('dialog[open]')) return;
    const command = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k';
    if (command || (e.key === '/' && !typing(e.target))) {
      e.preventDefault();
      (palette ??= buildPalette()).open();
    } else if (e.key === '?' && !typing(e.target)) {
      e.preventDefault();
      (shortcuts ??= buildShortcuts()).showModal();
    }
  });
}
