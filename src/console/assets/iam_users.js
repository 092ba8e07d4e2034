// IAM users: the list, Create user (console password, require reset, groups) and the user's
// page: groups, permissions, console password, access keys and MFA.
import { call, callAll } from './api.js';
import { inlinePolicyHref } from './inline_policy.js';
import { mfaSection } from './mfa.js';
import { policyPicker } from './policy_picker.js';
import {
  fill,
  busy, button, rowButton, check, confirmDialog, field, flash, formatDate, h, heading, link, openDialog,
  section, showError, summary, table,
} from './ui.js';

const userHref = (name) => `/iam/users/${encodeURIComponent(name)}`;

export async function usersPage(ctx) {
  const list = h('div');
  ctx.root.append(heading('Users', link('/iam/users/create', 'Create user', 'button-link primary')),
    list);
  const users = await callAll('iam', 'ListUsers', {}, 'Users');
  const filterId = 'users-filter';
  const filter = h('input', { type: 'search', id: filterId, autocomplete: 'off' });
  const tableHolder = h('div');
  const draw = () => {
    const t = filter.value.trim().toLowerCase();
    fill(tableHolder, table(`Users (${users.length})`, [
      { title: 'User name', cell: (u) => link(userHref(u.UserName), u.UserName) },
      { title: 'Path', cell: (u) => u.Path },
      { title: 'ARN', cell: (u) => h('span', { class: 'arn' }, u.Arn) },
      { title: 'Created', cell: (u) => formatDate(u.CreateDate) },
      { title: 'Console last sign-in', cell: (u) => formatDate(u.PasswordLastUsed) },
    ], users.filter((u) => !t || u.UserName.toLowerCase().includes(t))));
  };
  filter.addEventListener('input', draw);
  list.append(h('div', { class: 'toolbar' },
    h('div', { class: 'field' }, h('label', { for: filterId }, 'Find users by name'), filter)),
    tableHolder);
  draw();
}

export async function createUserPage(ctx) {
  const name = field('User name', { id: 'user-name', spellcheck: 'false',
    hint: 'Up to 64 characters: letters, digits and +=,.@_-' });
  const consoleAccess = check('Provide user access to the console', { id: 'user-console' });
  const password = field('Console password', { id: 'user-password', type: 'password',
                                               autocomplete: 'new-password' });
  const reset = check('Users must create a new password at next sign-in', { id: 'user-reset',
                                                                           checked: true });
  const pwBlock = h('div', { class: 'subfields', hidden: true }, password.row, reset.row);
  consoleAccess.input.addEventListener('change', () => { pwBlock.hidden = !consoleAccess.input.checked; });
  const groupsBox = h('fieldset', {}, h('legend', {}, 'Add user to groups'));
  const form = h('form', { class: 'form narrow', novalidate: true },
    name.row, consoleAccess.row, pwBlock, groupsBox,
    h('div', { class: 'form-actions' }, link('/iam/users', 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Create user')));
  ctx.root.append(heading('Create user'), form);
  name.input.focus();
  const groups = await callAll('iam', 'ListGroups', {}, 'Groups').catch((e) => {
    showError(e);
    return [];
  });
  const groupChecks = groups.map((g) => check(g.GroupName, { value: g.GroupName, name: 'groups' }));
  groupsBox.append(...(groupChecks.length ? groupChecks.map((c) => c.row)
    : [h('p', { class: 'muted' }, 'No groups yet.')]));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      const userName = name.input.value.trim();
      await call('iam', 'CreateUser', { UserName: userName });
      if (consoleAccess.input.checked) {
        await call('iam', 'CreateLoginProfile', { UserName: userName, Password: password.input.value,
                                                  PasswordResetRequired: reset.input.checked });
      }
      for (const c of groupChecks.filter((c) => c.input.checked)) {
        await call('iam', 'AddUserToGroup', { UserName: userName, GroupName: c.input.value });
      }
      await ctx.navigate(userHref(userName));
      flash(`User ${userName} created.`);
    });
  });
}

