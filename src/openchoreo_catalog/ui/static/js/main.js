// The page's router: the hash names the view (#/ingestion, #/catalog, #/entity/k/ns/name,
// #/traits). Each view renders into <main> and returns a function that stops whatever it
// keeps running (polling, timers) when the user leaves it.

import { fill, h } from './dom.js';
import { setToken, showTokenState } from './api.js';
import { renderDashboard } from './dashboard.js';
import { renderCatalog } from './catalog.js';
import { renderEntity } from './entity.js';
import { renderTraits } from './traits.js';

const ROUTES = [
  { pattern: /^\/ingestion$/, nav: 'ingestion', title: 'Ingestion', view: renderDashboard },
  { pattern: /^\/catalog$/, nav: 'catalog', title: 'Catalog', view: renderCatalog },
  { pattern: /^\/entity\/([^/]+)\/([^/]+)\/([^/]+)$/, nav: 'catalog', title: 'Entity', view: renderEntity },
  { pattern: /^\/traits$/, nav: 'traits', title: 'Traits', view: renderTraits },
];

let stop = null;
let first = true;

function route() {
  const hash = location.hash.slice(1) || '/ingestion';
  const path = hash.split('?')[0];
  if (stop) stop();
  stop = null;
  const main = document.getElementById('main');
  const found = ROUTES.find((r) => r.pattern.test(path));
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (found && link.dataset.nav === found.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!found) {
    document.title = 'Not found · OpenChoreo catalog';
    fill(main, h('h1', {}, 'Page not found'),
      h('p', {}, 'Nothing lives at this address. ', h('a', { href: '#/ingestion' }, 'Go to the ingestion dashboard'), '.'));
  } else {
    const args = path.match(found.pattern).slice(1).map(decodeURIComponent);
    document.title = `${found.title} · OpenChoreo catalog`;
    stop = found.view(main, ...args) || null;
  }
  if (!first) main.focus({ preventScroll: false });
  first = false;
}

document.getElementById('forget-token').addEventListener('click', () => setToken(null));
// The skip link must not change the hash (the hash is the route): it moves focus instead.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', route);
showTokenState();
route();
