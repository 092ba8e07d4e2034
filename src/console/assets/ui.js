// Small DOM helpers shared by the pages: element building, labelled fields, tables, dialogs and
// the alert and status regions. No inline styles or scripts anywhere (the CSP forbids them).

let idCounter = 0;

// h('button', {class: 'primary', onclick: f}, 'Save') → <button class="primary">Save</button>
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'for') el.htmlFor = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (['checked', 'disabled', 'required', 'selected', 'value', 'readOnly', 'hidden',
                'multiple'].includes(key)) {
      el[key] = value;
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// A labelled input: returns {row, input}. opts: type, value, required, autocomplete, hint,
// placeholder, id, textarea, rows, name, pattern, inputmode, maxlength.
export function field(label, opts = {}) {
  const id = opts.id || uid('field');
  const hintId = opts.hint ? `${id}-hint` : undefined;
  const common = {
    id, name: opts.name || id, required: opts.required, autocomplete: opts.autocomplete,
    placeholder: opts.placeholder, 'aria-describedby': hintId, inputmode: opts.inputmode,
    maxlength: opts.maxlength, pattern: opts.pattern, spellcheck: opts.spellcheck,
  };
  const input = opts.textarea
    ? h('textarea', { ...common, rows: opts.rows || 12, class: opts.class })
    : h('input', { ...common, type: opts.type || 'text', class: opts.class });
  if (opts.value !== undefined) input.value = opts.value;
  const row = h('div', { class: 'field' },
    h('label', { for: id }, label),
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
    input);
  return { row, input };
}

// A checkbox or radio with its label after it.
export function check(label, opts = {}) {
  const id = opts.id || uid('check');
  const input = h('input', {
    type: opts.type || 'checkbox', id, name: opts.name, value: opts.value,
    checked: opts.checked, disabled: opts.disabled,
  });
  if (opts.onchange) input.addEventListener('change', opts.onchange);
  const row = h('div', { class: 'check' }, input, h('label', { for: id }, label));
  return { row, input };
}

export function select(label, options, opts = {}) {
  const id = opts.id || uid('select');
  const input = h('select', { id, name: opts.name || id },
    options.map(([value, text]) => h('option', { value, selected: value === opts.value }, text)));
  if (opts.onchange) input.addEventListener('change', opts.onchange);
  const row = h('div', { class: 'field' }, h('label', { for: id }, label), input);
  return { row, input };
}

export function button(label, onclick, cls = '') {
  return h('button', { type: 'button', class: cls, onclick }, label);
}

export function link(href, text, cls) {
  return h('a', { href, class: cls }, text);
}

// A table in a scrolling wrapper: columns [{title, cell: row => node|string}].
export function table(caption, columns, rows, empty = 'No resources to display') {
  const body = rows.length
    ? rows.map((r) => h('tr', {}, columns.map((c) => h('td', {}, c.cell(r) ?? ''))))
    : [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))];
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
      h('tbody', {}, body)));
}

// Key/value summary list.
export function summary(pairs) {
  return h('dl', { class: 'summary' },
    pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '-')]));
}

export function heading(text, ...actions) {
  return h('div', { class: 'page-head' }, h('h1', {}, text),
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), children);
}

// Where an error about `near` (a button, a form or a panel) shows: the open dialog's region,
// else the region at the top of the form or panel it belongs to (made on first use), else the
// page's. An error belongs next to what the person was doing, not in a banner far away.
function alertRegion(near) {
  const dialogs = [...document.querySelectorAll('dialog[open]')];
  const top = dialogs[dialogs.length - 1];
  if (top) return top.querySelector('[role="alert"]') || document.getElementById('alert');
  // A step that failed may have been replaced (a sign-in that starts over): its successor.
  const here = near && near.isConnected ? near : near && document.querySelector('#page form');
  const box = here && here.closest ? here.closest('form, .panel, .signin-card') : null;
  if (!box) return document.getElementById('alert');
  let region = box.querySelector(':scope > .form-alert');
  if (!region) {
    region = h('div', { class: 'alert-region form-alert', role: 'alert' });
    const head = box.firstElementChild;
    if (head && head.matches('h1, h2, .panel-head')) head.after(region);
    else box.prepend(region);
  }
  return region;
}

