// My security credentials: the signed-in principal's own password and MFA (for the root user,
// its virtual MFA device). An IAM user changes its password with iam:ChangePassword; the root
// user, which no API lets change its password, through the console's own endpoint.
import { call, post } from './api.js';
import { mfaSection } from './mfa.js';
import { busy, field, flash, h, heading, section, showError, summary } from './ui.js';

export async function securityCredentialsPage(ctx) {
  const s = ctx.session;
  ctx.root.append(heading('My security credentials'));
  if (s.federated && !s.role) {
    ctx.root.append(h('p', { class: 'notice' }, `You signed in through your identity provider as ` +
      `${s.userName}; a role has no long-term credentials. Your identity provider manages ` +
      `your password and MFA.`));
    return;
  }
  if (s.role) {
    ctx.root.append(h('p', { class: 'notice' }, `You are using the role ${s.role.roleName}; a role has no ` +
      `long-term credentials. Switch back to ${s.userName} to manage your own.`));
    return;
  }
  ctx.root.append(section('Account details', summary([
    ['Account ID', s.accountId], ['Signed in as', s.root ? 'Root user' : s.userName],
    ['ARN', h('span', { class: 'arn' }, s.principalArn)]])));
  ctx.root.append(section(s.root ? 'Root user password' : 'Console password', passwordForm(s)));
  const mfaBox = h('section', { class: 'panel' });
  ctx.root.append(mfaBox);
  await mfaSection(s.root ? { root: true } : { userName: s.userName }, mfaBox).catch(showError);
}

// Current, new and confirmed password; a change ends the principal's other console sessions.
function passwordForm(s) {
  const oldPw = field('Current password', { id: 'cp-old', type: 'password',
                                            autocomplete: 'current-password' });
  const newPw = field('New password', { id: 'cp-new', type: 'password',
                                        autocomplete: 'new-password' });
  const again = field('Confirm new password', { id: 'cp-again', type: 'password',
                                                autocomplete: 'new-password' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Change password');
  const form = h('form', { class: 'form narrow', novalidate: true }, oldPw.row, newPw.row,
    again.row, h('div', { class: 'form-actions' }, save));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      if (newPw.input.value !== again.input.value) {
        throw Object.assign(new Error('The new passwords do not match.'),
                            { code: 'PasswordMismatch' });
      }
      if (s.root) {
        await post('/console/root-password', { currentPassword: oldPw.input.value,
                                               newPassword: newPw.input.value });
      } else {
        await call('iam', 'ChangePassword', { OldPassword: oldPw.input.value,
                                              NewPassword: newPw.input.value });
      }
      form.reset();
      flash('Your password was changed. Your other console sessions are signed out.');
    });
  });
  return form;
}
