// Create policy: a visual editor (service, actions with a filter, resources "All resources" or
// ARNs added with an account and a role name) and a JSON editor; then name, description and
// review. The server's MalformedPolicyDocument message shows in the alert region.
import { call } from './api.js';
import { ROLE_RESOURCE_ACTIONS, SERVICES, roleArn } from './actions_catalog.js';
import {
  fill,
  busy, button, rowButton, check, field, flash, h, heading, openDialog, pre, select, uid,
} from './ui.js';

function newStatement() {
  return { effect: 'Allow', service: '', actions: new Set(), all: false, resourceMode: 'all',
           arns: [] };
}

export function statementJson(st) {
  const svc = SERVICES.find((s) => s.prefix === st.service);
  const actions = st.all ? `${st.service}:*` : [...st.actions].sort();
  const out = { Effect: st.effect, Action: Array.isArray(actions) && actions.length === 1 ? actions[0] : actions };
  out.Resource = st.resourceMode === 'all' || !st.arns.length ? '*'
    : (st.arns.length === 1 ? st.arns[0] : [...st.arns]);
  return svc ? out : null;
}

function documentOf(st) {
  const s = statementJson(st);
  return { Version: '2012-10-17', Statement: s ? [s] : [] };
}

// Reads a simple document (one statement, one service) back into the visual model.
function statementFromJson(text) {
  const doc = JSON.parse(text);
  const statements = [].concat(doc.Statement || []);
  if (statements.length !== 1) return null;
  const s = statements[0];
  if (s.NotAction || s.NotResource || s.Condition || s.Principal) return null;
  const actions = [].concat(s.Action || []);
  const prefixes = new Set(actions.map((a) => a.split(':')[0].toLowerCase()));
  if (prefixes.size !== 1) return null;
  const st = newStatement();
  st.effect = s.Effect === 'Deny' ? 'Deny' : 'Allow';
  st.service = [...prefixes][0];
  const svc = SERVICES.find((x) => x.prefix === st.service);
  if (!svc) return null;
  for (const a of actions) {
    const name = a.split(':')[1];
    if (name === '*') st.all = true;
    else if (svc.actions.includes(name)) st.actions.add(`${st.service}:${name}`);
    else return null;
  }
  const resources = [].concat(s.Resource || '*');
  if (resources.length === 1 && resources[0] === '*') st.resourceMode = 'all';
  else {
    st.resourceMode = 'specific';
    st.arns = resources;
  }
  return st;
}

