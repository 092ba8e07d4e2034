// Managed policies: the list (scope filter and search) and a policy's page: versions, the
// document of each, set default, delete version, new version, delete policy.
import { call, callAll, decodePolicyDocument } from './api.js';
import {
  fill,
  busy, button, check, confirmDialog, field, flash, formatDate, h, heading, link, openDialog, pre,
  section, select, showError, summary, table,
} from './ui.js';

export const policyHref = (arn) => `/iam/policies/${arn}`;

export async function policiesPage(ctx) {
  const scope = select('Filter by type', [['All', 'All types'], ['AWS', 'AWS managed'],
                                          ['Local', 'Customer managed']],
                       { id: 'policies-scope', value: ctx.query.get('scope') || 'All' });
  const searchId = 'policies-search';
  const search = h('input', { type: 'search', id: searchId, autocomplete: 'off',
                              value: ctx.query.get('search') || '' });
  const holder = h('div');
  ctx.root.append(
    heading('Policies', link('/iam/policies/create', 'Create policy', 'button-link primary')),
    h('div', { class: 'toolbar' }, scope.row,
      h('div', { class: 'field' }, h('label', { for: searchId }, 'Search policies'), search)),
    holder);
  const policies = await callAll('iam', 'ListPolicies', { Scope: 'All' }, 'Policies');
  const draw = () => {
    const t = search.value.trim().toLowerCase();
    const s = scope.input.value;
    const rows = policies.filter((p) =>
      (s === 'All' || (s === 'AWS') === p.Arn.includes(':aws:policy/')) &&
      (!t || p.PolicyName.toLowerCase().includes(t)))
      .sort((a, b) => a.PolicyName.localeCompare(b.PolicyName));
    fill(holder, table(`Policies (${rows.length})`, [
      { title: 'Policy name', cell: (p) => link(policyHref(p.Arn), p.PolicyName) },
      { title: 'Type', cell: (p) => (p.Arn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed') },
      { title: 'Attached entities', cell: (p) => String(p.AttachmentCount ?? 0) },
      { title: 'Description', cell: (p) => p.Description || '' },
    ], rows));
  };
  search.addEventListener('input', draw);
  scope.input.addEventListener('change', draw);
  draw();
}

export async function policyPage(ctx) {
  const arn = ctx.params[0];
  const { Policy: policy } = await call('iam', 'GetPolicy', { PolicyArn: arn });
  const aws = arn.includes(':aws:policy/');
  const versionsBox = h('section', { class: 'panel' });
  const docBox = h('section', { class: 'panel' });
  ctx.root.append(
    heading(policy.PolicyName, aws ? null : button('Delete policy', () => deletePolicy(ctx, arn), 'danger')),
    section('Policy details', summary([
      ['ARN', h('span', { class: 'arn' }, policy.Arn)],
      ['Type', aws ? 'AWS managed' : 'Customer managed'],
      ['Description', policy.Description || '-'],
      ['Default version', policy.DefaultVersionId],
      ['Attached entities', String(policy.AttachmentCount ?? 0)],
      ['Created', formatDate(policy.CreateDate)],
      ['Updated', formatDate(policy.UpdateDate)]])),
    docBox, versionsBox);

  const showVersion = async (versionId) => {
    const out = await call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: versionId });
    fill(docBox, h('h2', {}, `Permissions (version ${versionId})`),
      pre(decodePolicyDocument(out.PolicyVersion.Document), 'Policy document'));
  };
  const drawVersions = async () => {
    const versions = await callAll('iam', 'ListPolicyVersions', { PolicyArn: arn }, 'Versions');
    const def = versions.find((v) => v.IsDefaultVersion);
    // The default version's document is shown before the list that names it the default.
    if (def) await showVersion(def.VersionId);
    fill(versionsBox,
      h('div', { class: 'panel-head' }, h('h2', {}, `Policy versions (${versions.length})`),
        aws ? null : button('Create new version', () => newVersionDialog(arn, def, async () => {
          await drawVersions();
        }))),
      table(null, [
        { title: 'Version', cell: (v) => `${v.VersionId}${v.IsDefaultVersion ? ' (Default)' : ''}` },
        { title: 'Created', cell: (v) => formatDate(v.CreateDate) },
        { title: 'Actions', cell: (v) => h('div', { class: 'actions' },
          button(`View ${v.VersionId}`, (e) => busy(e.target, () => showVersion(v.VersionId)), 'small'),
          aws || v.IsDefaultVersion ? null : button(`Set ${v.VersionId} as default`, (e) => busy(e.target, async () => {
            await call('iam', 'SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: v.VersionId });
            await drawVersions();
            flash(`${v.VersionId} is now the default version.`);
          }), 'small'),
          aws || v.IsDefaultVersion ? null : button(`Delete ${v.VersionId}`, (e) => busy(e.target, async () => {
            await call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: v.VersionId });
            await drawVersions();
          }), 'small danger')) },
      ], versions));
  };
  await drawVersions().catch(showError);
}

async function newVersionDialog(arn, def, done) {
  let text = '';
  if (def) {
    const out = await call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: def.VersionId });
    text = decodePolicyDocument(out.PolicyVersion.Document);
  }
  const doc = field('Policy document (JSON)', { id: 'version-document', textarea: true, value: text,
                                               spellcheck: 'false' });
  const setDefault = check('Set as default version', { id: 'version-default', checked: true });
  openDialog('Create policy version', (body) => body.append(doc.row, setDefault.row), [
    { label: 'Cancel' },
    { label: 'Save', primary: true, onclick: async () => {
      await call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: doc.input.value,
                                                 SetAsDefault: setDefault.input.checked });
      await done();
      return true;
    } }]);
}

async function deletePolicy(ctx, arn) {
  if (!await confirmDialog('Delete policy', `Delete ${arn}? It is detached from every user, group ` +
    'and role first.')) return;
  await busy(null, async () => {
    const entities = await call('iam', 'ListEntitiesForPolicy', { PolicyArn: arn });
    for (const g of entities.PolicyGroups || []) {
      await call('iam', 'DetachGroupPolicy', { GroupName: g.GroupName, PolicyArn: arn });
    }
    for (const u of entities.PolicyUsers || []) {
      await call('iam', 'DetachUserPolicy', { UserName: u.UserName, PolicyArn: arn });
    }
    for (const r of entities.PolicyRoles || []) {
      await call('iam', 'DetachRolePolicy', { RoleName: r.RoleName, PolicyArn: arn });
    }
    for (const v of await callAll('iam', 'ListPolicyVersions', { PolicyArn: arn }, 'Versions')) {
      if (!v.IsDefaultVersion) await call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: v.VersionId });
    }
    await call('iam', 'DeletePolicy', { PolicyArn: arn });
    await ctx.navigate('/iam/policies');
    flash('Policy deleted.');
  });
}
