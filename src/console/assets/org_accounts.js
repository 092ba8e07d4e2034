// Add an AWS account: create one (CreateAccount, then DescribeCreateAccountStatus until it
// settles) or invite an existing one by account ID or email.
import { call } from './api.js';
import { fill, busy, check, field, flash, h, heading, link, showError } from './ui.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function addAccountPage(ctx) {
  const createTab = check('Create an AWS account', { type: 'radio', name: 'add-mode', value: 'create',
                                                     id: 'add-create', checked: true });
  const inviteTab = check('Invite an existing AWS account', { type: 'radio', name: 'add-mode',
                                                              value: 'invite', id: 'add-invite' });
  // Create
  const name = field('AWS account name', { id: 'new-account-name' });
  const email = field('Email address of the account\'s owner', { id: 'new-account-email', type: 'email' });
  const role = field('IAM role name', { id: 'new-account-role', value: 'OrganizationAccountAccessRole',
    hint: 'The role the management account uses to access the new account.' });
  const progress = h('div', { class: 'create-progress', role: 'status' });
  const createBtn = h('button', { type: 'submit', class: 'primary' }, 'Create AWS account');
  const createForm = h('form', { class: 'form narrow', novalidate: true }, name.row, email.row, role.row,
    h('div', { class: 'form-actions' }, link('/organizations', 'Cancel', 'button-link'), createBtn), progress);
  createForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(createBtn, async () => {
      const input = { AccountName: name.input.value.trim(), Email: email.input.value.trim() };
      if (role.input.value.trim()) input.RoleName = role.input.value.trim();
      let status = (await call('organizations', 'CreateAccount', input)).CreateAccountStatus;
      fill(progress, h('p', {}, `Creating ${input.AccountName}: ${status.State}`));
      for (let i = 0; status.State === 'IN_PROGRESS' && i < 120; i++) {
        await sleep(1000);
        status = (await call('organizations', 'DescribeCreateAccountStatus',
                             { CreateAccountRequestId: status.Id })).CreateAccountStatus;
        fill(progress, h('p', {}, `Creating ${input.AccountName}: ${status.State}`));
      }
      if (status.State === 'SUCCEEDED') {
        fill(progress, h('p', { class: 'alert success' },
          `Account ${input.AccountName} created: `, h('strong', { class: 'created-account-id' }, status.AccountId),
          '. ', link('/organizations', 'View AWS accounts')));
        createForm.reset();
        role.input.value = 'OrganizationAccountAccessRole';
      } else if (status.State === 'FAILED') {
        progress.replaceChildren();
        showError({ code: status.FailureReason || 'FAILED',
                    message: `The account ${input.AccountName} could not be created.` });
      }
    });
  });

  // Invite
  const byEmail = check('Email address', { type: 'radio', name: 'invite-by', value: 'EMAIL',
                                           id: 'invite-by-email' });
  const byId = check('AWS account ID', { type: 'radio', name: 'invite-by', value: 'ACCOUNT',
                                         id: 'invite-by-id', checked: true });
  const target = field('Email address or account ID of the AWS account to invite', { id: 'invite-target' });
  const notes = field('Message to include in the invitation email', { id: 'invite-notes', textarea: true,
                                                                      rows: 3 });
  const inviteBtn = h('button', { type: 'submit', class: 'primary' }, 'Send invitation');
  const inviteResult = h('div', { role: 'status' });
  const inviteForm = h('form', { class: 'form narrow', novalidate: true, hidden: true },
    h('fieldset', {}, h('legend', {}, 'Invite by'), byId.row, byEmail.row), target.row, notes.row,
    h('div', { class: 'form-actions' }, link('/organizations', 'Cancel', 'button-link'), inviteBtn),
    inviteResult);
  inviteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(inviteBtn, async () => {
      const value = target.input.value.trim();
      const type = byEmail.input.checked || value.includes('@') ? 'EMAIL' : 'ACCOUNT';
      const input = { Target: { Id: value, Type: type } };
      if (notes.input.value.trim()) input.Notes = notes.input.value.trim();
      const out = await call('organizations', 'InviteAccountToOrganization', input);
      fill(inviteResult, h('p', { class: 'alert success' },
        `Invitation ${out.Handshake.Id} sent to ${value}. `,
        link('/organizations/invitations', 'View invitations')));
      flash('Invitation sent.');
    });
  });
  const sync = () => {
    createForm.hidden = !createTab.input.checked;
    inviteForm.hidden = !inviteTab.input.checked;
  };
  createTab.input.addEventListener('change', sync);
  inviteTab.input.addEventListener('change', sync);
  ctx.root.append(heading('Add an AWS account'),
    h('fieldset', {}, h('legend', {}, 'Add an AWS account'), createTab.row, inviteTab.row),
    createForm, inviteForm);
  name.input.focus();

}
