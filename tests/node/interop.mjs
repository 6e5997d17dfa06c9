// Drives the running catalog API with Backstage's own @backstage/catalog-client and prints
// what it got back as one JSON document (read by tests/node/test_catalog_client.py).
// Usage: node interop.mjs <base-url> <token>
import { CatalogClient, CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';

const [baseUrl, token] = process.argv.slice(2);
const client = new CatalogClient({
  discoveryApi: { getBaseUrl: async () => `${baseUrl}/api/catalog` },
  fetchApi: { fetch: (...args) => fetch(...args) },
});
const names = entities => entities.map(e => (e ? e.metadata.name : null));
const out = {};

out.components = names(
  (await client.getEntities({ filter: { kind: 'Component', 'spec.system': 'store' }, fields: ['metadata.name'] })).items,
);
out.systemsOrGroups = names(
  (await client.getEntities({ filter: [{ kind: 'system' }, { kind: 'group' }], fields: ['metadata.name'] })).items,
);
out.javaTagged = names(
  (await client.getEntities({ filter: { 'metadata.tags.java': CATALOG_FILTER_EXISTS }, fields: ['metadata.name'] })).items,
);
out.ordered = names(
  (await client.getEntities({ filter: { kind: 'component' }, order: { field: 'metadata.name', order: 'desc' }, limit: 3, fields: ['metadata.name'] })).items,
);
out.byRef = await client.getEntityByRef('component:shop/svc-01');
out.byCompoundRef = (await client.getEntityByRef({ kind: 'System', namespace: 'shop', name: 'store' }))?.metadata?.uid ?? null;
out.missing = (await client.getEntityByRef('component:shop/nope')) ?? null;

const paged = [];
let page = await client.queryEntities({
  filter: { kind: 'component' },
  orderFields: { field: 'metadata.name', order: 'asc' },
  limit: 7,
  fields: ['metadata.name'],
});
out.firstTotal = page.totalItems;
out.pages = 1;
paged.push(...names(page.items));
while (page.pageInfo.nextCursor) {
  page = await client.queryEntities({ cursor: page.pageInfo.nextCursor, limit: 7, fields: ['metadata.name'] });
  paged.push(...names(page.items));
  out.pages += 1;
}
out.paged = paged;
out.lastHasPrev = Boolean(page.pageInfo.prevCursor);

const everything = [];
page = await client.queryEntities({ limit: 4 });
everything.push(...page.items.map(e => e.metadata.uid));
while (page.pageInfo.nextCursor) {
  page = await client.queryEntities({ cursor: page.pageInfo.nextCursor, limit: 4 });
  everything.push(...page.items.map(e => e.metadata.uid));
}
out.allUids = everything;

out.textSearch = names(
  (await client.queryEntities({ fullTextFilter: { term: 'SVC-1', fields: ['metadata.name'] }, fields: ['metadata.name'], limit: 50 })).items,
);

out.byRefs = names(
  (await client.getEntitiesByRefs(
    { entityRefs: ['group:shop/team', 'component:shop/ghost', 'component:shop/svc-03'], fields: ['metadata.name'] },
    { token },
  )).items,
);

out.facets = await client.getEntityFacets({ facets: ['kind', 'metadata.tags'], filter: { kind: 'component' } });

const streamed = [];
for await (const chunk of client.streamEntities({ filter: { kind: 'component' }, pageSize: 5, fields: ['metadata.name'] })) {
  streamed.push(...names(chunk));
}
out.streamed = streamed;

try {
  await client.getEntitiesByRefs({ entityRefs: ['group:shop/team'] });
  out.unauthenticated = 'accepted';
} catch (error) {
  out.unauthenticated = error.name + ':' + (error.response?.status ?? '');
}

console.log(JSON.stringify(out));
