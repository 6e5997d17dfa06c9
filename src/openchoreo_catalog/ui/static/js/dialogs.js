// Modal dialogs on the native <dialog> element: focus moves in and is trapped, Escape
// cancels, focus returns to the button that opened it — accessible without extra code.

import { h } from './dom.js';

function open(dialog, initialFocus) {
  const opener = document.activeElement;
  document.body.append(dialog);
  dialog.showModal();
  initialFocus?.focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement) opener.focus();
      resolve(dialog.returnValue);
    });
  });
}

/**
 * Ask for the access token (a static token of backend.auth.externalAccess).
 * Resolves to the token, or null when the user cancels.
 */
export async function askToken(reason) {
  const input = h('input', {
    id: 'token-input', name: 'token', type: 'password', autocomplete: 'off', required: true,
    minlength: 8, 'aria-describedby': 'token-help',
  });
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'token-title' }, 'Access token needed'),
    h('p', { id: 'token-help' }, reason,
      ' The token is kept in this browser tab only and sent as a bearer token.'),
    h('label', { for: 'token-input' }, 'Token'),
    input,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', value: 'cancel', formnovalidate: true, class: 'secondary' }, 'Cancel'),
      h('button', { type: 'submit', value: 'ok', class: 'primary' }, 'Use token')));
  const dialog = h('dialog', { 'aria-labelledby': 'token-title' }, form);
  const answer = await open(dialog, input);
  return answer === 'ok' && input.value.trim() ? input.value.trim() : null;
}

/** Confirm a destructive action; resolves true only on an explicit yes. */
export async function confirmAction(title, message, verb) {
  const cancel = h('button', { type: 'submit', value: 'cancel', class: 'secondary' }, 'Keep things as they are');
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'confirm-title' }, title),
    h('p', { id: 'confirm-text' }, message),
    h('div', { class: 'actions' },
      cancel,
      h('button', { type: 'submit', value: 'yes', class: 'danger' }, verb)));
  const dialog = h('dialog', {
    'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text', role: 'alertdialog',
  }, form);
  return (await open(dialog, cancel)) === 'yes';
}
