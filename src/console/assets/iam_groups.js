// IAM user groups: the list with Create group, and a group's page: users (add, remove),
// attached managed policies (attach with a filter, detach) and inline policies.
import { call, callAll, decodePolicyDocument } from './api.js';
import { attachDialog } from './iam_users.js';
import {
  fill,
  busy, button, rowButton, check, confirmDialog, field, flash, formatDate, h, heading, link, openDialog,
  showError, summary, table, section,
} from './ui.js';

const groupHref = (name) => `/iam/groups/${encodeURIComponent(name)}`;

export async function groupsPage(ctx) {
  const holder = h('div');
  ctx.root.append(heading('User groups', button('Create group', () => createGroupDialog(ctx), 'primary')),
    holder);
  const groups = await callAll('iam', 'ListGroups', {}, 'Groups');
  fill(holder, table(`User groups (${groups.length})`, [
    { title: 'Group name', cell: (g) => link(groupHref(g.GroupName), g.GroupName) },
    { title: 'ARN', cell: (g) => h('span', { class: 'arn' }, g.Arn) },
    { title: 'Created', cell: (g) => formatDate(g.CreateDate) },
  ], groups));
}

function createGroupDialog(ctx) {
  const name = field('User group name', { id: 'group-name', spellcheck: 'false' });
  openDialog('Create user group', (body) => {
    body.append(name.row);
    setTimeout(() => name.input.focus(), 0);
  }, [{ label: 'Cancel' }, { label: 'Create group', primary: true, onclick: async () => {
    const groupName = name.input.value.trim();
    await call('iam', 'CreateGroup', { GroupName: groupName });
    await ctx.navigate(groupHref(groupName));
    flash(`Group ${groupName} created.`);
    return true;
  } }]);
}

