// Organizations policies: enable service control policies on the root, create an SCP (JSON),
// attach it to and detach it from targets, delete it.
import { call, callAll } from './api.js';
import { describeOrganization, loadTree, treeTargets } from './organizations.js';
import {
  fill,
  busy, button, rowButton, confirmDialog, field, flash, h, heading, openDialog, pre, section, select,
  showError, table,
} from './ui.js';

const SCP = 'SERVICE_CONTROL_POLICY';
const org = (op, input = {}) => call('organizations', op, input);

export async function orgPoliciesPage(ctx) {
  ctx.root.append(heading('Service control policies'));
  const organization = await describeOrganization();
  if (!organization) {
    ctx.root.append(h('p', { class: 'notice' }, 'This account is in no organization.'));
    return;
  }
  const box = h('div');
  ctx.root.append(box);
  const draw = async () => {
    const roots = await callAll('organizations', 'ListRoots', {}, 'Roots');
    const root = roots[0];
    const enabled = (root.PolicyTypes || []).some((t) => t.Type === SCP && t.Status === 'ENABLED');
    if (!enabled) {
      fill(box, section('Service control policies are disabled',
        h('p', {}, 'Service control policies limit what the accounts of the organization may do.'),
        button('Enable service control policies', (e) => busy(e.target, async () => {
          await org('EnablePolicyType', { RootId: root.Id, PolicyType: SCP });
          await draw();
          flash('Service control policies are enabled.');
        }), 'primary')));
      return;
    }
    const policies = await callAll('organizations', 'ListPolicies', { Filter: SCP }, 'Policies');
    const detail = h('div');
    fill(box,
      h('div', { class: 'toolbar' }, button('Create policy', () => createScpDialog(draw), 'primary'),
        button('Disable service control policies', (e) => busy(e.target, async () => {
          await org('DisablePolicyType', { RootId: root.Id, PolicyType: SCP });
          await draw();
        }), 'danger')),
      table('Service control policies', [
        { title: 'Name', cell: (p) => button(p.Name, (e) => busy(e.target,
          () => showPolicy(p, detail, draw)), 'linklike') },
        { title: 'ID', cell: (p) => h('code', {}, p.Id) },
        { title: 'Type', cell: (p) => (p.AwsManaged ? 'AWS managed' : 'Customer managed') },
        { title: 'Description', cell: (p) => p.Description || '' },
      ], policies),
      detail);
  };
  await draw().catch(showError);
}

async function showPolicy(summaryRow, container, redraw) {
  const { Policy: policy } = await org('DescribePolicy', { PolicyId: summaryRow.Id });
  const ps = policy.PolicySummary;
  const draw = async () => {
    const targets = await callAll('organizations', 'ListTargetsForPolicy', { PolicyId: ps.Id }, 'Targets');
    let content = policy.Content;
    try {
      content = JSON.stringify(JSON.parse(content), null, 2);
    } catch {
      // shown as stored
    }
    fill(container, section(`Policy ${ps.Name}`,
      h('div', { class: 'toolbar' },
        button('Attach', () => attachDialog(ps, draw), 'primary'),
        ps.AwsManaged ? null : button('Delete policy', async (e) => {
          if (!await confirmDialog('Delete policy', `Delete the policy ${ps.Name}?`)) return;
          await busy(e.target, async () => {
            await org('DeletePolicy', { PolicyId: ps.Id });
            container.replaceChildren();
            await redraw();
            flash(`Policy ${ps.Name} deleted.`);
          });
        }, 'danger')),
      pre(content, 'Policy content'),
      table('Targets', [
        { title: 'Name', cell: (t) => t.Name },
        { title: 'ID', cell: (t) => h('code', {}, t.TargetId) },
        { title: 'Type', cell: (t) => t.Type },
        { title: 'Actions', cell: (t) => rowButton('Detach', `from ${t.Name}`, (e) => busy(e.target, async () => {
          await org('DetachPolicy', { PolicyId: ps.Id, TargetId: t.TargetId });
          await draw();
        }), 'small') },
      ], targets, 'Not attached')));
  };
  await draw();
}

async function attachDialog(ps, done) {
  const tree = await loadTree();
  const target = select('Target', treeTargets(tree, true), { id: 'scp-target' });
  openDialog(`Attach ${ps.Name}`, (body) => body.append(target.row), [
    { label: 'Cancel' },
    { label: 'Attach policy', primary: true, onclick: async () => {
      await org('AttachPolicy', { PolicyId: ps.Id, TargetId: target.input.value });
      await done();
      return true;
    } }]);
}

function createScpDialog(done) {
  const name = field('Policy name', { id: 'scp-name' });
  const description = field('Policy description', { id: 'scp-description' });
  const content = field('Policy content (JSON)', { id: 'scp-content', textarea: true, spellcheck: 'false',
    value: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Sid: 'Statement1', Effect: 'Deny', Action: ['organizations:LeaveOrganization'], Resource: '*' }] },
    null, 2) });
  openDialog('Create new service control policy', (body) => {
    body.append(name.row, description.row, content.row);
    setTimeout(() => name.input.focus(), 0);
  }, [{ label: 'Cancel' }, { label: 'Create policy', primary: true, onclick: async () => {
    await org('CreatePolicy', { Name: name.input.value.trim(), Description: description.input.value.trim(),
                                Content: content.input.value, Type: SCP });
    await done();
    flash(`Policy ${name.input.value.trim()} created.`);
    return true;
  } }]);
}
