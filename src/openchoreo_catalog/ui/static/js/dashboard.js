// The ingestion dashboard: one card per incremental provider, polled every second from the
// management API (GET /api/catalog/incremental/providers/{p}), with a countdown to the next
// action that ticks between polls, and the trigger/start/cancel/reset actions.

import { ApiError, Cancelled, del, getJSON, post } from './api.js';
import { confirmAction } from './dialogs.js';
import { announce, duration, fill, h, num, relative, timeEl } from './dom.js';

const BASE = '/api/catalog/incremental';
const POLL_MS = 1000;
const HEALTH_MS = 5000;

const STATUS_TONE = {
  bursting: 'active',
  interstitial: 'neutral',
  resting: 'calm',
  'backing off': 'warn',
  canceling: 'warn',
  complete: 'calm',
};

const NEXT_ACTION_TEXT = {
  ingest: 'ingest the next pages',
  rest: 'finish resting and start the next cycle',
  backoff: 'retry after backing off',
  cancel: 'finish canceling',
};

export function renderDashboard(main) {
  const timers = new Set();
  let stopped = false;
  const later = (fn, ms) => {
    const id = setTimeout(() => { timers.delete(id); if (!stopped) fn(); }, ms);
    timers.add(id);
  };

  const health = h('p', { class: 'health', 'data-field': 'health' }, 'Checking health…');
  const list = h('div', { class: 'providers' });
  fill(main,
    h('h1', {}, 'Ingestion'),
    h('p', { class: 'lede' },
      'What each incremental provider is doing now: its state and next action, this cycle’s progress, ',
      'the current burst, and the last cycles. Figures refresh every second.'),
    health,
    list);

  const cards = [];
  const tick = setInterval(() => cards.forEach((card) => card.tick()), 1000);

  async function checkHealth() {
    try {
      const body = await getJSON(`${BASE}/health`);
      const data = body.data;
      health.className = data.healthy ? 'health ok' : 'health bad';
      health.textContent = data.healthy
        ? 'Healthy: one open cycle per provider.'
        : `Unhealthy: providers with more than one open cycle: ${(data.duplicateIngestions || []).join(', ')}.`;
    } catch (error) {
      if (!(error instanceof Cancelled)) {
        health.className = 'health bad';
        health.textContent = `Health unknown: ${error.message}`;
      }
    }
    later(checkHealth, HEALTH_MS);
  }

  (async () => {
    try {
      const body = await getJSON(`${BASE}/providers`);
      const names = body.data.providers;
      if (!names.length) {
        list.append(h('p', { class: 'empty' }, 'No incremental provider is registered in this service.'));
      }
      for (const name of names) {
        const card = providerCard(name, () => poll(card));
        cards.push(card);
        list.append(card.el);
        poll(card);
      }
    } catch (error) {
      if (!(error instanceof Cancelled)) {
        list.append(h('p', { class: 'error', role: 'alert' }, `Could not list the providers: ${error.message}`));
      }
    }
    checkHealth();
  })();

  async function poll(card) {
    card.polling = (card.polling || 0) + 1;
    const mine = card.polling;
    try {
      const body = await getJSON(`${BASE}/providers/${encodeURIComponent(card.name)}`);
      if (!stopped) card.update(body.data);
    } catch (error) {
      if (!stopped && !(error instanceof Cancelled)) card.loadFailed(error);
    }
    if (mine === card.polling) later(() => poll(card), POLL_MS);
  }

  return () => {
    stopped = true;
    clearInterval(tick);
    timers.forEach(clearTimeout);
  };
}

const OPEN_RESULT = {
  bursting: 'in progress',
  interstitial: 'in progress, between bursts',
  'backing off': 'in progress, backing off after an error',
  resting: 'ingested; resting',
  canceling: 'canceling',
};

function cycleResult(cycle, open) {
  if (open) return OPEN_RESULT[cycle.status] || cycle.status;
  if (cycle.canceled) return 'canceled';
  return cycle.degraded ? 'complete, degraded: nothing removed' : 'complete';
}

