// Invitations: the handshakes the organization sent (Cancel) and those this account received
// (Accept, Decline).
import { call, callAll } from './api.js';
import { describeOrganization } from './organizations.js';
import { fill, busy, button, rowButton, flash, formatDate, h, heading, section, showError, table } from './ui.js';

const party = (hs, type) => (hs.Parties || []).find((p) => p.Type === type);
const target = (hs) => (hs.Parties || []).filter((p) => p.Type !== 'ORGANIZATION')
  .map((p) => p.Id).join(', ');
const titleCase = (s) => (s ? s[0] + s.slice(1).toLowerCase() : '-');

export async function invitationsPage(ctx) {
  ctx.root.append(heading('Invitations'));
  const sentBox = h('section', { class: 'panel' });
  const receivedBox = h('section', { class: 'panel' });
  ctx.root.append(sentBox, receivedBox);
  const myAccount = ctx.session.role ? ctx.session.role.accountId : ctx.session.accountId;
  const organization = await describeOrganization().catch((e) => { showError(e); return null; });
  const managing = organization && organization.MasterAccountId === myAccount;

  const draw = async () => {
    if (managing) {
      const sent = await callAll('organizations', 'ListHandshakesForOrganization', {}, 'Handshakes');
      fill(sentBox, h('h2', {}, 'Sent invitations'), table(null, [
        { title: 'Handshake ID', cell: (hs) => h('code', {}, hs.Id) },
        { title: 'Invited account', cell: (hs) => target(hs) },
        { title: 'Status', cell: (hs) => h('span', { class: 'handshake-state' }, titleCase(hs.State)) },
        { title: 'Sent', cell: (hs) => formatDate(hs.RequestedTimestamp) },
        { title: 'Expires', cell: (hs) => formatDate(hs.ExpirationTimestamp) },
        { title: 'Actions', cell: (hs) => (['OPEN', 'REQUESTED'].includes(hs.State)
          ? rowButton('Cancel', `invitation ${hs.Id}`, (e) => busy(e.target, async () => {
            await call('organizations', 'CancelHandshake', { HandshakeId: hs.Id });
            await draw();
            flash('The invitation was canceled.');
          }), 'small') : '') },
      ], sent, 'No invitations sent'));
    } else {
      fill(sentBox, h('h2', {}, 'Sent invitations'),
        h('p', { class: 'muted' }, 'Only an organization\'s management account sends invitations.'));
    }
    const all = await callAll('organizations', 'ListHandshakesForAccount', {}, 'Handshakes');
    const received = all.filter((hs) => !(organization && party(hs, 'ORGANIZATION')?.Id === organization.Id
                                          && managing));
    fill(receivedBox, h('h2', {}, 'Received invitations'), table(null, [
      { title: 'Handshake ID', cell: (hs) => h('code', {}, hs.Id) },
      { title: 'Organization', cell: (hs) => party(hs, 'ORGANIZATION')?.Id || '-' },
      { title: 'Invitation', cell: (hs) => (hs.Action === 'TRANSFER_RESPONSIBILITY'
        ? 'Billing transfer' : 'Join the organization') },
      { title: 'From', cell: (hs) => (hs.Resources || []).flatMap((r) => [r, ...(r.Resources || [])])
        .filter((r) => ['MASTER_EMAIL', 'MASTER_NAME', 'MANAGEMENT_EMAIL', 'MANAGEMENT_NAME'].includes(r.Type))
        .map((r) => r.Value).join(' ') },
      { title: 'Status', cell: (hs) => h('span', { class: 'handshake-state' }, titleCase(hs.State)) },
      { title: 'Expires', cell: (hs) => formatDate(hs.ExpirationTimestamp) },
      { title: 'Actions', cell: (hs) => (hs.State === 'OPEN' ? h('div', { class: 'actions' },
        button('Accept', (e) => busy(e.target, async () => {
          await call('organizations', 'AcceptHandshake', { HandshakeId: hs.Id });
          await ctx.render();
          flash(hs.Action === 'TRANSFER_RESPONSIBILITY'
            ? 'You accepted the billing transfer.' : 'You joined the organization.');
        }), 'small primary'),
        button('Decline', (e) => busy(e.target, async () => {
          await call('organizations', 'DeclineHandshake', { HandshakeId: hs.Id });
          await draw();
          flash('The invitation was declined.');
        }), 'small')) : '') },
    ], received, 'No invitations received'));
  };
  await draw().catch(showError);
}
