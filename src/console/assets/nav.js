// The top navigation bar (account, who am I, Switch role, role history, Back to <user>,
// Sign out) and the side navigation of the IAM and Organizations pages.
import { post } from './api.js';
import { fill, formatAccountId, h, showError } from './ui.js';

let closeOpenMenu = () => {};
document.addEventListener('click', (e) => closeOpenMenu(e));

export const ROLE_COLORS = ['red', 'orange', 'yellow', 'green', 'blue'];

// A switched role as the bar and the role history name it: "Admin @ 1234-5678-9012".
function roleLabel(r) {
  return `${r.displayName || r.roleName} @ ${formatAccountId(r.accountId)}`;
}

function identityLabel(s) {
  if (s.role) return roleLabel(s.role);
  const who = s.root ? 'root' : s.userName || s.principalArn;
  return `${who} @ ${s.accountAlias || formatAccountId(s.accountId)}`;
}

// A role without a color (it is optional) gets no class: the bar keeps its own look.
function colorClass(color) {
  return ROLE_COLORS.includes(color) ? `role-color-${color}` : '';
}

async function switchTo(ctx, role) {
  try {
    await post('/console/switch-role', {
      account: role.accountId, roleName: role.roleName,
      displayName: role.displayName, color: role.color,
    });
    await ctx.navigate('/');
  } catch (e) {
    showError(e);
  }
}

export function renderTopbar(ctx) {
  const s = ctx.session;
  const bar = document.getElementById('topbar');
  const brand = h('a', { href: s.signedIn ? '/' : '/signin', class: 'brand' }, 'gatehouse');
  if (!s.signedIn) {
    fill(bar, h('div', { class: 'topbar-inner' }, brand));
    return;
  }
  const menuId = 'account-menu';
  const toggle = h('button', {
    type: 'button', id: 'account-menu-button', class: `account-button ${s.role ? colorClass(s.role.color) : ''}`.trim(),
    'aria-expanded': 'false', 'aria-controls': menuId, 'data-role-color': s.role && s.role.color ? s.role.color : null,
  }, identityLabel(s));
  const recent = (s.recentRoles || []).slice(0, 5).filter((r) =>
    !(s.role && r.accountId === s.role.accountId && r.roleName === s.role.roleName));
  const menu = h('div', { id: menuId, class: 'account-menu', hidden: true },
    // While a role is active, the account is the role's (as AWS shows it); the signed-in
    // user's own account follows.
    h('dl', { class: 'menu-facts' },
      h('dt', {}, 'Account ID'),
      h('dd', { class: 'menu-account-id' }, formatAccountId(s.role ? s.role.accountId : s.accountId)),
      (s.role ? s.role.accountAlias : s.accountAlias)
        ? [h('dt', {}, 'Account alias'),
           h('dd', { class: 'menu-account-alias' }, s.role ? s.role.accountAlias : s.accountAlias)]
        : null,
      s.role ? [h('dt', {}, 'Currently active as'),
                h('dd', { class: 'menu-role' }, s.role.displayName || s.role.roleName),
                h('dt', {}, 'Role'), h('dd', { class: 'menu-role-name' }, s.role.roleName)]
        : null,
      h('dt', {}, 'Signed in as'),
      h('dd', { class: 'menu-user' }, s.root ? 'Root user' : s.userName),
      s.role ? [h('dt', {}, 'Signed-in account'),
                h('dd', { class: 'menu-signed-in-account' },
                  s.accountAlias ? `${formatAccountId(s.accountId)} (${s.accountAlias})`
                    : formatAccountId(s.accountId))]
        : null),
    s.role ? h('button', {
      type: 'button', class: 'menu-item',
      onclick: async () => {
        try {
          await post('/console/switch-back');
          await ctx.navigate('/');
        } catch (e) {
          showError(e);
        }
      },
    }, `Back to ${s.userName}`) : null,
    recent.length ? h('div', { class: 'role-history' },
      h('p', { class: 'menu-heading', id: 'role-history-heading' }, 'Role history'),
      h('ul', { 'aria-labelledby': 'role-history-heading' }, recent.map((r) => h('li', {},
        h('button', {
          type: 'button', class: `menu-item role-entry ${colorClass(r.color)}`,
          onclick: () => switchTo(ctx, r),
        }, roleLabel(r)))))) : null,
    h('a', { href: '/switchrole', class: 'menu-item' }, 'Switch role'),
    h('a', { href: '/iam/security-credentials', class: 'menu-item' }, 'Security credentials'),
    h('button', {
      type: 'button', class: 'menu-item',
      onclick: async () => {
        try {
          await post('/console/signout');
        } catch (e) {
          // signed out already
        }
        await ctx.navigate('/signin');
      },
    }, 'Sign out'));
  const setOpen = (open) => {
    menu.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setOpen(menu.hidden));
  menu.addEventListener('click', (e) => {
    if (e.target.closest('a,button')) setOpen(false);
  });
  const wrapper = h('div', { class: 'account' }, toggle, menu);
  wrapper.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !menu.hidden) {
      setOpen(false);
      toggle.focus();
    }
  });
  closeOpenMenu = (e) => {
    if (!wrapper.contains(e.target)) setOpen(false);
  };
  fill(bar, h('div', { class: 'topbar-inner' },
    brand,
    h('nav', { class: 'services', 'aria-label': 'Consoles' },
      h('a', { href: '/iam/users' }, 'IAM'),
      h('a', { href: '/organizations' }, 'Organizations'),
      h('a', { href: '/cloudtrail/events' }, 'CloudTrail')),
    wrapper));
}

const SIDENAV = [
  ['Console', [['/', 'Home']]],
  ['Identity and Access Management (IAM)', [
    ['/iam/users', 'Users'], ['/iam/groups', 'User groups'], ['/iam/roles', 'Roles'],
    ['/iam/policies', 'Policies'], ['/iam/account-settings', 'Account settings'],
    ['/iam/security-credentials', 'Security credentials']]],
  ['AWS Organizations', [
    ['/organizations', 'AWS accounts'], ['/organizations/add-account', 'Add an AWS account'],
    ['/organizations/invitations', 'Invitations'], ['/organizations/policies', 'Policies'],
    ['/organizations/root-access', 'Root access management']]],
  ['CloudTrail', [['/cloudtrail/events', 'Event history']]],
];

export function renderSidenav(ctx, visible) {
  const nav = document.getElementById('sidenav');
  nav.hidden = !visible;
  if (!visible) {
    nav.replaceChildren();
    return;
  }
  const current = ctx.path;
  const isCurrent = (href) => href === current ||
    (href !== '/' && href !== '/organizations' && current.startsWith(href + '/')) ||
    (href === '/organizations' && current === '/organizations/');
  const listId = 'sidenav-list';
  const toggle = h('button', { type: 'button', class: 'sidenav-toggle', 'aria-expanded': 'false',
                               'aria-controls': listId }, 'Menu');
  const lists = h('div', { id: listId, class: 'sidenav-lists' },
    SIDENAV.map(([title, items]) => h('div', { class: 'sidenav-group' },
      h('h2', {}, title),
      h('ul', {}, items.map(([href, text]) => h('li', {},
        h('a', { href, 'aria-current': isCurrent(href) ? 'page' : null }, text)))))));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    lists.classList.toggle('open', open);
  });
  fill(nav, toggle, lists);
}
