// Account settings: the password policy (get, update, delete) and the account alias.
import { call } from './api.js';
import {
  fill,
  busy, button, check, confirmDialog, field, flash, h, heading, section, showError, summary,
} from './ui.js';

async function passwordPolicy() {
  try {
    return (await call('iam', 'GetAccountPasswordPolicy', {})).PasswordPolicy;
  } catch (e) {
    if (e.code === 'NoSuchEntity') return null;
    throw e;
  }
}

export async function accountSettingsPage(ctx) {
  const policyBox = h('section', { class: 'panel' });
  const aliasBox = h('section', { class: 'panel' });
  ctx.root.append(heading('Account settings'), policyBox, aliasBox);

  const drawPolicy = async () => {
    const p = await passwordPolicy();
    const min = field('Minimum password length', { id: 'pp-min', type: 'number',
      value: String(p ? p.MinimumPasswordLength : 8) });
    min.input.min = '6';
    min.input.max = '128';
    const boxes = [
      ['RequireUppercaseCharacters', 'Require at least one uppercase letter from the Latin alphabet (A–Z)'],
      ['RequireLowercaseCharacters', 'Require at least one lowercase letter from the Latin alphabet (a–z)'],
      ['RequireNumbers', 'Require at least one number'],
      ['RequireSymbols', 'Require at least one nonalphanumeric character'],
      ['AllowUsersToChangePassword', 'Allow users to change their own password'],
      ['HardExpiry', 'Prevent password reuse after expiration (administrator reset)'],
    ].map(([key, label]) => [key, check(label, { id: `pp-${key}`, checked: p ? Boolean(p[key]) : false })]);
    const maxAge = field('Password expiration (days, 0 for none)', { id: 'pp-max-age', type: 'number',
      value: String(p && p.MaxPasswordAge ? p.MaxPasswordAge : 0) });
    const reuse = field('Prevent password reuse (remembered passwords, 0 for none)', { id: 'pp-reuse',
      type: 'number', value: String(p && p.PasswordReusePrevention ? p.PasswordReusePrevention : 0) });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
    const form = h('form', { class: 'form narrow', novalidate: true },
      min.row, boxes.map(([, c]) => c.row), maxAge.row, reuse.row,
      h('div', { class: 'form-actions' }, save,
        p ? button('Delete password policy', async (e) => {
          if (!await confirmDialog('Delete password policy',
            'Delete the custom password policy? The default rules apply again.')) return;
          await busy(e.target, async () => {
            await call('iam', 'DeleteAccountPasswordPolicy', {});
            await drawPolicy();
            flash('The password policy was deleted; the default rules apply.');
          });
        }, 'danger') : null));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(save, async () => {
        const input = { MinimumPasswordLength: Number(min.input.value) };
        for (const [key, c] of boxes) input[key] = c.input.checked;
        if (Number(maxAge.input.value) > 0) input.MaxPasswordAge = Number(maxAge.input.value);
        if (Number(reuse.input.value) > 0) input.PasswordReusePrevention = Number(reuse.input.value);
        await call('iam', 'UpdateAccountPasswordPolicy', input);
        await drawPolicy();
        flash('The password policy was saved.');
      });
    });
    fill(policyBox, h('h2', {}, 'Password policy'),
      h('p', { class: 'muted' }, p ? 'This account has a custom password policy.'
        : 'This account uses the default password policy: at least 8 characters, with three of ' +
          'uppercase letters, lowercase letters, numbers and symbols.'),
      form);
  };

  const drawAlias = async () => {
    const aliases = (await call('iam', 'ListAccountAliases', {})).AccountAliases || [];
    const alias = aliases[0];
    const input = field('Account alias', { id: 'account-alias', value: alias || '', spellcheck: 'false',
      hint: '3 to 63 lowercase letters, digits and hyphens.' });
    fill(aliasBox, h('h2', {}, 'Account alias'),
      summary([['Account ID', ctx.session.role ? ctx.session.role.accountId : ctx.session.accountId],
               ['Current alias', alias || 'None']]),
      input.row,
      h('div', { class: 'form-actions' },
        button(alias ? 'Change alias' : 'Create alias', (e) => busy(e.target, async () => {
          if (alias) await call('iam', 'DeleteAccountAlias', { AccountAlias: alias });
          await call('iam', 'CreateAccountAlias', { AccountAlias: input.input.value.trim() });
          const created = input.input.value.trim();
          // The navigation bar shows the alias: it is current before the page says it is done.
          await ctx.refreshSession();
          await drawAlias();
          flash(`The account alias is now ${created}.`);
        }), 'primary'),
        alias ? button('Delete alias', (e) => busy(e.target, async () => {
          await call('iam', 'DeleteAccountAlias', { AccountAlias: alias });
          await ctx.refreshSession();
          await drawAlias();
          flash('The account alias was deleted.');
        }), 'danger') : null));
  };
  const safe = (fn) => fn().catch(showError);
  await Promise.all([safe(drawPolicy), safe(drawAlias)]);
}
