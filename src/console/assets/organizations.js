// AWS Organizations: the organization (or "Create an organization"), the tree of the root, its
// organizational units and accounts, Create organizational unit, and moving an account to
// another parent (MoveAccount).
import { call, callAll } from './api.js';
import {
  fill,
  busy, rowButton, button, field, flash, h, heading, link, openDialog, section, select, showError, summary,
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

// Organizations answers times as epoch seconds.
function joinedDate(value) {
  if (value === undefined || value === null) return '-';
  const d = new Date(typeof value === 'number' ? value * 1000 : value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().slice(0, 10);
}

const TREE_COLUMNS = ['Name', 'ID', 'Email', 'Status', 'Joined', 'Actions'];

// One row of the tree: its name cell indented by depth (the lines of the tree drawn by CSS).
function treeRow(kind, depth, name, cells, attrs = {}) {
  return h('tr', { class: `tree-row ${kind}-row`, 'aria-level': String(depth + 1), ...attrs },
    h('th', { scope: 'row', class: `tree-name depth-${Math.min(depth, 8)}` },
      h('span', { class: `node-icon ${kind}-icon`, 'aria-hidden': 'true' }),
      name),
    cells.map((c) => h('td', {}, c)));
}

function accountRow(a, depth, managementId, move) {
  return treeRow('account', depth, [h('span', { class: 'node-name' }, a.Name),
    a.Id === managementId ? [' ', h('span', { class: 'badge' }, 'management account')] : null], [
    h('span', { class: 'account-id' }, a.Id),
    h('span', { class: 'account-email' }, a.Email),
    h('span', { class: 'account-status' }, titleCase(a.Status)),
    [h('span', { class: 'account-joined' }, titleCase(a.JoinedMethod)), ' ',
     h('span', { class: 'account-joined-date' }, joinedDate(a.JoinedTimestamp))],
    rowButton('Move', a.Name, () => move(a), 'small'),
  ], { 'data-account-id': a.Id });
}

// The rows of `node` (the root or an OU) and of everything under it, depth first: its OUs
// (each followed by its own contents), then its accounts.
// `move(account, parentId)` opens the Move dialog of an account.
function treeRows(node, kind, depth, managementId, move) {
  const rows = [treeRow(kind, depth, h('span', { class: 'node-name' }, node.Name || 'Root'),
    [h('span', { class: `${kind}-id` }, node.Id), '', '', '', ''],
    kind === 'ou' ? { 'data-ou-id': node.Id } : { 'data-root-id': node.Id })];
  for (const ou of node.ous) rows.push(...treeRows(ou, 'ou', depth + 1, managementId, move));
  for (const a of node.accounts) {
    rows.push(accountRow(a, depth + 1, managementId, (account) => move(account, node.Id)));
  }
  return rows;
}

// The organization as AWS's console draws it: the root, the OUs nested under it, and each
// account under its OU with its id, email, status and how and when it joined, in aligned columns.
function treeTable(tree, managementId, move) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'org-tree', 'aria-labelledby': 'org-structure-heading' },
      h('thead', {}, h('tr', {}, TREE_COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, treeRows({ ...tree, Name: 'Root', Id: tree.root.Id }, 'root', 0,
                              managementId, move))));
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
      h('div', { class: 'panel-head' },
        h('h2', { id: 'org-structure-heading' }, 'Organizational structure'),
        h('div', { class: 'actions' },
          link('/organizations/add-account', 'Add an AWS account', 'button-link primary'),
          button('Create organizational unit', () => createOuDialog(tree, draw)))),
      treeTable(tree, organization.MasterAccountId,
                (account, parentId) => moveAccountDialog(tree, account, parentId, draw)));
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

// AWS's "Move AWS account": the account goes to the root or to another OU.
function moveAccountDialog(tree, account, parentId, done) {
  const targets = treeTargets(tree, false).filter(([id]) => id !== parentId);
  const destination = select('Destination', targets, { id: 'move-destination' });
  openDialog(`Move AWS account ${account.Name}`, (body) => {
    body.append(h('p', {}, `Move ${account.Name} (${account.Id}) to the root or to another ` +
      'organizational unit. The policies of its new parents apply to it at once.'),
    destination.row);
    setTimeout(() => destination.input.focus(), 0);
  }, [{ label: 'Cancel' }, { label: 'Move AWS account', primary: true, onclick: async () => {
    await org('MoveAccount', { AccountId: account.Id, SourceParentId: parentId,
                               DestinationParentId: destination.input.value });
    const label = destination.input.selectedOptions[0]?.textContent.trim() || 'its new parent';
    await done();
    flash(`${account.Name} moved to ${label}.`);
    return true;
  } }]);
}
