// A user's or a role's inline policy: create one, or edit one (GetUserPolicy / GetRolePolicy,
// PutUserPolicy / PutRolePolicy) with the visual and JSON policy editor. The pages
// /iam/users/NAME/inline-policies/create, /iam/users/NAME/inline-policies/POLICY and the same
// under /iam/roles/NAME.
import { call, decodePolicyDocument } from './api.js';
import { policyEditor } from './policy_editor.js';
import { busy, field, flash, h, heading, summary } from './ui.js';

// What differs between users and roles: the operations and their name parameter.
const KINDS = {
  users: { noun: 'user', param: 'UserName', get: 'GetUserPolicy', put: 'PutUserPolicy' },
  roles: { noun: 'role', param: 'RoleName', get: 'GetRolePolicy', put: 'PutRolePolicy' },
};

export function inlinePolicyHref(kind, owner, policyName) {
  return `/iam/${kind}/${encodeURIComponent(owner)}/inline-policies/` +
    (policyName ? encodeURIComponent(policyName) : 'create');
}

export async function inlinePolicyPage(ctx) {
  const [kind, owner, policy] = ctx.params;
  const k = KINDS[kind];
  const creating = policy === 'create';
  const back = `/iam/${kind}/${encodeURIComponent(owner)}`;
  const editor = policyEditor();
  const name = field('Policy name', { id: 'inline-policy-name', spellcheck: 'false',
    hint: 'Up to 128 characters: letters, digits and +=,.@-_' });
  if (!creating) {
    const out = await call('iam', k.get, { [k.param]: owner, PolicyName: policy });
    editor.load(decodePolicyDocument(out.PolicyDocument));
  }
  const save = h('button', { type: 'button', class: 'primary' },
                 creating ? 'Create policy' : 'Save changes');
  ctx.root.append(
    heading(creating ? 'Create inline policy' : `Edit ${policy}`),
    summary([[k.noun === 'user' ? 'User' : 'Role', h('a', { href: back }, owner)],
             creating ? null : ['Policy name', h('span', { class: 'inline-policy-name' }, policy)]]),
    h('p', { class: 'intro' }, `An inline policy belongs to this ${k.noun} alone and is deleted ` +
      `with it. Add permissions with the visual editor, or write the policy in JSON.`),
    editor.element,
    creating ? name.row : null,
    h('div', { class: 'form-actions' }, h('a', { href: back, class: 'button-link' }, 'Cancel'),
      save));
  save.addEventListener('click', () => busy(save, async () => {
    editor.check();
    const policyName = creating ? name.input.value.trim() : policy;
    if (!policyName) {
      name.input.focus();
      throw Object.assign(new Error('Enter a policy name.'), { code: 'MissingValue' });
    }
    await call('iam', k.put, { [k.param]: owner, PolicyName: policyName,
                               PolicyDocument: editor.documentText() });
    await ctx.navigate(back);
    flash(`Policy ${policyName} saved.`);
  }));
}
