// The traits picker: the seed's scaffolder TraitsField as a page. Choose an organization,
// list its traits one page at a time (GET /api/openchoreo/traits, 100 a page as the seed asks)
// with "Load more traits" driven by metadata.continue, tick traits to add them, and read
// each one's parameter schema. The value the scaffolder field would hold is shown below.

import { ApiError, Cancelled, getJSON, url } from './api.js';
import { announce, fill, h, hashParams, num, replaceHashParams } from './dom.js';

const API = '/api/openchoreo';
const PAGE = 100;

export function renderTraits(main) {
  const params = hashParams();
  const limit = Math.min(512, Math.max(1, Number.parseInt(params.get('limit') || '', 10) || PAGE));
  let live = true;
  let org = '';
  let token = null;
  let generation = 0;
  const chosen = new Map(); // trait name → {trait, schema|null, error|null}
  const schemas = new Map();

  const orgSelect = h('select', { id: 'trait-org', name: 'org' },
    h('option', { value: '' }, 'Choose an organization…'));
  const status = h('p', { class: 'summary', 'data-field': 'trait-count', 'aria-live': 'polite' });
  const list = h('ul', { class: 'trait-list', 'data-field': 'traits' });
  const more = h('button', { type: 'button', class: 'primary', 'data-field': 'load-more-traits', hidden: true }, 'Load more traits');
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  const picked = h('div', { class: 'schemas', 'data-field': 'schemas' });
  const value = h('pre', { class: 'json', 'data-field': 'field-value' }, '[]');
  const legend = h('legend', {}, 'Traits');

  fill(main,
    h('h1', {}, 'Traits'),
    h('p', { class: 'lede' },
      'Pick the traits a new component gets, as the scaffolder’s traits field does. ',
      'Traits are listed a page at a time; “Load more traits” fetches the next page.'),
    h('div', { class: 'filters' },
      h('div', { class: 'control org' }, h('label', { for: 'trait-org' }, 'Organization'), orgSelect)),
    problem,
    h('div', { class: 'traits-layout' },
      h('section', { class: 'card', 'aria-labelledby': 'available-title' },
        h('h2', { id: 'available-title' }, 'Available traits'),
        status,
        h('fieldset', {}, legend, list),
        h('div', { class: 'more' }, more)),
      h('section', { class: 'card', 'aria-labelledby': 'selected-title' },
        h('h2', { id: 'selected-title' }, 'Selected traits'),
        picked,
        h('h3', {}, 'Field value'),
        value)));

  orgSelect.addEventListener('change', () => choose(orgSelect.value));
  more.addEventListener('click', () => loadPage());
  showSelection();

  (async () => {
    try {
      const body = await getJSON(`${API}/organizations`);
      orgSelect.append(...body.items.map((o) => h('option', { value: o.name },
        o.displayName && o.displayName !== o.name ? `${o.displayName} (${o.name})` : o.name)));
      const wanted = params.get('org');
      if (wanted && body.items.some((o) => o.name === wanted)) {
        orgSelect.value = wanted;
        choose(wanted);
      }
    } catch (error) {
      if (live && !(error instanceof Cancelled)) showProblem(`Could not list the organizations: ${error.message}`);
    }
  })();

  function choose(name) {
    org = name;
    token = null;
    chosen.clear();
    list.replaceChildren();
    status.textContent = '';
    more.hidden = true;
    legend.textContent = name ? `Traits of ${name}` : 'Traits';
    const shown = new URLSearchParams();
    if (name) shown.set('org', name);
    if (limit !== PAGE) shown.set('limit', String(limit));
    replaceHashParams('/traits', shown);
    showSelection();
    if (name) loadPage();
  }

  async function loadPage() {
    const mine = ++generation;
    const first = token === null;
    more.disabled = true;
    problem.hidden = true;
    status.textContent = first ? 'Loading traits…' : 'Loading more traits…';
    try {
      const body = await getJSON(url(`${API}/traits`, { organizationName: org, limit, continue: token || undefined }));
      if (!live || mine !== generation) return;
      list.append(...body.items.map(item));
      token = body.metadata.hasMore ? body.metadata.continue : null;
      more.hidden = !body.metadata.hasMore;
      more.disabled = false;
      const count = list.children.length;
      status.textContent = body.metadata.hasMore
        ? `${num(count)} traits loaded; more are available.`
        : `All ${num(count)} traits loaded.`;
      if (!first) announce(`${num(body.items.length)} more traits loaded.`);
    } catch (error) {
      if (!live || mine !== generation || error instanceof Cancelled) return;
      more.disabled = false;
      if (error instanceof ApiError && error.status === 410) {
        showProblem('The listing expired on the server; it was loaded again from the first page.');
        token = null;
        list.replaceChildren();
        loadPage();
        return;
      }
      status.textContent = '';
      showProblem(`Could not load the traits of ${org}: ${error.message}`);
    }
  }

  function item(trait) {
    const id = `pick-${trait.name}`;
    const box = h('input', { type: 'checkbox', id, value: trait.name, 'aria-describedby': `${id}-desc` });
    box.addEventListener('change', () => toggle(trait, box.checked));
    return h('li', {},
      box,
      h('label', { for: id }, trait.displayName || trait.name, ' ', h('code', {}, trait.name)),
      h('span', { id: `${id}-desc`, class: 'muted' }, trait.description || ''));
  }

  async function toggle(trait, on) {
    if (!on) {
      chosen.delete(trait.name);
      showSelection();
      return;
    }
    const entry = { trait, schema: null, error: null };
    chosen.set(trait.name, entry);
    showSelection();
    const key = `${org}/${trait.name}`;
    try {
      if (!schemas.has(key)) {
        const body = await getJSON(url(`${API}/trait-schema`, { organizationName: org, traitName: trait.name }));
        schemas.set(key, body.data);
      }
      entry.schema = schemas.get(key);
    } catch (error) {
      if (error instanceof Cancelled) return;
      entry.error = error.message;
    }
    if (live && chosen.get(trait.name) === entry) showSelection();
  }

  function showSelection() {
    const entries = [...chosen.values()];
    fill(picked, entries.length
      ? entries.map(schemaCard)
      : h('p', { class: 'empty' }, 'No trait selected yet. Tick a trait to see its parameters.'));
    value.textContent = JSON.stringify(entries.map(({ trait, schema }) => ({
      name: trait.name,
      instanceName: `${trait.name}-1`,
      config: defaults(schema),
    })), null, 2);
  }

  function showProblem(message) {
    problem.textContent = message;
    problem.hidden = false;
  }

  return () => { live = false; generation += 1; };
}

