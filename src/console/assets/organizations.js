// AWS Organizations: the organization (or "Create an organization"), the tree of the root, its
// organizational units and accounts, and Create organizational unit.
import { call, callAll } from './api.js';
import {
  fill,
  busy, button, field, flash, h, heading, link, openDialog, section, select, showError, summary,
} from './ui.js';

const org = (op, input = {}) => call('organizations', op, input);

// The organization of the signed-in account, or null when it belongs to none.
export async function describeOrganization() {
  try {
    return (await org('DescribeOrganization')).Organization;
  } catch (e) {
    if (e.code === 'AWSOrganizationsNotInUseException') return null;
    throw e;
  }
}

// The whole tree: {root, ous: [{...ou, ous, accounts}], accounts}.
export async function loadTree() {
  const roots = await callAll('organizations', 'ListRoots', {}, 'Roots');
  const root = roots[0];
  const children = async (parentId) => {
    const [ous, accounts] = await Promise.all([
      callAll('organizations', 'ListOrganizationalUnitsForParent', { ParentId: parentId },
              'OrganizationalUnits'),
      callAll('organizations', 'ListAccountsForParent', { ParentId: parentId }, 'Accounts'),
    ]);
    const nested = await Promise.all(ous.map(async (ou) => ({ ...ou, ...(await children(ou.Id)) })));
    nested.sort((a, b) => a.Name.localeCompare(b.Name));
    accounts.sort((a, b) => a.Name.localeCompare(b.Name));
    return { ous: nested, accounts };
  };
  return { root, ...(await children(root.Id)) };
}

// Every node of the tree as [id, label] for target and parent selects.
export function treeTargets(tree, withAccounts = true) {
  const out = [[tree.root.Id, `Root (${tree.root.Id})`]];
  const walk = (node, depth) => {
    if (withAccounts) {
      for (const a of node.accounts) out.push([a.Id, `${'  '.repeat(depth)}Account ${a.Name} (${a.Id})`]);
    }
    for (const ou of node.ous) {
      out.push([ou.Id, `${'  '.repeat(depth)}OU ${ou.Name} (${ou.Id})`]);
      walk(ou, depth + 1);
    }
  };
  walk(tree, 1);
  return out;
}

const titleCase = (s) => (s ? s[0] + s.slice(1).toLowerCase() : '-');

function accountNode(a, managementId) {
  return h('li', { class: 'account-node', 'data-account-id': a.Id },
    h('div', { class: 'node' },
      h('span', { class: 'node-name' }, a.Name),
      a.Id === managementId ? h('span', { class: 'badge' }, 'management account') : null),
    h('dl', { class: 'account-facts' },
      h('dt', {}, 'Account ID'), h('dd', { class: 'account-id' }, a.Id),
      h('dt', {}, 'Email'), h('dd', { class: 'account-email' }, a.Email),
      h('dt', {}, 'Joined'), h('dd', { class: 'account-joined' }, titleCase(a.JoinedMethod)),
      h('dt', {}, 'Status'), h('dd', { class: 'account-status' }, titleCase(a.Status))));
}

function ouNode(ou, managementId) {
  return h('li', { class: 'ou-node', 'data-ou-id': ou.Id },
    h('div', { class: 'node' }, h('span', { class: 'node-name' }, ou.Name),
      h('span', { class: 'muted' }, ou.Id)),
    h('ul', {}, ou.ous.map((o) => ouNode(o, managementId)),
      ou.accounts.map((a) => accountNode(a, managementId))));
}

export async function organizationPage(ctx) {
  ctx.root.append(heading('AWS accounts'));
  const organization = await describeOrganization();
  const myAccount = ctx.session.role ? ctx.session.role.accountId : ctx.session.accountId;
  if (!organization) {
    ctx.root.append(section('Create an organization',
      h('p', {}, 'This account is in no organization. Create one to manage accounts, invite ' +
        'existing accounts and apply service control policies. This account becomes its ' +
        'management account.'),
      button('Create an organization', (e) => busy(e.target, async () => {
        await org('CreateOrganization', { FeatureSet: 'ALL' });
        await ctx.render();
        flash('The organization was created.');
      }), 'primary'),
      h('p', {}, link('/organizations/invitations', 'Invitations to join an organization'))));
    return;
  }
  const isManagement = organization.MasterAccountId === myAccount;
  ctx.root.append(section('Organization', summary([
    ['Organization ID', h('span', { class: 'org-id' }, organization.Id)],
    ['Management account', `${organization.MasterAccountId} (${organization.MasterAccountEmail})`],
    ['Feature set', organization.FeatureSet === 'ALL' ? 'All features' : 'Consolidated billing'],
  ])));
  if (!isManagement) {
    ctx.root.append(h('p', { class: 'notice' }, 'This account is a member of the organization. ' +
      'Only the management account sees and manages its accounts.'));
    return;
  }
  const treeBox = h('section', { class: 'panel' });
  ctx.root.append(treeBox);
  const draw = async () => {
    const tree = await loadTree();
    fill(treeBox,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Organizational structure'),
        h('div', { class: 'actions' },
          link('/organizations/add-account', 'Add an AWS account', 'button-link primary'),
          button('Create organizational unit', () => createOuDialog(tree, draw)))),
      h('ul', { class: 'tree' }, h('li', { class: 'root-node' },
        h('div', { class: 'node' }, h('span', { class: 'node-name' }, 'Root'),
          h('span', { class: 'muted' }, tree.root.Id)),
        h('ul', {}, tree.ous.map((o) => ouNode(o, organization.MasterAccountId)),
          tree.accounts.map((a) => accountNode(a, organization.MasterAccountId))))));
  };
  await draw().catch(showError);
}

function createOuDialog(tree, done) {
  const parent = select('Parent', treeTargets(tree, false), { id: 'ou-parent' });
  const name = field('Organizational unit name', { id: 'ou-name' });
  openDialog('Create organizational unit', (body) => {
    body.append(parent.row, name.row);
    setTimeout(() => name.input.focus(), 0);
  }, [{ label: 'Cancel' }, { label: 'Create organizational unit', primary: true, onclick: async () => {
    await org('CreateOrganizationalUnit', { ParentId: parent.input.value, Name: name.input.value.trim() });
    await done();
    flash(`Organizational unit ${name.input.value.trim()} created.`);
    return true;
  } }]);
}