export async function groupPage(ctx) {
  const [groupName] = ctx.params;
  const usersBox = h('section', { class: 'panel' });
  const permsBox = h('section', { class: 'panel' });
  const first = await call('iam', 'GetGroup', { GroupName: groupName });
  const group = first.Group;
  ctx.root.append(
    heading(group.GroupName, button('Delete group', () => deleteGroup(ctx, group.GroupName), 'danger')),
    section('Summary', summary([
      ['ARN', h('span', { class: 'arn' }, group.Arn)], ['Created', formatDate(group.CreateDate)]])),
    usersBox, permsBox);

  const drawUsers = async () => {
    const users = await callAll('iam', 'GetGroup', { GroupName: groupName }, 'Users');
    fill(usersBox,
      h('div', { class: 'panel-head' }, h('h2', {}, `Users in this group (${users.length})`),
        button('Add users', () => addUsersDialog(groupName, users, drawUsers))),
      table(null, [
        { title: 'User name', cell: (u) => link(`/iam/users/${encodeURIComponent(u.UserName)}`, u.UserName) },
        { title: 'Actions', cell: (u) => rowButton('Remove', u.UserName, (e) => busy(e.target, async () => {
          await call('iam', 'RemoveUserFromGroup', { GroupName: groupName, UserName: u.UserName });
          await drawUsers();
        }), 'small') },
      ], users, 'No users in this group'));
  };
  const drawPerms = async () => {
    const attached = await callAll('iam', 'ListAttachedGroupPolicies', { GroupName: groupName },
                                   'AttachedPolicies');
    const inline = await callAll('iam', 'ListGroupPolicies', { GroupName: groupName }, 'PolicyNames');
    fill(permsBox,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Permissions'),
        h('div', { class: 'actions' },
          button('Attach policies', () => attachDialog(attached.map((p) => p.PolicyArn), async (arns) => {
            for (const arn of arns) {
              await call('iam', 'AttachGroupPolicy', { GroupName: groupName, PolicyArn: arn });
            }
            await drawPerms();
            flash(`Policies attached to ${groupName}.`);
          }), 'primary'),
          button('Create inline policy', () => inlinePolicyDialog(groupName, null, drawPerms)))),
      table('Attached managed policies', [
        { title: 'Policy name', cell: (p) => link(`/iam/policies/${p.PolicyArn}`, p.PolicyName) },
        { title: 'Type', cell: (p) => (p.PolicyArn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed') },
        { title: 'Actions', cell: (p) => rowButton('Detach', p.PolicyName, (e) => busy(e.target, async () => {
          await call('iam', 'DetachGroupPolicy', { GroupName: groupName, PolicyArn: p.PolicyArn });
          await drawPerms();
        }), 'small') },
      ], attached, 'No attached policies'),
      table('Inline policies', [
        { title: 'Policy name', cell: (n) => n },
        { title: 'Actions', cell: (n) => h('div', { class: 'actions' },
          rowButton('Edit', n, () => inlinePolicyDialog(groupName, n, drawPerms), 'small'),
          rowButton('Delete', n, async (e) => {
            if (!await confirmDialog('Delete inline policy', `Delete the inline policy ${n}?`)) return;
            await busy(e.target, async () => {
              await call('iam', 'DeleteGroupPolicy', { GroupName: groupName, PolicyName: n });
              await drawPerms();
            });
          }, 'small danger')) },
      ], inline, 'No inline policies'));
  };
  const safe = (fn) => fn().catch(showError);
  await Promise.all([safe(drawUsers), safe(drawPerms)]);
}

async function addUsersDialog(groupName, members, done) {
  const users = await callAll('iam', 'ListUsers', {}, 'Users');
  const have = new Set(members.map((u) => u.UserName.toLowerCase()));
  const checks = users.filter((u) => !have.has(u.UserName.toLowerCase()))
    .map((u) => check(u.UserName, { value: u.UserName }));
  openDialog('Add users to group', (body) => {
    body.append(checks.length ? h('fieldset', {}, h('legend', {}, 'Users'), checks.map((c) => c.row))
      : h('p', {}, 'Every user is in this group already.'));
  }, [{ label: 'Cancel' }, { label: 'Add users', primary: true, onclick: async () => {
    for (const c of checks.filter((c) => c.input.checked)) {
      await call('iam', 'AddUserToGroup', { GroupName: groupName, UserName: c.input.value });
    }
    await done();
    return true;
  } }]);
}

async function inlinePolicyDialog(groupName, policyName, done) {
  let text = JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }, null, 2);
  if (policyName) {
    const out = await call('iam', 'GetGroupPolicy', { GroupName: groupName, PolicyName: policyName });
    text = decodePolicyDocument(out.PolicyDocument);
  }
  const name = field('Policy name', { id: 'inline-policy-name', value: policyName || '' });
  if (policyName) name.input.readOnly = true;
  const doc = field('Policy document (JSON)', { id: 'inline-policy-document', textarea: true,
                                               value: text, spellcheck: 'false' });
  openDialog(policyName ? `Edit ${policyName}` : 'Create inline policy', (body) => {
    body.append(name.row, doc.row);
  }, [{ label: 'Cancel' }, { label: 'Save policy', primary: true, onclick: async () => {
    await call('iam', 'PutGroupPolicy', { GroupName: groupName, PolicyName: name.input.value.trim(),
                                          PolicyDocument: doc.input.value });
    await done();
    return true;
  } }]);
}

async function deleteGroup(ctx, groupName) {
  if (!await confirmDialog('Delete group', `Delete the group ${groupName}? Its users are removed ` +
    'and its policies detached first.')) return;
  await busy(null, async () => {
    const g = { GroupName: groupName };
    for (const u of await callAll('iam', 'GetGroup', g, 'Users')) {
      await call('iam', 'RemoveUserFromGroup', { ...g, UserName: u.UserName });
    }
    for (const p of await callAll('iam', 'ListAttachedGroupPolicies', g, 'AttachedPolicies')) {
      await call('iam', 'DetachGroupPolicy', { ...g, PolicyArn: p.PolicyArn });
    }
    for (const n of await callAll('iam', 'ListGroupPolicies', g, 'PolicyNames')) {
      await call('iam', 'DeleteGroupPolicy', { ...g, PolicyName: n });
    }
    await call('iam', 'DeleteGroup', g);
    await ctx.navigate('/iam/groups');
    flash(`Group ${groupName} deleted.`);
  });
}