function defaults(schema) {
  const out = {};
  for (const [key, prop] of Object.entries(schema?.properties || {})) {
    if (prop && Object.hasOwn(prop, 'default')) out[key] = prop.default;
  }
  return out;
}

function constraints(prop) {
  const parts = [];
  for (const key of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format']) {
    if (prop[key] !== undefined) parts.push(`${key} ${prop[key]}`);
  }
  if (Array.isArray(prop.enum)) parts.push(`one of ${prop.enum.join(', ')}`);
  return parts.join('; ');
}

function schemaCard({ trait, schema, error }) {
  const head = h('h3', {}, trait.displayName || trait.name, ' ', h('code', {}, trait.name));
  if (error) return h('article', { class: 'schema', 'data-trait': trait.name }, head, h('p', { class: 'error' }, `Could not load its schema: ${error}`));
  if (!schema) return h('article', { class: 'schema', 'data-trait': trait.name }, head, h('p', { class: 'muted' }, 'Loading schema…'));
  const required = new Set(schema.required || []);
  const props = Object.entries(schema.properties || {});
  return h('article', { class: 'schema', 'data-trait': trait.name }, head,
    trait.description ? h('p', {}, trait.description) : null,
    props.length
      ? h('table', { class: 'kv' },
        h('caption', { class: 'visually-hidden' }, `Parameters of ${trait.name}`),
        h('thead', {}, h('tr', {}, ['Parameter', 'Type', 'Default', 'Required', 'Constraints'].map((l) => h('th', { scope: 'col' }, l)))),
        h('tbody', {}, props.map(([name, prop]) => h('tr', {},
          h('th', { scope: 'row' }, name),
          h('td', {}, prop.type || 'any'),
          h('td', {}, prop.default === undefined ? '—' : JSON.stringify(prop.default)),
          h('td', {}, required.has(name) ? 'yes' : 'no'),
          h('td', {}, constraints(prop) || '—')))))
      : h('p', { class: 'empty' }, 'This trait takes no parameters.'),
    h('details', {}, h('summary', {}, 'JSON Schema'), h('pre', { class: 'json' }, JSON.stringify(schema, null, 2))));
}