function cycleRow(cycle, open) {
  const elapsed = cycle.durationSeconds ?? (Date.now() - Date.parse(cycle.createdAt)) / 1000;
  const result = cycleResult(cycle, open);
  return h('tr', { 'data-cycle': cycle.id, 'data-result': result, class: open ? 'open' : null },
    h('td', {}, timeEl(cycle.createdAt)),
    h('td', {}, cycle.durationSeconds == null ? `${duration(elapsed)} so far` : duration(elapsed)),
    h('td', { class: 'num' }, num(cycle.entitiesSeen)),
    h('td', { class: 'num' }, num(cycle.entitiesWritten)),
    h('td', { class: 'num' }, num(cycle.entitiesRemoved)),
    h('td', { class: 'num' }, num(cycle.removalsRejected)),
    h('td', {}, result));
}

function field(name, content = '—') {
  return h('dd', { 'data-field': name }, content);
}

function fact(label, dd) {
  return h('div', { class: 'fact' }, h('dt', {}, label), dd);
}

function providerCard(name, refresh) {
  const id = `provider-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const status = h('span', { class: 'badge', 'data-field': 'status' }, '…');
  const nextAction = field('next-action');
  const countdown = field('countdown');
  const attempts = field('attempts');
  const seen = field('seen');
  const cycle = field('cycle');
  const burst = field('burst');
  const burstLabel = h('dt', {}, 'Current burst');
  const lastError = h('div', { class: 'last-error', 'data-field': 'last-error', hidden: true });
  const loadError = h('p', { class: 'error', 'data-field': 'load-error', hidden: true });
  const result = h('p', { class: 'action-result', 'data-field': 'action-result', role: 'status' });
  const cycles = h('tbody', { 'data-field': 'cycles' });
  let detail = null;

  const buttons = {
    trigger: h('button', { type: 'button', class: 'primary' }, 'Trigger now'),
    start: h('button', { type: 'button' }, 'Start next cycle'),
    cancel: h('button', { type: 'button' }, 'Cancel cycle'),
    reset: h('button', { type: 'button', class: 'danger' }, 'Reset…'),
  };

  const el = h('section', { class: 'card provider', 'data-provider': name, 'aria-labelledby': `${id}-title` },
    h('header', { class: 'card-head' },
      h('h2', { id: `${id}-title` }, name),
      h('span', { class: 'visually-hidden' }, 'State: '),
      status),
    loadError,
    h('dl', { class: 'facts' },
      fact('Next action', nextAction),
      fact('When', countdown),
      fact('Attempts', attempts),
      fact('Entities seen this cycle', seen),
      fact('This cycle', cycle),
      h('div', { class: 'fact' }, burstLabel, burst)),
    lastError,
    h('div', { class: 'actions', role: 'group', 'aria-label': `Actions for ${name}` },
      buttons.trigger, buttons.start, buttons.cancel, buttons.reset),
    result,
    h('table', { class: 'cycles' },
      h('caption', {}, 'Cycles, newest first'),
      h('thead', {}, h('tr', {},
        ['Started', 'Duration', 'Seen', 'Added or changed', 'Removed', 'Removals rejected', 'Result']
          .map((label) => h('th', { scope: 'col' }, label)))),
      cycles));

  const base = `${BASE}/providers/${encodeURIComponent(name)}`;
  const actions = {
    trigger: { run: () => post(`${base}/trigger`), confirm: null },
    start: {
      run: () => post(`${base}/start`),
      confirm: () => (detail && detail.nextAction !== 'rest' && detail.current
        ? ['Restart the ingestion?', `${name} is in the middle of a cycle (${detail.status}). Starting the next cycle cancels this one: nothing it read so far is swept, and a new cycle starts from the first page.`, 'Cancel it and start over']
        : null),
    },
    cancel: {
      run: () => post(`${base}/cancel`),
      confirm: () => ['Cancel the current cycle?', `${name} stops ingesting now without removing anything; the next cycle starts after the rest period.`, 'Cancel the cycle'],
    },
    reset: {
      run: () => del(base),
      confirm: () => ['Reset this provider?', `Every cycle, page mark and burst record of ${name} is deleted and a fresh cycle starts from the first page now. Catalog entities stay.`, 'Reset the provider'],
    },
  };

  for (const [key, action] of Object.entries(actions)) {
    buttons[key].addEventListener('click', async () => {
      const question = action.confirm ? action.confirm() : null;
      if (question && !(await confirmAction(...question))) return;
      Object.values(buttons).forEach((b) => { b.disabled = true; });
      result.className = 'action-result';
      result.textContent = 'Working…';
      try {
        const body = await action.run();
        const message = body?.data?.message || `${buttons[key].textContent}: done.`;
        result.textContent = message;
        announce(message);
        refresh();
      } catch (error) {
        if (error instanceof Cancelled) {
          result.textContent = '';
        } else {
          result.className = 'action-result error';
          result.textContent = error instanceof ApiError ? `Failed (${error.status}): ${error.message}` : `Failed: ${error.message}`;
        }
      } finally {
        Object.values(buttons).forEach((b) => { b.disabled = false; });
      }
    });
  }

  function tick() {
    if (!detail) return;
    if (!detail.nextActionAt) {
      countdown.textContent = '—';
      return;
    }
    fill(countdown, relative(detail.nextActionAt), ' (', timeEl(detail.nextActionAt), ')');
    const running = detail.currentBurst;
    if (running && !running.endedAt) {
      burst.querySelector('[data-part="age"]')?.replaceChildren(`running for ${duration((Date.now() - Date.parse(running.startedAt)) / 1000)}`);
    }
  }

  function update(data) {
    detail = data;
    loadError.hidden = true;
    status.textContent = data.status;
    status.className = `badge tone-${STATUS_TONE[data.status] || 'neutral'}`;
    nextAction.textContent = data.nextAction
      ? `${data.nextAction} — ${NEXT_ACTION_TEXT[data.nextAction] || 'nothing'}`
      : 'waiting for its first cycle';
    attempts.textContent = num(data.attempts);
    const active = data.entitiesActive;
    const seenNow = data.entitiesSeenThisCycle;
    fill(seen,
      h('span', { 'data-part': 'numbers' }, `${num(seenNow)} of ${num(active)} active`),
      active > 0 ? h('progress', { max: active, value: Math.min(seenNow, active), 'aria-label': `${name}: entities seen this cycle` }) : null);
    const current = data.current;
    fill(cycle, current
      ? `${num(current.pages)} pages, ${num(current.entitiesSeen)} entities, started ${relative(current.createdAt)}`
      : '—');
    const running = data.currentBurst;
    const shown = running || (data.lastBursts || [])[0];
    burstLabel.textContent = running || !shown ? 'Current burst' : 'Last burst';
    fill(burst, shown
      ? [
        h('span', { 'data-part': 'pages' }, `${num(shown.pages)} pages`), ', ',
        h('span', { 'data-part': 'rate' }, shown.entitiesPerSecond == null ? '— entities/s' : `${num(shown.entitiesPerSecond)} entities/s`),
        running ? [', ', h('span', { 'data-part': 'age' }, '')] : ` (${shown.outcome}, ended ${relative(shown.endedAt)})`,
      ]
      : 'no burst yet');
    if (data.lastError) {
      fill(lastError, h('h3', {}, 'Last error'), h('pre', {}, data.lastError));
      lastError.hidden = false;
    } else {
      lastError.hidden = true;
      lastError.replaceChildren();
    }
    buttons.cancel.disabled = !data.nextAction || !['ingest', 'backoff'].includes(data.nextAction);
    const rows = [...(data.current ? [data.current] : []), ...(data.lastCycles || [])];
    fill(cycles, rows.length
      ? rows.map((c) => cycleRow(c, c === data.current))
      : h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No cycle yet.')));
    tick();
  }

  function loadFailed(error) {
    loadError.hidden = false;
    loadError.textContent = `Could not refresh: ${error.message}`;
  }

  return { el, name, update, tick, loadFailed };
}
