// The policy editor, as AWS's console has it: a visual editor of one or more statements (each a
// service, an effect, actions with a filter, and "All resources" or ARNs added with an account
// and a role name) and a JSON editor of the same document; and the Create policy page that uses
// it (then name, description and review). Inline policies (inline_policy.js) use it too. The
// server's MalformedPolicyDocument message shows next to the page's buttons.
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

function documentOf(statements) {
  return { Version: '2012-10-17', Statement: statements.map(statementJson).filter(Boolean) };
}

// One statement of a document in the visual model; null when the visual editor cannot show it
// (several services, conditions, NotAction …).
function statementFromObject(s) {
  if (!s || typeof s !== 'object' || s.NotAction || s.NotResource || s.Condition || s.Principal) {
    return null;
  }
  const actions = [].concat(s.Action || []);
  const prefixes = new Set(actions.map((a) => String(a).split(':')[0].toLowerCase()));
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

// A whole document in the visual model: one entry per statement, or null.
function statementsFromJson(text) {
  const doc = JSON.parse(text);
  const list = [].concat(doc.Statement || []);
  if (!list.length) return null;
  const statements = list.map(statementFromObject);
  return statements.every(Boolean) ? statements : null;
}

// The Add ARN dialog of statement `st`: an account and a role name for role actions, else an ARN.
function addArnDialog(st, redraw) {
  const roleActions = st.all ? ['sts', 'iam'].includes(st.service)
    : [...st.actions].some((a) => ROLE_RESOURCE_ACTIONS.has(a));
  if (roleActions) {
    const acct = field('Account', { id: 'arn-account', value: '', inputmode: 'numeric', maxlength: '14',
                                    hint: 'The 12-digit ID of the account that holds the role.' });
    const name = field('Role name with path', { id: 'arn-role-name', spellcheck: 'false' });
    const preview = h('code', { class: 'arn', 'aria-live': 'polite' });
    const accountOf = () => acct.input.value.trim().replace(/^(\d{4})-(\d{4})-(\d{4})$/, '$1$2$3');
    const update = () => {
      preview.textContent = roleArn(accountOf() || '{Account}', name.input.value.trim() || '{RoleNameWithPath}');
    };
    acct.input.addEventListener('input', update);
    name.input.addEventListener('input', update);
    update();
    openDialog('Add ARN', (body) => {
      body.append(h('p', {}, 'Specify the role the policy applies to.'), acct.row, name.row,
        h('p', {}, 'Resource ARN: ', preview));
      setTimeout(() => acct.input.focus(), 0);
    }, [{ label: 'Cancel' }, { label: 'Add ARNs', primary: true, onclick: () => {
      const a = accountOf();
      const n = name.input.value.trim();
      if (!/^(\d{12}|\*)$/.test(a)) {
        throw Object.assign(new Error('The account must be 12 digits.'), { code: 'InvalidInput' });
      }
      if (!n) throw Object.assign(new Error('Enter a role name.'), { code: 'InvalidInput' });
      st.arns.push(roleArn(a, n));
      redraw();
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
      redraw();
      return true;
    } }]);
  }
}

// The visual editor of statement number n (1-based): service, effect, actions, resources.
// `remove` is null when it is the only statement.
function statementEditor(st, n, remove) {
  const p = `s${n}`;
  const headingId = uid('statement');
  const serviceSelect = select('Service', [['', 'Choose a service'],
    ...SERVICES.map((s) => [s.prefix, s.name])], { id: `${p}-service`, value: st.service });
  const effectBox = h('fieldset', {}, h('legend', {}, 'Effect'),
    ['Allow', 'Deny'].map((e) => check(e, { type: 'radio', name: `${p}-effect`, value: e,
      id: `${p}-effect-${e.toLowerCase()}`, checked: st.effect === e,
      onchange: () => { st.effect = e; } }).row));
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
    const all = check(`All ${svc.name} actions (${svc.prefix}:*)`, { id: `${p}-actions-all`,
      checked: st.all, onchange: (e) => { st.all = e.target.checked; draw(); } });
    const draw = () => {
      const t = filter.value.trim().toLowerCase();
      fill(list, ...svc.actions.filter((a) => !t || a.toLowerCase().includes(t)).map((a) => {
        const full = `${svc.prefix}:${a}`;
        return check(a, { id: `${p}-action-${svc.prefix}-${a}`, checked: st.all || st.actions.has(full),
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
    const all = check('All resources', { type: 'radio', name: `${p}-resources`, value: 'all',
      id: `${p}-resources-all`, checked: st.resourceMode === 'all',
      onchange: () => { st.resourceMode = 'all'; drawResources(); } });
    const specific = check('Specific', { type: 'radio', name: `${p}-resources`, value: 'specific',
      id: `${p}-resources-specific`, checked: st.resourceMode === 'specific',
      onchange: () => { st.resourceMode = 'specific'; drawResources(); } });
    const arns = h('div', { class: 'subfields', hidden: st.resourceMode !== 'specific' },
      st.arns.length ? h('ul', { class: 'arn-list' }, st.arns.map((arn, i) => h('li', {},
        h('code', { class: 'arn' }, arn), ' ',
        rowButton('Remove', arn, () => { st.arns.splice(i, 1); drawResources(); }, 'small'))))
        : h('p', { class: 'muted' }, 'No ARNs yet.'),
      button('Add ARN', () => addArnDialog(st, drawResources), ''));
    fill(resourcesBox, h('fieldset', {}, h('legend', {}, 'Resources'), all.row, specific.row, arns));
  };

  serviceSelect.input.addEventListener('change', () => {
    st.service = serviceSelect.input.value;
    st.actions = new Set();
    st.all = false;
    drawActions();
    drawResources();
  });
  drawActions();
  drawResources();
  return h('div', { class: 'statement', role: 'group', 'aria-labelledby': headingId,
                    'data-statement': String(n) },
    h('div', { class: 'statement-head' }, h('h3', { id: headingId }, `Statement ${n}`),
      remove ? rowButton('Remove', `statement ${n}`, remove, 'small') : null),
    serviceSelect.row, effectBox, actionsBox, resourcesBox);
}

// The editor: { element, documentText(), check(), load(text) }. check() throws what the visual
// editor's statements lack; load() shows a document (in the visual editor when it can).
export function policyEditor() {
  let statements = [newStatement()];
  let mode = 'visual';
  let jsonDirty = false;

  const visualTab = h('button', { type: 'button', role: 'tab', id: 'tab-visual' }, 'Visual');
  const jsonTab = h('button', { type: 'button', role: 'tab', id: 'tab-json' }, 'JSON');
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Editor mode' }, visualTab, jsonTab);
  const statementsBox = h('div', { class: 'statements' });
  const add = button('Add more permissions', () => {
    statements.push(newStatement());
    drawStatements();
    statementsBox.lastElementChild?.querySelector('select')?.focus();
  });
  const visualPanel = h('div', { role: 'tabpanel', 'aria-labelledby': 'tab-visual' },
    statementsBox, h('div', { class: 'form-actions' }, add));
  const jsonEditor = field('Policy editor', { id: 'policy-json', textarea: true, rows: 18,
                                              spellcheck: 'false' });
  jsonEditor.input.addEventListener('input', () => { jsonDirty = true; });
  const jsonNotice = h('p', { class: 'notice', hidden: true });
  const jsonPanel = h('div', { role: 'tabpanel', 'aria-labelledby': 'tab-json', hidden: true },
    jsonNotice, jsonEditor.row);

  const drawStatements = () => {
    fill(statementsBox, statements.map((st, i) => statementEditor(st, i + 1,
      statements.length > 1 ? () => { statements.splice(i, 1); drawStatements(); } : null)));
  };

  const show = (m) => {
    mode = m;
    visualTab.setAttribute('aria-selected', String(m === 'visual'));
    jsonTab.setAttribute('aria-selected', String(m === 'json'));
    visualPanel.hidden = m !== 'visual';
    jsonPanel.hidden = m !== 'json';
  };
  const toVisual = () => {
    let parsed = null;
    try {
      parsed = statementsFromJson(jsonEditor.input.value);
    } catch {
      parsed = null;
    }
    if (!parsed) {
      jsonNotice.hidden = false;
      jsonNotice.textContent = 'The visual editor cannot show this policy. Edit it as JSON.';
      return false;
    }
    statements = parsed;
    jsonDirty = false;
    jsonNotice.hidden = true;
    drawStatements();
    show('visual');
    return true;
  };
  visualTab.addEventListener('click', () => { if (mode === 'json') toVisual(); });
  jsonTab.addEventListener('click', () => {
    if (mode === 'visual' && !jsonDirty) {
      jsonEditor.input.value = JSON.stringify(documentOf(statements), null, 2);
    }
    jsonNotice.hidden = true;
    show('json');
  });

  const documentText = () => (mode === 'json' || jsonDirty ? jsonEditor.input.value
    : JSON.stringify(documentOf(statements), null, 2));
  const fail = (message) => { throw Object.assign(new Error(message), { code: 'InvalidInput' }); };
  const checkStatements = () => {
    if (mode !== 'visual' || jsonDirty) return;
    statements.forEach((st, i) => {
      const which = statements.length > 1 ? `Statement ${i + 1}: ` : '';
      if (!st.service) fail(`${which}Choose a service.`);
      if (!st.all && !st.actions.size) fail(`${which}Choose at least one action.`);
      if (st.resourceMode === 'specific' && !st.arns.length) {
        fail(`${which}Add an ARN or choose All resources.`);
      }
    });
  };
  const load = (text) => {
    jsonEditor.input.value = text;
    jsonDirty = true;
    if (!toVisual()) show('json');
  };
  show('visual');
  drawStatements();
  return { element: h('div', { class: 'policy-editor' }, tabs, visualPanel, jsonPanel),
           documentText, check: checkStatements, load };
}

export function createPolicyPage(ctx) {
  const editor = policyEditor();
  let stage = 'edit';
  const name = field('Policy name', { id: 'policy-name', spellcheck: 'false',
    hint: 'Up to 128 characters: letters, digits and +=,.@-_' });
  const description = field('Description', { id: 'policy-description', textarea: true, rows: 3,
                                             maxlength: '1000' });
  const reviewDoc = h('div');
  const editStage = h('div', {}, editor.element);
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
      editor.check();
      stage = 'review';
      editStage.hidden = true;
      reviewStage.hidden = false;
      prev.hidden = false;
      next.textContent = 'Create policy';
      fill(reviewDoc, pre(editor.documentText(), 'Policy document'));
      name.input.focus();
      return;
    }
    const input = { PolicyName: name.input.value.trim(), PolicyDocument: editor.documentText() };
    if (description.input.value.trim()) input.Description = description.input.value.trim();
    const out = await call('iam', 'CreatePolicy', input);
    await ctx.navigate(`/iam/policies/${out.Policy.Arn}`);
    flash(`Policy ${out.Policy.PolicyName} created.`);
  }));
}
