// Switch role: account, role name, display name and color, pre-filled from the link a role's
// summary page gives (?account=&roleName=&displayName=).
import { post } from './api.js';
import { ROLE_COLORS } from './nav.js';
import { busy, check, field, h, heading, normalizeAccountId } from './ui.js';

export function switchRolePage(ctx) {
  const q = ctx.query;
  const account = field('Account ID or alias', { id: 'switch-account', value: q.get('account') || '',
                                                 spellcheck: 'false' });
  const role = field('IAM role name', { id: 'switch-role-name', value: q.get('roleName') || '',
                                        spellcheck: 'false' });
  const display = field('Display name', {
    id: 'switch-display-name', value: q.get('displayName') || '', maxlength: '64',
    hint: 'Shown in the navigation bar while you use the role. Optional.' });
  const wanted = ROLE_COLORS.includes(q.get('color')) ? q.get('color') : '';
  // Optional, as in AWS: "None" shows the role in the bar without a color.
  const colors = h('fieldset', { class: 'colors' }, h('legend', {}, 'Display color (optional)'),
    ['', ...ROLE_COLORS].map((c) => {
      const r = check(c ? c[0].toUpperCase() + c.slice(1) : 'None', {
        type: 'radio', name: 'switch-color', value: c, id: `switch-color-${c || 'none'}`,
        checked: wanted === c });
      r.row.classList.add('swatch', c ? `role-color-${c}` : 'no-color');
      return r.row;
    }));
  const form = h('form', { class: 'form narrow', novalidate: true },
    account.row, role.row, display.row, colors,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', onclick: () => history.back() }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Switch Role')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      const acct = normalizeAccountId(account.input.value);
      const name = role.input.value.trim();
      const color = form.querySelector('input[name="switch-color"]:checked')?.value || '';
      await post('/console/switch-role', {
        account: acct, roleName: name,
        displayName: display.input.value.trim(), color,
      });
      await ctx.navigate('/');
    });
  });
  ctx.root.append(
    heading('Switch Role'),
    h('p', { class: 'intro' }, 'Switch to a role in this or another account to use its ' +
      'permissions. An administrator gives you the account ID or alias and the role name.'),
    ctx.session.root ? h('p', { class: 'notice' },
      'The root user cannot switch roles. Sign in as an IAM user to switch.') : null,
    form);
  (account.input.value ? (role.input.value ? display.input : role.input) : account.input).focus();
}
