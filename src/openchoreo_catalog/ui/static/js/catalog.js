// The catalog browser: filters (kind, namespace, type, text) over Backstage's
// /entities/by-query, a table paged with the API's cursor and a "Load more" button. The
// filters live in the address (#/catalog?kind=API&q=cart), so a view can be shared.

import { Cancelled, getJSON, url } from './api.js';
import { announce, fill, h, hashParams, num, replaceHashParams } from './dom.js';

const API = '/api/catalog';
const PAGE = 25;
const FIELDS = [
  'kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.description',
  'spec.type', 'spec.owner',
];
const FILTERS = [
  { key: 'kind', label: 'Kind', facet: 'kind' },
  { key: 'namespace', label: 'Namespace', facet: 'metadata.namespace' },
  { key: 'type', label: 'Type', facet: 'spec.type' },
];

export function entityHref(kind, namespace, name) {
  return `#/entity/${encodeURIComponent(kind.toLowerCase())}/${encodeURIComponent(namespace || 'default')}/${encodeURIComponent(name)}`;
}

export function renderCatalog(main) {
  const params = hashParams();
  let generation = 0;
  let cursor = null;
  let debounce = null;

  const selects = Object.fromEntries(FILTERS.map((f) => [f.key,
    h('select', { id: `filter-${f.key}`, name: f.key }, h('option', { value: '' }, `Any ${f.label.toLowerCase()}`))]));
  const text = h('input', {
    id: 'filter-text', name: 'q', type: 'search', placeholder: 'Name, title, description…',
    value: params.get('q') || '', autocomplete: 'off',
  });
  const status = h('p', { class: 'summary', 'data-field': 'summary', 'aria-live': 'polite' }, 'Loading…');
  const rows = h('tbody', { 'data-field': 'rows' });
  const more = h('button', { type: 'button', class: 'primary', 'data-field': 'load-more', hidden: true }, 'Load more');
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the catalog', onsubmit: (e) => { e.preventDefault(); reload(); } },
    FILTERS.map((f) => h('div', { class: 'control' }, h('label', { for: `filter-${f.key}` }, f.label), selects[f.key])),
    h('div', { class: 'control grow' }, h('label', { for: 'filter-text' }, 'Text'), text),
    h('div', { class: 'control' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
      h('button', { type: 'button', class: 'secondary', onclick: clearFilters }, 'Clear filters')));

  fill(main,
    h('h1', {}, 'Catalog'),
    h('p', { class: 'lede' }, 'Every entity the service holds, as Backstage’s catalog API serves it.'),
    form,
    status,
    problem,
    h('table', { class: 'entities' },
      h('caption', { class: 'visually-hidden' }, 'Catalog entities'),
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Namespace', 'Type', 'Owner', 'Description']
        .map((label) => h('th', { scope: 'col' }, label)))),
      rows),
    h('div', { class: 'more' }, more));

  for (const select of Object.values(selects)) select.addEventListener('change', reload);
  text.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(reload, 300);
  });
  more.addEventListener('click', () => loadPage(false));

  loadFacets().then(reload);

  async function loadFacets() {
    try {
      const body = await getJSON(url(`${API}/entity-facets`, { facet: FILTERS.map((f) => f.facet) }));
      for (const f of FILTERS) {
        const values = (body.facets[f.facet] || []).map((v) => v.value).filter(Boolean)
          .sort((a, b) => a.localeCompare(b));
        const wanted = params.get(f.key) || '';
        selects[f.key].append(...values.map((v) => h('option', { value: v }, v)));
        if (wanted && !values.includes(wanted)) selects[f.key].append(h('option', { value: wanted }, wanted));
        selects[f.key].value = wanted;
      }
    } catch (error) {
      if (!(error instanceof Cancelled)) showProblem(`Could not load the filter values: ${error.message}`);
    }
  }

  function clearFilters() {
    for (const select of Object.values(selects)) select.value = '';
    text.value = '';
    reload();
  }

  function query() {
    const condition = [];
    if (selects.kind.value) condition.push(`kind=${selects.kind.value}`);
    if (selects.namespace.value) condition.push(`metadata.namespace=${selects.namespace.value}`);
    if (selects.type.value) condition.push(`spec.type=${selects.type.value}`);
    return {
      filter: condition.length ? condition.join(',') : undefined,
      fullTextFilterTerm: text.value.trim() || undefined,
      orderField: 'metadata.name,asc',
    };
  }

  function reload() {
    const shown = new URLSearchParams();
    for (const f of FILTERS) if (selects[f.key].value) shown.set(f.key, selects[f.key].value);
    if (text.value.trim()) shown.set('q', text.value.trim());
    replaceHashParams('/catalog', shown);
    cursor = null;
    rows.replaceChildren();
    loadPage(true);
  }

  async function loadPage(fresh) {
    const mine = ++generation;
    more.disabled = true;
    problem.hidden = true;
    status.textContent = fresh ? 'Loading…' : 'Loading more…';
    const request = fresh
      ? url(`${API}/entities/by-query`, { ...query(), limit: PAGE, fields: FIELDS.join(',') })
      : url(`${API}/entities/by-query`, { cursor, limit: PAGE, fields: FIELDS.join(',') });
    try {
      const body = await getJSON(request);
      if (mine !== generation) return;
      rows.append(...body.items.map(row));
      cursor = body.pageInfo.nextCursor || null;
      const shown = rows.children.length;
      const total = body.totalItems;
      status.textContent = shown === 0
        ? 'No entity matches these filters.'
        : `Showing ${num(shown)} of ${num(total)} entities${cursor ? '' : ' — all of them'}.`;
      more.hidden = !cursor;
      more.disabled = false;
      if (!fresh) announce(`${num(body.items.length)} more entities loaded.`);
    } catch (error) {
      if (mine !== generation || error instanceof Cancelled) return;
      status.textContent = '';
      showProblem(`Could not load the catalog: ${error.message}`);
      more.disabled = false;
    }
  }

  function showProblem(message) {
    problem.textContent = message;
    problem.hidden = false;
  }

  return () => {
    generation += 1;
    clearTimeout(debounce);
  };
}

function row(entity) {
  const meta = entity.metadata || {};
  const spec = entity.spec || {};
  const ref = `${(entity.kind || '').toLowerCase()}:${meta.namespace || 'default'}/${meta.name}`;
  return h('tr', { 'data-ref': ref },
    h('td', {}, h('a', { href: entityHref(entity.kind, meta.namespace, meta.name) }, meta.title || meta.name),
      meta.title && meta.title !== meta.name ? h('div', { class: 'muted small' }, meta.name) : null),
    h('td', {}, entity.kind),
    h('td', {}, meta.namespace || 'default'),
    h('td', {}, spec.type || ''),
    h('td', {}, spec.owner || ''),
    h('td', { class: 'description' }, meta.description || ''));
}
