// Calls to the service's JSON APIs, with the user's token when one is needed.
//
// Mutations always need a token, so it is asked for *before* the first one (never a request
// that is known to fail). A 401/403 (wrong token, or reads protected by protectReads) asks
// again and retries once. Errors carry the server's own message, whichever of the service's
// two error shapes it used: Backstage's {error: {message}} or the envelope {success: false,
// error}.

import { askToken } from './dialogs.js';

const TOKEN_KEY = 'openchoreo-catalog.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** The user closed the token dialog: nothing to report. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  showTokenState();
}

export function showTokenState() {
  const state = document.getElementById('token-state');
  const forget = document.getElementById('forget-token');
  const has = Boolean(storedToken());
  if (state) state.textContent = has ? 'Token set for this tab' : 'No token';
  if (forget) forget.hidden = !has;
}

function messageOf(body, response) {
  if (body && typeof body === 'object') {
    if (body.error && typeof body.error === 'object' && body.error.message) return body.error.message;
    if (typeof body.error === 'string') return body.error;
  }
  return `${response.status} ${response.statusText || 'error'}`;
}

async function call(method, url, { needsToken = false, retried = false, signal } = {}) {
  let token = storedToken();
  if (needsToken && !token) {
    token = await askToken('This action changes the ingestion, so it needs an access token.');
    if (!token) throw new Cancelled();
    setToken(token);
  }
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, signal });
  if ((response.status === 401 || response.status === 403) && !retried) {
    const fresh = await askToken(response.status === 403
      ? 'The service refused the token you gave; enter another one.'
      : 'The service asks for an access token.');
    if (!fresh) throw new Cancelled();
    setToken(fresh);
    return call(method, url, { needsToken, retried: true, signal });
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, messageOf(body, response));
  return body;
}

export const getJSON = (url, options) => call('GET', url, options);
export const post = (url) => call('POST', url, { needsToken: true });
export const del = (url) => call('DELETE', url, { needsToken: true });

/** "/api/x" + {a: 1, b: [2, 3]} → "/api/x?a=1&b=2&b=3" (empty values left out). */
export function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') query.append(key, String(item));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
