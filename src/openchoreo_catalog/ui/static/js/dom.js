// Building DOM without innerHTML: every value from the APIs becomes a text node, so names,
// descriptions and error messages can never inject markup.

/** h('a', {href: '#/x', class: 'y'}, 'text', child) → an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Tell screen-reader users what just happened (results of actions, loads). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = message;
}

const numbers = new Intl.NumberFormat('en');

export function num(value) {
  return value === null || value === undefined ? '—' : numbers.format(value);
}

/** 3725 → "1h 2m 5s"; negative durations are shown as their magnitude. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  let s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hr = Math.floor(s / 3600); s -= hr * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const parts = [];
  if (d) parts.push(`${d}d`);
  if (hr) parts.push(`${hr}h`);
  if (m && parts.length < 2) parts.push(`${m}m`);
  if (parts.length < 2) parts.push(`${s}s`);
  return parts.join(' ');
}

/** "in 4m 2s", "12s ago" or "now" for an ISO time. */
export function relative(iso, now = Date.now()) {
  if (!iso) return '—';
  const delta = (Date.parse(iso) - now) / 1000;
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${duration(delta)}` : `${duration(delta)} ago`;
}

export function localTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** <time datetime=…>local</time> */
export function timeEl(iso) {
  return iso ? h('time', { datetime: iso }, localTime(iso)) : '—';
}

/** Query string of a hash route: "#/catalog?kind=api" → URLSearchParams. */
export function hashParams() {
  const hash = location.hash || '';
  const at = hash.indexOf('?');
  return new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
}

/** Change the hash's query without adding a history entry per keystroke. */
export function replaceHashParams(path, params) {
  const query = params.toString();
  history.replaceState(null, '', `#${path}${query ? `?${query}` : ''}`);
}
