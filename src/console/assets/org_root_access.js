// Root access management (centralized root access): IAM's trusted access, the two organization
// features (root credentials management, privileged root actions), and per member account the
// privileged tasks on its root user: audit its credentials, delete its password, allow its
// password recovery. The server performs each task through sts:AssumeRoot
// (POST /console/root-task): the root session never reaches the browser.
import { call, callAll, post } from './api.js';
import { describeOrganization } from './organizations.js';
import {
  busy, button, confirmDialog, fill, flash, h, heading, rowButton, section, showError, summary,
  table,
} from './ui.js';

const IAM_PRINCIPAL = 'iam.amazonaws.com';
const FEATURES = [
  ['RootCredentialsManagement', 'Root credentials management',
   'New member accounts get no root credentials; delete or audit the root credentials of members.'],
  ['RootSessions', 'Privileged root actions in member accounts',
   'Take the root-only actions on resources of member accounts (unlock a bucket or queue policy).'],
];

export async function rootAccessPage(ctx) {
  ctx.root.append(heading('Root access management'));
  const organization = await describeOrganization();
  if (!organization) {
    ctx.root.append(h('p', { class: 'notice' }, 'This account is in no organization.'));
    return;
  }
  const box = h('div');
  const result = h('div');
  ctx.root.append(box, result);
  const draw = async () => {
    const services = await callAll('organizations', 'ListAWSServiceAccessForOrganization', {},
      'EnabledServicePrincipals');
    if (!services.some((s) => s.ServicePrincipal === IAM_PRINCIPAL)) {
      fill(box, section('IAM has no trusted access',
        h('p', {}, 'Centralized root access needs trusted access for IAM in the organization.'),
        button('Enable trusted access for IAM', (e) => busy(e.target, async () => {
          await call('organizations', 'EnableAWSServiceAccess', { ServicePrincipal: IAM_PRINCIPAL });
          await draw();
        }), 'primary')));
      return;
    }
    const enabled = (await call('iam', 'ListOrganizationsFeatures')).EnabledFeatures || [];
    const accounts = (await callAll('organizations', 'ListAccounts', {}, 'Accounts'))
      .filter((a) => a.Id !== organization.MasterAccountId);
    fill(box,
      section('Centralized root access', table('Features', [
        { title: 'Feature', cell: ([, label]) => label },
        { title: 'What it allows', cell: ([, , text]) => text },
        { title: 'Status', cell: ([id]) => h('span', { class: 'feature-status' },
          enabled.includes(id) ? 'Enabled' : 'Disabled') },
        { title: 'Actions', cell: ([id, label]) => rowButton(
          enabled.includes(id) ? 'Disable' : 'Enable', label, (e) => busy(e.target, async () => {
            const op = `${enabled.includes(id) ? 'Disable' : 'Enable'}Organizations${
              id === 'RootSessions' ? 'RootSessions' : 'RootCredentialsManagement'}`;
            await call('iam', op);
            await draw();
          })) },
      ], FEATURES)),
      section('Member accounts', table('Member accounts', [
        { title: 'Name', cell: (a) => a.Name },
        { title: 'ID', cell: (a) => h('span', { class: 'account-id' }, a.Id) },
        { title: 'Privileged actions', cell: (a) => [
          rowButton('Audit', `the root user of ${a.Name}`,
            (e) => busy(e.target, () => audit(a, result))),
          ' ',
          rowButton('Delete root password', `of ${a.Name}`, async (e) => {
            if (!await confirmDialog('Delete root user password',
              `Delete the root user password of ${a.Name} (${a.Id})? Its root user can no longer `
              + 'sign in or recover a password until you allow recovery.', 'Delete')) return;
            await busy(e.target, async () => {
              await post('/console/root-task', { account: a.Id, action: 'delete-password' });
              flash(`The root user password of ${a.Name} was deleted.`);
            });
          }, 'small danger'),
          ' ',
          rowButton('Allow password recovery', `for ${a.Name}`, (e) => busy(e.target, async () => {
            await post('/console/root-task', { account: a.Id, action: 'allow-password-recovery' });
            flash(`The root user of ${a.Name} may now recover its password.`);
          })),
        ] },
      ], accounts, 'The organization has no member accounts')));
  };
  await draw().catch(showError);
}

async function audit(account, container) {
  const found = await post('/console/root-task', { account: account.Id, action: 'audit' });
  const profile = found.loginProfile;
  fill(container, section(`Root user credentials of ${account.Name}`,
    summary([
      ['Root user password', profile ? 'Present' : 'Not present'],
      ['Access keys', String(found.accessKeys.length)],
      ['MFA devices', String(found.mfaDevices.length)],
    ]),
    found.accessKeys.length ? table('Access keys', [
      { title: 'Access key ID', cell: (k) => h('code', {}, k.AccessKeyId) },
      { title: 'Status', cell: (k) => k.Status },
    ], found.accessKeys) : null));
}