// Shows an error with the console's wording, next to `near` when given (see alertRegion). The
// API's error code is not shown (AWS's console shows none); it stays in data-code.
export function showError(err, near) {
  const region = alertRegion(near);
  const code = err && err.code ? err.code : 'Error';
  const message = err && err.message ? err.message : String(err || code);
  region.replaceChildren(h('div', { class: 'alert error', 'data-code': code },
    h('span', { class: 'alert-message' }, message)));
  region.scrollIntoView?.({ block: 'nearest' });
  return region;
}

export function clearAlerts() {
  document.getElementById('alert')?.replaceChildren();
  document.getElementById('flash')?.replaceChildren();
  for (const d of document.querySelectorAll('dialog [role="alert"], .form-alert')) {
    d.replaceChildren();
  }
}

export function flash(message) {
  document.getElementById('flash').replaceChildren(h('div', { class: 'alert success' }, message));
}

// Runs fn with the button disabled; shows any error next to the button's form.
export async function busy(btn, fn) {
  if (btn) btn.disabled = true;
  try {
    alertRegion(btn)?.replaceChildren();
    document.getElementById('alert')?.replaceChildren();
    return await fn();
  } catch (e) {
    showError(e, btn);
    return undefined;
  } finally {
    // A form turned off for good (a spent reset link) keeps its button off.
    if (btn && !btn.closest('form[data-off]')) btn.disabled = false;
  }
}

// A modal <dialog>: build(body, close) fills it; buttons [{label, primary, onclick}] where
// onclick may return false to keep the dialog open.
export function openDialog(title, build, buttons = [{ label: 'Close' }]) {
  const titleId = uid('dlg');
  const body = h('div', { class: 'dialog-body' });
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, title),
    h('div', { role: 'alert', class: 'alert-region' }),
    body);
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const footer = h('div', { class: 'dialog-actions' },
    buttons.map((b) => {
      const btn = h('button', { type: 'button', class: b.primary ? 'primary' : '' }, b.label);
      btn.addEventListener('click', async () => {
        if (!b.onclick) return close();
        const keep = await busy(btn, () => b.onclick(close));
        if (keep !== false && dialog.open && keep !== undefined) close();
        return undefined;
      });
      return btn;
    }));
  dialog.append(footer);
  dialog.addEventListener('cancel', () => setTimeout(() => dialog.remove(), 0));
  build(body, close);
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close, body };
}

// Asks for confirmation; resolves true/false.
export function confirmDialog(title, message, confirmLabel = 'Delete') {
  return new Promise((resolve) => {
    let done = false;
    const { dialog } = openDialog(title, (body) => body.append(h('p', {}, message)), [
      { label: 'Cancel', onclick: () => { done = true; resolve(false); return true; } },
      { label: confirmLabel, primary: true,
        onclick: () => { done = true; resolve(true); return true; } },
    ]);
    dialog.addEventListener('close', () => { if (!done) resolve(false); });
  });
}

// An account id as AWS's console shows it: 1234-5678-9012 (anything else unchanged).
export function formatAccountId(id) {
  return /^\d{12}$/.test(id || '') ? `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}` : id;
}

// An account id as typed, with or without the hyphens, as the API takes it: 123456789012.
// An alias (or anything else) comes back unchanged.
export function normalizeAccountId(text) {
  const t = (text || '').trim();
  return /^\d{4}-\d{4}-\d{4}$/.test(t) ? t.replaceAll('-', '') : t;
}

export function formatDate(value) {
  if (!value) return '-';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function pre(text, label) {
  return h('pre', { class: 'code', tabindex: '0', 'aria-label': label }, text);
}

// A copyable value: the text and a Copy button.
export function copyable(text, { href, label } = {}) {
  const value = href ? h('a', { href, class: 'copy-value' }, text) : h('code', { class: 'copy-value' }, text);
  const btn = h('button', { type: 'button', class: 'small', 'aria-label': `Copy ${label || text}` }, 'Copy');
  btn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = 'Copied';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(value);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      btn.textContent = 'Selected';
    }
    setTimeout(() => { btn.textContent = 'Copy'; }, 1500);
  });
  return h('span', { class: 'copyable' }, value, ' ', btn);
}

export function formRow(...buttons) {
  return h('div', { class: 'form-actions' }, buttons);
}

// Replaces el's children with the given ones, skipping null, undefined and false.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// A table row's action: a short visible verb, named in full for assistive technology
// ("Detach" reads as "Detach AdministratorAccess").
export function rowButton(verb, subject, onclick, cls = 'small') {
  return h('button', { type: 'button', class: cls, 'aria-label': `${verb} ${subject}`, onclick }, verb);
}
