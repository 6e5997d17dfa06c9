// One entity: its metadata, annotations, spec, and relations as links to the related
// entities' pages (GET /api/catalog/entities/by-name/{kind}/{namespace}/{name}).

import { Cancelled, getJSON } from './api.js';
import { fill, h } from './dom.js';
import { entityHref } from './catalog.js';

/** "component:default/cart" → link to its page (kind and namespace as Backstage reads them). */
function refLink(ref) {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) return ref;
  const [, kind, namespace, name] = match;
  return h('a', { href: entityHref(kind, namespace || 'default', name) }, ref);
}

/** A metadata link; only http(s) URLs become links (never javascript: or data:). */
function linkItem(link) {
  const text = link.title || link.url;
  return h('li', {}, /^https?:\/\//i.test(link.url || '')
    ? h('a', { href: link.url, rel: 'noreferrer noopener' }, text)
    : text);
}

function scalar(value) {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function valueCell(value) {
  if (scalar(value)) return h('td', {}, String(value));
  return h('td', {}, h('pre', { class: 'json' }, JSON.stringify(value, null, 2)));
}

function keyValueTable(caption, entries, empty) {
  if (!entries.length) return h('p', { class: 'empty' }, empty);
  return h('table', { class: 'kv' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, entries.map(([key, value]) => h('tr', {}, h('th', { scope: 'row' }, key), valueCell(value)))));
}

export function renderEntity(main, kind, namespace, name) {
  let live = true;
  fill(main,
    h('p', {}, h('a', { href: '#/catalog' }, '← Back to the catalog')),
    h('h1', {}, name),
    h('p', { class: 'muted' }, 'Loading…'));

  (async () => {
    try {
      const path = [kind, namespace, name].map(encodeURIComponent).join('/');
      const entity = await getJSON(`/api/catalog/entities/by-name/${path}`);
      if (live) show(main, entity);
    } catch (error) {
      if (!live || error instanceof Cancelled) return;
      fill(main,
        h('p', {}, h('a', { href: '#/catalog' }, '← Back to the catalog')),
        h('h1', {}, name),
        h('p', { class: 'error', role: 'alert' }, error.status === 404
          ? `There is no ${kind} named ${name} in namespace ${namespace}.`
          : `Could not load the entity: ${error.message}`));
    }
  })();
  return () => { live = false; };
}

function show(main, entity) {
  const meta = entity.metadata || {};
  const spec = entity.spec || {};
  const annotations = Object.entries(meta.annotations || {}).sort(([a], [b]) => a.localeCompare(b));
  const labels = Object.entries(meta.labels || {});
  const relations = [...(entity.relations || [])]
    .sort((a, b) => a.type.localeCompare(b.type) || a.targetRef.localeCompare(b.targetRef));
  const specEntries = Object.entries(spec).filter(([key]) => key !== 'definition');
  document.title = `${meta.title || meta.name} · OpenChoreo catalog`;

  fill(main,
    h('p', {}, h('a', { href: '#/catalog' }, '← Back to the catalog')),
    h('h1', {}, meta.title || meta.name),
    h('p', { class: 'entity-ref' },
      h('span', { class: 'badge tone-neutral' }, entity.kind), ' ',
      `${(entity.kind || '').toLowerCase()}:${meta.namespace || 'default'}/${meta.name}`),
    meta.description ? h('p', { class: 'lede' }, meta.description) : null,
    h('div', { class: 'entity-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'sec-about' },
        h('h2', { id: 'sec-about' }, 'About'),
        h('dl', { class: 'facts' },
          h('div', { class: 'fact' }, h('dt', {}, 'API version'), h('dd', {}, entity.apiVersion)),
          h('div', { class: 'fact' }, h('dt', {}, 'UID'), h('dd', {}, meta.uid || '—')),
          h('div', { class: 'fact' }, h('dt', {}, 'Tags'), h('dd', {}, (meta.tags || []).join(', ') || '—')),
          labels.length ? h('div', { class: 'fact' }, h('dt', {}, 'Labels'),
            h('dd', {}, labels.map(([k, v]) => `${k}=${v}`).join(', '))) : null),
        (meta.links || []).length ? [h('h3', {}, 'Links'), h('ul', {}, meta.links.map(linkItem))] : null),
      h('section', { class: 'card', 'aria-labelledby': 'sec-relations' },
        h('h2', { id: 'sec-relations' }, 'Relations'),
        relations.length
          ? h('table', { class: 'kv', 'data-field': 'relations' },
            h('caption', { class: 'visually-hidden' }, 'Relations'),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Relation'), h('th', { scope: 'col' }, 'Entity'))),
            h('tbody', {}, relations.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.type), h('td', {}, refLink(r.targetRef))))))
          : h('p', { class: 'empty' }, 'No relations.'))),
    h('section', { class: 'card', 'aria-labelledby': 'sec-annotations' },
      h('h2', { id: 'sec-annotations' }, 'Annotations'),
      keyValueTable('Annotations', annotations, 'No annotations.')),
    h('section', { class: 'card', 'aria-labelledby': 'sec-spec' },
      h('h2', { id: 'sec-spec' }, 'Spec'),
      keyValueTable('Spec', specEntries, 'No spec.'),
      spec.definition ? h('details', {}, h('summary', {}, 'API definition'),
        h('pre', { class: 'json' }, String(spec.definition))) : null),
    h('details', { class: 'raw' }, h('summary', {}, 'Raw entity (JSON)'),
      h('pre', { class: 'json' }, JSON.stringify(entity, null, 2))));
}
