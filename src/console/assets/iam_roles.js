// IAM roles: the list and a role's summary (ARN, trust policy, permissions, the switch-role
// link to give to users, Delete role).
import { call, callAll, decodePolicyDocument } from './api.js';
import { attachDialog, inlinePolicyTable } from './iam_users.js';
import { inlinePolicyHref } from './inline_policy.js';
import {
  fill,
  busy, button, rowButton, confirmDialog, copyable, flash, formatDate, h, heading, link, pre, section,
  showError, summary, table,
} from './ui.js';

const roleHref = (name) => `/iam/roles/${encodeURIComponent(name)}`;

export async function rolesPage(ctx) {
  const holder = h('div');
  ctx.root.append(heading('Roles', link('/iam/roles/create', 'Create role', 'button-link primary')),
    holder);
  const roles = await callAll('iam', 'ListRoles', {}, 'Roles');
  const filterId = 'roles-filter';
  const filter = h('input', { type: 'search', id: filterId, autocomplete: 'off' });
  const tableHolder = h('div');
  const draw = () => {
    const t = filter.value.trim().toLowerCase();
    fill(tableHolder, table(`Roles (${roles.length})`, [
      { title: 'Role name', cell: (r) => link(roleHref(r.RoleName), r.RoleName) },
      { title: 'Trusted entities', cell: (r) => trustedEntities(r.AssumeRolePolicyDocument) },
      { title: 'Created', cell: (r) => formatDate(r.CreateDate) },
    ], roles.filter((r) => !t || r.RoleName.toLowerCase().includes(t))));
  };
  filter.addEventListener('input', draw);
  holder.append(h('div', { class: 'toolbar' },
    h('div', { class: 'field' }, h('label', { for: filterId }, 'Find roles by name'), filter)),
    tableHolder);
  draw();
}

function trustedEntities(document) {
  try {
    const doc = JSON.parse(decodePolicyDocument(document));
    const out = [];
    for (const st of [].concat(doc.Statement || [])) {
      const p = st.Principal || {};
      if (p === '*') out.push('Everyone');
      for (const [kind, v] of Object.entries(typeof p === 'object' ? p : {})) {
        for (const x of [].concat(v)) {
          const m = /^arn:aws:iam::(\d{12}):root$/.exec(x) || /^(\d{12})$/.exec(x);
          out.push(kind === 'AWS' && m ? `Account: ${m[1]}` : `${kind === 'Service' ? 'AWS Service' : kind}: ${x}`);
        }
      }
    }
    return out.join(', ') || '-';
  } catch {
    return '-';
  }
}

export function switchRoleLink(accountId, roleName) {
  const q = new URLSearchParams({ account: accountId, roleName, displayName: roleName });
  return `${location.origin}/switchrole?${q.toString()}`;
}

export async function rolePage(ctx) {
  const [roleName] = ctx.params;
  const out = await call('iam', 'GetRole', { RoleName: roleName });
  const role = out.Role;
  const accountId = role.Arn.split(':')[4];
  const trust = decodePolicyDocument(role.AssumeRolePolicyDocument);
  const permsBox = h('section', { class: 'panel' });
  const switchUrl = switchRoleLink(accountId, role.RoleName);
  ctx.root.append(
    heading(role.RoleName, button('Delete role', () => deleteRole(ctx, role.RoleName), 'danger')),
    section('Summary', summary([
      ['ARN', h('span', { class: 'arn role-arn' }, role.Arn)],
      ['Description', role.Description || '-'],
      ['Created', formatDate(role.CreateDate)],
      ['Maximum session duration', `${(role.MaxSessionDuration || 3600) / 3600} hour(s)`],
      ['Path', role.Path],
      ['Link to switch roles in console', h('span', { class: 'switch-role-link' },
        copyable(switchUrl, { href: switchUrl, label: 'switch role link' }))],
    ])),
    section('Trust relationships', h('p', { class: 'muted' }, 'Trusted entities: ',
      trustedEntities(role.AssumeRolePolicyDocument)), pre(trust, 'Trust policy')),
    permsBox);
  const drawPerms = async () => {
    const attached = await callAll('iam', 'ListAttachedRolePolicies', { RoleName: roleName },
                                   'AttachedPolicies');
    const inline = await callAll('iam', 'ListRolePolicies', { RoleName: roleName }, 'PolicyNames');
    fill(permsBox,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Permissions policies'),
        h('div', { class: 'actions' },
          button('Attach policies', () => attachDialog(attached.map((p) => p.PolicyArn), async (arns) => {
            for (const arn of arns) await call('iam', 'AttachRolePolicy', { RoleName: roleName, PolicyArn: arn });
            await drawPerms();
          })),
          link(inlinePolicyHref('roles', roleName), 'Create inline policy', 'button-link'))),
      table('Attached policies', [
        { title: 'Policy name', cell: (p) => link(`/iam/policies/${p.PolicyArn}`, p.PolicyName) },
        { title: 'Type', cell: (p) => (p.PolicyArn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed') },
        { title: 'Actions', cell: (p) => rowButton('Detach', p.PolicyName, (e) => busy(e.target, async () => {
          await call('iam', 'DetachRolePolicy', { RoleName: roleName, PolicyArn: p.PolicyArn });
          await drawPerms();
        }), 'small') },
      ], attached, 'No attached policies'),
      inlinePolicyTable('roles', roleName, inline, drawPerms));
  };
  await drawPerms().catch(showError);
}

async function deleteRole(ctx, roleName) {
  if (!await confirmDialog('Delete role', `Delete the role ${roleName}? Its policies are detached ` +
    'and its inline policies deleted first.')) return;
  await busy(null, async () => {
    const r = { RoleName: roleName };
    for (const p of await callAll('iam', 'ListAttachedRolePolicies', r, 'AttachedPolicies')) {
      await call('iam', 'DetachRolePolicy', { ...r, PolicyArn: p.PolicyArn });
    }
    for (const n of await callAll('iam', 'ListRolePolicies', r, 'PolicyNames')) {
      await call('iam', 'DeleteRolePolicy', { ...r, PolicyName: n });
    }
    for (const ip of await callAll('iam', 'ListInstanceProfilesForRole', r, 'InstanceProfiles')) {
      await call('iam', 'RemoveRoleFromInstanceProfile', { ...r,
        InstanceProfileName: ip.InstanceProfileName });
    }
    await call('iam', 'DeleteRole', r);
    await ctx.navigate('/iam/roles');
    flash(`Role ${roleName} deleted.`);
  });
}
