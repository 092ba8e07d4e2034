// CloudTrail's Event history: the account's events newest first (LookupEvents), filtered by one
// lookup attribute and a time range, each event's record shown as JSON on demand.
import { call } from './api.js';
import { busy, button, field, fill, formatDate, h, heading, pre, section, select, showError, table } from './ui.js';

const ATTRIBUTES = [
  ['ReadOnly', 'Read-only'], ['EventName', 'Event name'], ['Username', 'User name'],
  ['ResourceType', 'Resource type'], ['ResourceName', 'Resource name'],
  ['EventSource', 'Event source'], ['AccessKeyId', 'AWS access key'], ['EventId', 'Event ID'],
];

// The input of a lookup from the filter form's values.
function lookupInput({ key, value, start, end }) {
  const input = { MaxResults: 50 };
  if (value) input.LookupAttributes = [{ AttributeKey: key, AttributeValue: value }];
  if (start) input.StartTime = new Date(start + 'Z').getTime() / 1000;
  if (end) input.EndTime = new Date(end + 'Z').getTime() / 1000;
  return input;
}

function eventRow(event) {
  const record = JSON.parse(event.CloudTrailEvent || '{}');
  const resources = event.Resources || [];
  return { event, record, resources };
}

export async function eventHistoryPage(ctx) {
  ctx.root.append(heading('Event history'));
  const key = select('Lookup attribute', ATTRIBUTES, { id: 'lookup-key' });
  const value = field('Attribute value', { id: 'lookup-value', placeholder: 'Enter a value' });
  const start = field('From (UTC)', { id: 'lookup-start', type: 'datetime-local' });
  const end = field('To (UTC)', { id: 'lookup-end', type: 'datetime-local' });
  const results = h('div', { class: 'event-results' });
  const more = h('div', { class: 'form-row' });
  const detail = h('div', { class: 'event-detail' });
  const apply = h('button', { type: 'submit', class: 'primary' }, 'Apply');
  const form = h('form', { class: 'filters', 'aria-label': 'Event filters' },
    key.row, value.row, start.row, end.row, apply);
  ctx.root.append(section('Filters', form), section('Events', results, more), detail);

  let rows = [];
  const columns = [
    { title: 'Event name', cell: (r) => {
      const b = h('button', { type: 'button', class: 'linklike event-name' }, r.event.EventName);
      b.addEventListener('click', () => fill(detail, section(`Event ${r.event.EventName}`,
        pre(JSON.stringify(r.record, null, 2), 'Event record'))));
      return b;
    } },
    { title: 'Event time', cell: (r) => formatDate(r.event.EventTime) },
    { title: 'User name', cell: (r) => r.event.Username || '-' },
    { title: 'Event source', cell: (r) => r.event.EventSource },
    { title: 'Resource type', cell: (r) => r.resources.map((x) => x.ResourceType).join(', ') || '-' },
    { title: 'Resource name', cell: (r) => r.resources.map((x) => x.ResourceName).join(', ') || '-' },
    { title: 'Error', cell: (r) => r.record.errorCode || r.record.errorMessage || '' },
  ];
  const load = async (input, append) => {
    const out = await call('cloudtrail', 'LookupEvents', input);
    rows = append ? rows.concat((out.Events || []).map(eventRow)) : (out.Events || []).map(eventRow);
    fill(results, table(null, columns, rows, 'No events match the filters'));
    fill(more);
    if (out.NextToken) {
      more.append(button('Load more events', (e) => busy(e.target,
        () => load({ ...input, NextToken: out.NextToken }, true))));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fill(detail);
    const input = lookupInput({ key: key.input.value, value: value.input.value.trim(),
                                start: start.input.value, end: end.input.value });
    busy(apply, () => load(input, false)).catch((err) => showError(err, form));
  });
  await load({ MaxResults: 50 }, false).catch((e) => showError(e, results));
}

// The signed-in principal's sign-in before this one, for the home page: "" when none is known
// (or the principal may not read the event history).
export async function previousSignIn(session) {
  if (session.role) return null;
  try {
    const out = await call('cloudtrail', 'LookupEvents', {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }],
      MaxResults: 50 });
    const mine = (out.Events || []).map((e) => JSON.parse(e.CloudTrailEvent))
      .filter((r) => r.userIdentity && r.userIdentity.arn === session.principalArn
              && r.responseElements && r.responseElements.ConsoleLogin === 'Success');
    return mine.length > 1 ? mine[1] : null;
  } catch {
    return null;
  }
}