async function hasLoginProfile(userName) {
  try {
    return (await call('iam', 'GetLoginProfile', { UserName: userName })).LoginProfile;
  } catch (e) {
    if (e.code === 'NoSuchEntity') return null;
    throw e;
  }
}

function passwordDialog(userName, exists, refresh) {
  const pw = field('New console password', { id: 'console-password', type: 'password',
                                             autocomplete: 'new-password' });
  const reset = check('User must create a new password at next sign-in', { id: 'console-reset' });
  openDialog(exists ? 'Manage console password' : 'Enable console access', (body) => {
    body.append(pw.row, reset.row);
    setTimeout(() => pw.input.focus(), 0);
  }, [
    { label: 'Cancel' },
    { label: 'Apply', primary: true, onclick: async () => {
      await call('iam', exists ? 'UpdateLoginProfile' : 'CreateLoginProfile', {
        UserName: userName, Password: pw.input.value, PasswordResetRequired: reset.input.checked });
      await refresh();
      flash(`Console password of ${userName} set.`);
      return true;
    } },
  ]);
}

function accessKeyCreatedDialog(key) {
  openDialog('Access key created', (body) => {
    body.append(
      h('p', {}, 'This is the only time that the secret access key can be viewed. Store it safely.'),
      summary([
        ['Access key ID', h('code', { class: 'access-key-id' }, key.AccessKeyId)],
        ['Secret access key', h('code', { class: 'secret-access-key' }, key.SecretAccessKey)],
      ]));
  }, [{ label: 'Done', primary: true }]);
}

