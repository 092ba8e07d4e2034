// The Create role wizard: 1. trusted entity (this account or another AWS account, with the
// options Require external ID and Require MFA), 2. permissions policies, 3. name, description
// and review of the trust policy; Create role → CreateRole + AttachRolePolicy.
import { call } from './api.js';
import { policyPicker } from './policy_picker.js';
import { fill, busy, check, field, flash, h, heading, pre, showError } from './ui.js';

export function trustPolicy({ accountId, externalId, requireMfa }) {
  const statement = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: 'sts:AssumeRole',
  };
  const condition = {};
  if (externalId !== undefined) condition.StringEquals = { 'sts:ExternalId': externalId };
  if (requireMfa) condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
  if (Object.keys(condition).length) statement.Condition = condition;
  return { Version: '2012-10-17', Statement: [statement] };
}

export function createRolePage(ctx) {
  const myAccount = ctx.session.role ? ctx.session.role.accountId : ctx.session.accountId;
  const steps = ['Select trusted entity', 'Add permissions', 'Name, review, and create'];
  let step = 0;
  const stepList = h('ol', { class: 'steps', 'aria-label': 'Steps' });
  const body = h('div');
  ctx.root.append(heading('Create role'), stepList, body);

  // Step 1
  const entity = h('fieldset', {}, h('legend', {}, 'Trusted entity type'),
    check('AWS account', { type: 'radio', name: 'entity', value: 'account', checked: true,
                           id: 'entity-aws-account' }).row);
  const thisAcct = check(`This account (${myAccount})`, { type: 'radio', name: 'which-account',
    value: 'this', checked: true, id: 'account-this' });
  const otherAcct = check('Another AWS account', { type: 'radio', name: 'which-account',
    value: 'other', id: 'account-other' });
  const otherId = field('Account ID', { id: 'other-account-id', inputmode: 'numeric',
    maxlength: '12', hint: 'The 12-digit identifier of the account that may use this role.' });
  const otherBlock = h('div', { class: 'subfields', hidden: true }, otherId.row);
  const externalBox = check('Require external ID (Best practice when a third party will assume this role)',
                            { id: 'require-external-id' });
  const externalId = field('External ID', { id: 'external-id' });
  const externalBlock = h('div', { class: 'subfields', hidden: true }, externalId.row);
  const mfaBox = check('Require MFA', { id: 'require-mfa' });
  const syncStep1 = () => {
    otherBlock.hidden = !otherAcct.input.checked;
    externalBlock.hidden = !externalBox.input.checked;
  };
  for (const c of [thisAcct, otherAcct, externalBox]) c.input.addEventListener('change', syncStep1);
  const step1 = h('div', {}, entity,
    h('fieldset', {}, h('legend', {}, 'An AWS account'), thisAcct.row, otherAcct.row, otherBlock),
    h('fieldset', {}, h('legend', {}, 'Options'), externalBox.row, externalBlock, mfaBox.row));

  // Step 2
  const picker = policyPicker({ caption: 'Permissions policies' });
  const step2 = h('div', {}, picker.node);

  // Step 3
  const name = field('Role name', { id: 'role-name', spellcheck: 'false',
    hint: 'Up to 64 characters: letters, digits and +=,.@-_' });
  const description = field('Description', { id: 'role-description', textarea: true, rows: 3,
                                             maxlength: '1000' });
  const review = h('div');
  const step3 = h('div', {}, name.row, description.row, review);

  const trustInput = () => {
    const accountId = otherAcct.input.checked ? otherId.input.value.trim() : myAccount;
    return {
      accountId,
      externalId: externalBox.input.checked ? externalId.input.value.trim() : undefined,
      requireMfa: mfaBox.input.checked,
    };
  };
  const validateStep = () => {
    if (step === 0) {
      const t = trustInput();
      if (!/^\d{12}$/.test(t.accountId)) {
        otherId.input.focus();
        throw Object.assign(new Error('The account ID must be 12 digits.'), { code: 'InvalidInput' });
      }
      if (t.externalId !== undefined && !t.externalId) {
        externalId.input.focus();
        throw Object.assign(new Error('Enter an external ID.'), { code: 'InvalidInput' });
      }
    }
  };
  const back = h('button', { type: 'button' }, 'Previous');
  const next = h('button', { type: 'button', class: 'primary' }, 'Next');
  const cancel = h('a', { href: '/iam/roles', class: 'button-link' }, 'Cancel');
  const footer = h('div', { class: 'form-actions' }, cancel, back, next);

  const show = () => {
    fill(stepList, ...steps.map((s, i) => h('li',
      { 'aria-current': i === step ? 'step' : null }, `Step ${i + 1}: ${s}`)));
    fill(body, h('h2', {}, steps[step]), [step1, step2, step3][step], footer);
    back.hidden = step === 0;
    next.textContent = step === 2 ? 'Create role' : 'Next';
    if (step === 2) {
      const chosen = picker.policies().filter((p) => picker.selected.has(p.Arn));
      fill(review,
        h('h3', {}, 'Step 1: Select trusted entities'),
        pre(JSON.stringify(trustPolicy(trustInput()), null, 2), 'Trust policy'),
        h('h3', {}, 'Step 2: Add permissions'),
        chosen.length ? h('ul', { class: 'chosen-policies' }, chosen.map((p) => h('li', {}, p.PolicyName)))
          : h('p', { class: 'muted' }, 'No permissions policies.'));
      name.input.focus();
    } else {
      body.querySelector('input')?.focus();
    }
  };
  back.addEventListener('click', () => { step -= 1; show(); });
  next.addEventListener('click', () => busy(next, async () => {
    validateStep();
    if (step < 2) {
      step += 1;
      show();
      return;
    }
    const roleName = name.input.value.trim();
    const input = { RoleName: roleName,
                    AssumeRolePolicyDocument: JSON.stringify(trustPolicy(trustInput()), null, 2) };
    if (description.input.value.trim()) input.Description = description.input.value.trim();
    await call('iam', 'CreateRole', input);
    const failures = [];
    for (const arn of picker.selected) {
      await call('iam', 'AttachRolePolicy', { RoleName: roleName, PolicyArn: arn })
        .catch((e) => failures.push(e));
    }
    await ctx.navigate(`/iam/roles/${encodeURIComponent(roleName)}`);
    if (failures.length) showError(failures[0]);
    else flash(`Role ${roleName} created.`);
  }));
  show();
  return picker.ready;
}