export function createPolicyPage(ctx) {
  const accountId = ctx.session.role ? ctx.session.role.accountId : ctx.session.accountId;
  let st = newStatement();
  let mode = 'visual';
  let jsonDirty = false;
  let stage = 'edit';

  const visualTab = h('button', { type: 'button', role: 'tab', id: 'tab-visual' }, 'Visual');
  const jsonTab = h('button', { type: 'button', role: 'tab', id: 'tab-json' }, 'JSON');
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Editor mode' }, visualTab, jsonTab);
  const visualPanel = h('div', { role: 'tabpanel', 'aria-labelledby': 'tab-visual' });
  const jsonEditor = field('Policy editor', { id: 'policy-json', textarea: true, rows: 18,
                                              spellcheck: 'false' });
  jsonEditor.input.addEventListener('input', () => { jsonDirty = true; });
  const jsonNotice = h('p', { class: 'notice', hidden: true });
  const jsonPanel = h('div', { role: 'tabpanel', 'aria-labelledby': 'tab-json', hidden: true },
    jsonNotice, jsonEditor.row);

  const serviceSelect = select('Service', [['', 'Choose a service'],
    ...SERVICES.map((s) => [s.prefix, s.name])], { id: 'policy-service' });
  const effectBox = h('fieldset', {}, h('legend', {}, 'Effect'),
    ['Allow', 'Deny'].map((e) => check(e, { type: 'radio', name: 'effect', value: e, id: `effect-${e.toLowerCase()}`,
      checked: e === 'Allow', onchange: () => { st.effect = e; } }).row));
  const actionsBox = h('div');
  const resourcesBox = h('div');

  const drawActions = () => {
    const svc = SERVICES.find((s) => s.prefix === st.service);
    if (!svc) {
      fill(actionsBox, h('p', { class: 'muted' }, 'Choose a service to see its actions.'));
      return;
    }
    const filterId = uid('actions-filter');
    const filter = h('input', { type: 'search', id: filterId, autocomplete: 'off',
                                placeholder: 'Filter actions' });
    const list = h('div', { class: 'action-list' });
    const all = check(`All ${svc.name} actions (${svc.prefix}:*)`, { id: 'actions-all', checked: st.all,
      onchange: (e) => { st.all = e.target.checked; draw(); } });
    const draw = () => {
      const t = filter.value.trim().toLowerCase();
      fill(list, ...svc.actions.filter((a) => !t || a.toLowerCase().includes(t)).map((a) => {
        const full = `${svc.prefix}:${a}`;
        return check(a, { id: `action-${svc.prefix}-${a}`, checked: st.all || st.actions.has(full),
          disabled: st.all, onchange: (e) => {
            if (e.target.checked) st.actions.add(full);
            else st.actions.delete(full);
            drawResources();
          } }).row;
      }));
      if (!list.children.length) list.append(h('p', { class: 'muted' }, 'No actions match the filter.'));
    };
    filter.addEventListener('input', draw);
    fill(actionsBox, h('fieldset', {}, h('legend', {}, 'Actions allowed'),
      h('div', { class: 'field' }, h('label', { for: filterId }, 'Filter actions'), filter),
      all.row, list));
    draw();
  };

  const drawResources = () => {
    const all = check('All resources', { type: 'radio', name: 'resources', value: 'all',
      id: 'resources-all', checked: st.resourceMode === 'all',
      onchange: () => { st.resourceMode = 'all'; drawResources(); } });
    const specific = check('Specific', { type: 'radio', name: 'resources', value: 'specific',
      id: 'resources-specific', checked: st.resourceMode === 'specific',
      onchange: () => { st.resourceMode = 'specific'; drawResources(); } });
    const arns = h('div', { class: 'subfields', hidden: st.resourceMode !== 'specific' },
      st.arns.length ? h('ul', { class: 'arn-list' }, st.arns.map((arn, i) => h('li', {},
        h('code', { class: 'arn' }, arn), ' ',
        rowButton('Remove', arn, () => { st.arns.splice(i, 1); drawResources(); }, 'small'))))
        : h('p', { class: 'muted' }, 'No ARNs yet.'),
      button('Add ARN', () => addArnDialog(), ''));
    fill(resourcesBox, h('fieldset', {}, h('legend', {}, 'Resources'), all.row,
                                                   specific.row, arns));
  };

  const addArnDialog = () => {
    const roleActions = st.all ? ['sts', 'iam'].includes(st.service)
      : [...st.actions].some((a) => ROLE_RESOURCE_ACTIONS.has(a));
    if (roleActions) {
      const acct = field('Account', { id: 'arn-account', value: '', inputmode: 'numeric', maxlength: '12',
                                      hint: 'The 12-digit ID of the account that holds the role.' });
      const name = field('Role name with path', { id: 'arn-role-name', spellcheck: 'false' });
      const preview = h('code', { class: 'arn', 'aria-live': 'polite' });
      const update = () => {
        preview.textContent = roleArn(acct.input.value.trim() || '{Account}', name.input.value.trim() || '{RoleNameWithPath}');
      };
      acct.input.addEventListener('input', update);
      name.input.addEventListener('input', update);
      update();
      openDialog('Add ARN', (body) => {
        body.append(h('p', {}, 'Specify the role the policy applies to.'), acct.row, name.row,
          h('p', {}, 'Resource ARN: ', preview));
        setTimeout(() => acct.input.focus(), 0);
      }, [{ label: 'Cancel' }, { label: 'Add ARNs', primary: true, onclick: () => {
        const a = acct.input.value.trim();
        const n = name.input.value.trim();
        if (!/^(\d{12}|\*)$/.test(a)) {
          throw Object.assign(new Error('The account must be 12 digits.'), { code: 'InvalidInput' });
        }
        if (!n) throw Object.assign(new Error('Enter a role name.'), { code: 'InvalidInput' });
        st.arns.push(roleArn(a, n));
        drawResources();
        return true;
      } }]);
    } else {
      const arn = field('Resource ARN', { id: 'arn-value', spellcheck: 'false',
                                          hint: 'For example arn:aws:iam::123456789012:user/alice' });
      openDialog('Add ARN', (body) => {
        body.append(arn.row);
        setTimeout(() => arn.input.focus(), 0);
      }, [{ label: 'Cancel' }, { label: 'Add ARNs', primary: true, onclick: () => {
        const v = arn.input.value.trim();
        if (!v.startsWith('arn:')) throw Object.assign(new Error('An ARN begins with arn:'), { code: 'InvalidInput' });
        st.arns.push(v);
        drawResources();
        return true;
      } }]);
    }
  };

  serviceSelect.input.addEventListener('change', () => {
    st.service = serviceSelect.input.value;
    st.actions = new Set();
    st.all = false;
    drawActions();
    drawResources();
  });
  visualPanel.append(serviceSelect.row, effectBox, actionsBox, resourcesBox);

  const setMode = (m) => {
    if (m === 'json' && mode === 'visual' && !jsonDirty) {
      jsonEditor.input.value = JSON.stringify(documentOf(st), null, 2);
    }
    if (m === 'visual' && mode === 'json') {
      let parsed = null;
      try {
        parsed = statementFromJson(jsonEditor.input.value);
      } catch {
        parsed = null;
      }
      if (!parsed) {
        jsonNotice.hidden = false;
        jsonNotice.textContent = 'The visual editor cannot show this policy. Edit it as JSON.';
        return;
      }
      st = parsed;
      jsonDirty = false;
      serviceSelect.input.value = st.service;
      document.getElementById(`effect-${st.effect.toLowerCase()}`).checked = true;
      drawActions();
      drawResources();
    }
    jsonNotice.hidden = true;
    mode = m;
    visualTab.setAttribute('aria-selected', String(m === 'visual'));
    jsonTab.setAttribute('aria-selected', String(m === 'json'));
    visualPanel.hidden = m !== 'visual';
    jsonPanel.hidden = m !== 'json';
  };
  visualTab.addEventListener('click', () => setMode('visual'));
  jsonTab.addEventListener('click', () => setMode('json'));

  const documentText = () => (mode === 'json' || jsonDirty ? jsonEditor.input.value
    : JSON.stringify(documentOf(st), null, 2));

  const name = field('Policy name', { id: 'policy-name', spellcheck: 'false',
    hint: 'Up to 128 characters: letters, digits and +=,.@-_' });
  const description = field('Description', { id: 'policy-description', textarea: true, rows: 3,
                                             maxlength: '1000' });
  const reviewDoc = h('div');
  const editStage = h('div', {}, tabs, visualPanel, jsonPanel);
  const reviewStage = h('div', { hidden: true }, name.row, description.row,
    h('h2', {}, 'Permissions defined in this policy'), reviewDoc);
  const prev = h('button', { type: 'button', hidden: true }, 'Previous');
  const next = h('button', { type: 'button', class: 'primary' }, 'Next');
  ctx.root.append(heading('Create policy'),
    h('p', { class: 'intro' }, 'Add permissions by choosing a service, actions and resources, ' +
      'or write the policy in JSON.'),
    editStage, reviewStage,
    h('div', { class: 'form-actions' }, h('a', { href: '/iam/policies', class: 'button-link' }, 'Cancel'),
      prev, next));
  prev.addEventListener('click', () => {
    stage = 'edit';
    editStage.hidden = false;
    reviewStage.hidden = true;
    prev.hidden = true;
    next.textContent = 'Next';
  });
  next.addEventListener('click', () => busy(next, async () => {
    if (stage === 'edit') {
      if (mode === 'visual' && !jsonDirty) {
        if (!st.service) throw Object.assign(new Error('Choose a service.'), { code: 'InvalidInput' });
        if (!st.all && !st.actions.size) {
          throw Object.assign(new Error('Choose at least one action.'), { code: 'InvalidInput' });
        }
        if (st.resourceMode === 'specific' && !st.arns.length) {
          throw Object.assign(new Error('Add an ARN or choose All resources.'), { code: 'InvalidInput' });
        }
      }
      stage = 'review';
      editStage.hidden = true;
      reviewStage.hidden = false;
      prev.hidden = false;
      next.textContent = 'Create policy';
      fill(reviewDoc, pre(documentText(), 'Policy document'));
      name.input.focus();
      return;
    }
    const input = { PolicyName: name.input.value.trim(), PolicyDocument: documentText() };
    if (description.input.value.trim()) input.Description = description.input.value.trim();
    const out = await call('iam', 'CreatePolicy', input);
    await ctx.navigate(`/iam/policies/${out.Policy.Arn}`);
    flash(`Policy ${out.Policy.PolicyName} created.`);
  }));
  setMode('visual');
  drawActions();
  drawResources();
}
