// Console home: the account and the signed-in principal; and the IAM dashboard.
import { call } from './api.js';
import { previousSignIn } from './event_history.js';
import { formatDate, h, heading, link, section, showError, summary } from './ui.js';

export function homePage(ctx) {
  const s = ctx.session;
  ctx.root.append(
    heading('Console Home'),
    section('Account',
      summary([
        ['Account ID', h('span', { class: 'account-id' }, s.role ? s.role.accountId : s.accountId)],
        ['Account alias', (s.role ? s.role.accountAlias : s.accountAlias) || '-'],
        ['Signed in as', h('span', { class: 'principal-arn' }, s.principalArn)],
        s.userName ? [s.federated ? 'Federated user' : 'IAM user', s.userName] : null,
        s.root ? ['Root user', 'Yes'] : null,
        // Two facts, as AWS keeps them apart: the device, and whether this sign-in used it.
        s.federated ? null : [s.root ? 'Root user MFA device' : 'MFA device assigned',
          h('span', { class: 'mfa-assigned' }, s.mfaDeviceAssigned ? 'Yes' : 'No')],
        ['Signed in with MFA', h('span', { class: 'session-mfa' }, s.mfa ? 'Yes' : 'No')],
        s.role ? ['Active role', `${s.role.roleName} in ${s.role.accountId} (${s.role.displayName})`]
          : null,
      ])),
    section('Services',
      h('ul', { class: 'service-links' },
        h('li', {}, link('/iam/users', 'IAM: users, groups, roles and policies')),
        h('li', {}, link('/organizations', 'AWS Organizations')),
        h('li', {}, link('/cloudtrail/events', 'CloudTrail: event history')),
        h('li', {}, link('/switchrole', 'Switch role')))));
  if (!s.role) {
    const last = h('dd', { class: 'last-sign-in' }, '…');
    ctx.root.querySelector('dl.summary').append(h('dt', {}, 'Last sign-in'), last);
    previousSignIn(s).then((r) => {
      last.textContent = r ? `${formatDate(r.eventTime)} from ${r.sourceIPAddress}`
        : 'None recorded before this one';
    });
  }
}

export async function iamHomePage(ctx) {
  ctx.root.append(heading('IAM Dashboard'));
  try {
    const out = await call('iam', 'GetAccountSummary', {});
    const m = out.SummaryMap || {};
    ctx.root.append(section('IAM resources', summary([
      ['Users', m.Users], ['User groups', m.Groups], ['Roles', m.Roles],
      ['Customer managed policies', m.Policies], ['Root user MFA', m.AccountMFAEnabled ? 'Yes' : 'No'],
    ])));
  } catch (e) {
    showError(e);
  }
}
