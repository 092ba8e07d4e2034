// A filterable list of managed policies with checkboxes (ListPolicies), used by the role wizard
// and by the attach-policy dialogs of users, groups and roles.
import { callAll } from './api.js';
import { fill, h, select, showError, uid } from './ui.js';

// Returns {node, selected: Set of ARNs, ready: Promise}. opts.exclude: ARNs not offered.
export function policyPicker(opts = {}) {
  const selected = new Set(opts.selected || []);
  const exclude = new Set(opts.exclude || []);
  let policies = [];
  const filterId = uid('policy-filter');
  const filter = h('input', { type: 'search', id: filterId, placeholder: 'Filter policies by name',
                              autocomplete: 'off' });
  const scope = select('Type', [['All', 'All types'], ['AWS', 'AWS managed'],
                                ['Local', 'Customer managed']], { value: 'All' });
  const body = h('tbody');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const draw = () => {
    const text = filter.value.trim().toLowerCase();
    const shown = policies.filter((p) => !exclude.has(p.Arn) &&
      (scope.input.value === 'All' || (scope.input.value === 'AWS') === p.Arn.includes(':aws:policy/')) &&
      (!text || p.PolicyName.toLowerCase().includes(text) ||
       (p.Description || '').toLowerCase().includes(text)));
    fill(body, ...shown.map((p) => {
      const id = uid('pol');
      const box = h('input', { type: 'checkbox', id, checked: selected.has(p.Arn),
                               'data-policy-arn': p.Arn });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(p.Arn);
        else selected.delete(p.Arn);
        opts.onchange?.(selected);
      });
      return h('tr', {},
        h('td', { class: 'check-cell' }, box),
        h('td', {}, h('label', { for: id }, p.PolicyName)),
        h('td', {}, p.Arn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed'),
        h('td', { class: 'muted' }, p.Description || ''));
    }));
    if (!shown.length) {
      body.append(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'No policies match the filter')));
    }
    count.textContent = `${shown.length} of ${policies.length} policies`;
  };
  filter.addEventListener('input', draw);
  scope.input.addEventListener('change', draw);
  const node = h('div', { class: 'policy-picker' },
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: filterId }, 'Filter policies'), filter),
      scope.row),
    count,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, opts.caption || 'Permissions policies'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Select'),
        h('th', { scope: 'col' }, 'Policy name'), h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col' }, 'Description'))),
      body)));
  const ready = callAll('iam', 'ListPolicies', { Scope: 'All' }, 'Policies').then((list) => {
    // AssumeRoot's task policies are listed by IAM but can be attached to nothing.
    policies = list.filter((p) => p.IsAttachable !== false)
      .sort((a, b) => a.PolicyName.localeCompare(b.PolicyName));
    draw();
    return policies;
  }).catch((e) => {
    showError(e);
    return [];
  });
  return { node, selected, ready, policies: () => policies, filter };
}