export async function userPage(ctx) {
  const [userName] = ctx.params;
  const out = await call('iam', 'GetUser', { UserName: userName });
  const user = out.User;
  const groupsBox = h('section', { class: 'panel' });
  const permsBox = h('section', { class: 'panel' });
  const credsBox = h('section', { class: 'panel' });
  const keysBox = h('section', { class: 'panel' });
  const mfaBox = h('section', { class: 'panel' });
  ctx.root.append(
    heading(user.UserName, button('Delete user', () => deleteUser(ctx, user.UserName), 'danger')),
    section('Summary', summary([
      ['ARN', h('span', { class: 'arn' }, user.Arn)],
      ['Created', formatDate(user.CreateDate)],
      ['Console last sign-in', formatDate(user.PasswordLastUsed)],
      ['Path', user.Path]])),
    permsBox, groupsBox, credsBox, keysBox, mfaBox);

  const drawGroups = async () => {
    const groups = await callAll('iam', 'ListGroupsForUser', { UserName: userName }, 'Groups');
    fill(groupsBox,
      h('div', { class: 'panel-head' }, h('h2', {}, `Groups (${groups.length})`),
        button('Add user to groups', () => addToGroups(userName, groups, drawGroups))),
      table(null, [
        { title: 'Group name', cell: (g) => link(`/iam/groups/${encodeURIComponent(g.GroupName)}`, g.GroupName) },
        { title: 'Actions', cell: (g) => rowButton('Remove', `from ${g.GroupName}`, (e) => busy(e.target, async () => {
          await call('iam', 'RemoveUserFromGroup', { UserName: userName, GroupName: g.GroupName });
          await drawGroups();
          flash(`${userName} removed from ${g.GroupName}.`);
        }), 'small') },
      ], groups, 'The user is in no group'));
  };
  const drawPerms = async () => {
    const attached = await callAll('iam', 'ListAttachedUserPolicies', { UserName: userName },
                                   'AttachedPolicies');
    const inline = await callAll('iam', 'ListUserPolicies', { UserName: userName }, 'PolicyNames');
    fill(permsBox,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Permissions policies'),
        h('div', { class: 'actions' },
          button('Attach policies', () => attachDialog(attached.map((p) => p.PolicyArn),
            async (arns) => {
              for (const arn of arns) await call('iam', 'AttachUserPolicy', { UserName: userName, PolicyArn: arn });
              await drawPerms();
            })),
          link(inlinePolicyHref('users', userName), 'Create inline policy', 'button-link'))),
      table('Attached managed policies', [
        { title: 'Policy name', cell: (p) => link(`/iam/policies/${p.PolicyArn}`, p.PolicyName) },
        { title: 'Actions', cell: (p) => rowButton('Detach', p.PolicyName, (e) => busy(e.target, async () => {
          await call('iam', 'DetachUserPolicy', { UserName: userName, PolicyArn: p.PolicyArn });
          await drawPerms();
        }), 'small') },
      ], attached, 'No attached policies'),
      inlinePolicyTable('users', userName, inline, drawPerms));
  };
  const drawCreds = async () => {
    const profile = await hasLoginProfile(userName);
    fill(credsBox,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Console sign-in'),
        h('div', { class: 'actions' },
          button(profile ? 'Manage console password' : 'Enable console access',
                 () => passwordDialog(userName, Boolean(profile), drawCreds)),
          profile ? button('Disable console access', async (e) => {
            if (!await confirmDialog('Disable console access',
              `Remove the console password of ${userName}?`, 'Disable')) return;
            await busy(e.target, async () => {
              await call('iam', 'DeleteLoginProfile', { UserName: userName });
              await drawCreds();
              flash(`Console access of ${userName} disabled.`);
            });
          }, 'danger') : null)),
      summary([
        ['Console password', profile ? 'Enabled' : 'Not enabled'],
        profile ? ['Created', formatDate(profile.CreateDate)] : null,
        profile ? ['Reset required', profile.PasswordResetRequired ? 'Yes' : 'No'] : null,
      ]));
  };
  const drawKeys = async () => {
    const keys = await callAll('iam', 'ListAccessKeys', { UserName: userName }, 'AccessKeyMetadata');
    fill(keysBox,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Access keys'),
        button('Create access key', (e) => busy(e.target, async () => {
          const created = await call('iam', 'CreateAccessKey', { UserName: userName });
          accessKeyCreatedDialog(created.AccessKey);
          await drawKeys();
        }), 'primary')),
      table(null, [
        { title: 'Access key ID', cell: (k) => h('code', {}, k.AccessKeyId) },
        { title: 'Status', cell: (k) => h('span', { class: `badge ${k.Status === 'Active' ? 'ok' : 'warn'}` }, k.Status) },
        { title: 'Created', cell: (k) => formatDate(k.CreateDate) },
        { title: 'Actions', cell: (k) => h('div', { class: 'actions' },
          button(k.Status === 'Active' ? 'Deactivate' : 'Activate', (e) => busy(e.target, async () => {
            await call('iam', 'UpdateAccessKey', { UserName: userName, AccessKeyId: k.AccessKeyId,
              Status: k.Status === 'Active' ? 'Inactive' : 'Active' });
            await drawKeys();
          }), 'small'),
          button('Delete', async (e) => {
            if (!await confirmDialog('Delete access key', `Delete the access key ${k.AccessKeyId}?`)) return;
            await busy(e.target, async () => {
              await call('iam', 'DeleteAccessKey', { UserName: userName, AccessKeyId: k.AccessKeyId });
              await drawKeys();
            });
          }, 'small danger')) },
      ], keys, 'No access keys'));
  };
  const safe = (fn) => fn().catch(showError);
  await Promise.all([safe(drawPerms), safe(drawGroups), safe(drawCreds), safe(drawKeys),
                     safe(() => mfaSection({ userName }, mfaBox))]);
}

async function addToGroups(userName, current, done) {
  const groups = await callAll('iam', 'ListGroups', {}, 'Groups');
  const have = new Set(current.map((g) => g.GroupName.toLowerCase()));
  const checks = groups.filter((g) => !have.has(g.GroupName.toLowerCase()))
    .map((g) => check(g.GroupName, { value: g.GroupName }));
  openDialog('Add user to groups', (body) => {
    body.append(checks.length ? h('fieldset', {}, h('legend', {}, 'Groups'), checks.map((c) => c.row))
      : h('p', {}, 'No other groups exist.'));
  }, [{ label: 'Cancel' }, { label: 'Add to groups', primary: true, onclick: async () => {
    for (const c of checks.filter((c) => c.input.checked)) {
      await call('iam', 'AddUserToGroup', { UserName: userName, GroupName: c.input.value });
    }
    await done();
    return true;
  } }]);
}

// The attach-policies dialog; apply(arns) attaches them.
export function attachDialog(exclude, apply) {
  const picker = policyPicker({ exclude });
  openDialog('Attach policies', (body) => {
    body.append(picker.node);
    setTimeout(() => picker.filter.focus(), 0);
  }, [{ label: 'Cancel' }, { label: 'Attach policies', primary: true, onclick: async () => {
    await apply([...picker.selected]);
    return true;
  } }]);
}

async function deleteUser(ctx, userName) {
  if (!await confirmDialog('Delete user', `Delete the user ${userName}? Its groups, keys, ` +
    'password, MFA devices and policies are removed first.')) return;
  await busy(null, async () => {
    const u = { UserName: userName };
    for (const g of await callAll('iam', 'ListGroupsForUser', u, 'Groups')) {
      await call('iam', 'RemoveUserFromGroup', { ...u, GroupName: g.GroupName });
    }
    for (const k of await callAll('iam', 'ListAccessKeys', u, 'AccessKeyMetadata')) {
      await call('iam', 'DeleteAccessKey', { ...u, AccessKeyId: k.AccessKeyId });
    }
    if (await hasLoginProfile(userName)) await call('iam', 'DeleteLoginProfile', u);
    for (const d of (await call('iam', 'ListMFADevices', u)).MFADevices || []) {
      await call('iam', 'DeactivateMFADevice', { ...u, SerialNumber: d.SerialNumber });
      await call('iam', 'DeleteVirtualMFADevice', { SerialNumber: d.SerialNumber }).catch(() => {});
    }
    for (const p of await callAll('iam', 'ListAttachedUserPolicies', u, 'AttachedPolicies')) {
      await call('iam', 'DetachUserPolicy', { ...u, PolicyArn: p.PolicyArn });
    }
    for (const n of await callAll('iam', 'ListUserPolicies', u, 'PolicyNames')) {
      await call('iam', 'DeleteUserPolicy', { ...u, PolicyName: n });
    }
    await call('iam', 'DeleteUser', u);
    await ctx.navigate('/iam/users');
    flash(`User ${userName} deleted.`);
  });
}

// The inline policies of a user or a role: each opens in the policy editor, or is deleted.
export function inlinePolicyTable(kind, owner, names, redraw) {
  const remove = kind === 'users' ? ['DeleteUserPolicy', 'UserName']
    : ['DeleteRolePolicy', 'RoleName'];
  return table('Inline policies', [
    { title: 'Policy name', cell: (n) => link(inlinePolicyHref(kind, owner, n), n) },
    { title: 'Actions', cell: (n) => h('div', { class: 'actions' },
      h('a', { href: inlinePolicyHref(kind, owner, n), class: 'button-link small-link',
               'aria-label': `Edit ${n}` }, 'Edit'),
      rowButton('Delete', n, async (e) => {
        if (!await confirmDialog('Delete inline policy', `Delete the inline policy ${n}?`)) return;
        await busy(e.target, async () => {
          await call('iam', remove[0], { [remove[1]]: owner, PolicyName: n });
          await redraw();
          flash(`Policy ${n} deleted.`);
        });
      }, 'small')) },
  ], names, 'No inline policies');
}
