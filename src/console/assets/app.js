// The console's entry point: a client-side router on location.pathname. Every page is a module
// exporting a render function (ctx) → filled into #page; the top bar and side navigation follow
// the session.
import { getSession } from './api.js';
import { renderTopbar, renderSidenav } from './nav.js';
import { clearAlerts, fill, h, showError } from './ui.js';

const routes = [
  // [pattern, loader, {public: true} when signing in is not needed]
  [/^\/signin\/?$/, () => import('./signin.js').then((m) => m.signinPage), { public: true }],
  [/^\/forgot-password\/?$/, () => import('./signin.js').then((m) => m.forgotPasswordPage),
   { public: true }],
  [/^\/reset-password\/?$/, () => import('./signin.js').then((m) => m.resetPasswordPage),
   { public: true }],
  [/^\/signup\/?$/, () => import('./signin.js').then((m) => m.signupPage), { public: true }],
  [/^\/$/, () => import('./home.js').then((m) => m.homePage)],
  [/^\/switchrole\/?$/, () => import('./switch_role.js').then((m) => m.switchRolePage)],
  [/^\/iam\/?$/, () => import('./home.js').then((m) => m.iamHomePage)],
  [/^\/iam\/users\/?$/, () => import('./iam_users.js').then((m) => m.usersPage)],
  [/^\/iam\/users\/create\/?$/, () => import('./iam_users.js').then((m) => m.createUserPage)],
  [/^\/iam\/(users|roles)\/([^/]+)\/inline-policies\/([^/]+)\/?$/,
   () => import('./inline_policy.js').then((m) => m.inlinePolicyPage)],
  [/^\/iam\/users\/([^/]+)\/?$/, () => import('./iam_users.js').then((m) => m.userPage)],
  [/^\/iam\/groups\/?$/, () => import('./iam_groups.js').then((m) => m.groupsPage)],
  [/^\/iam\/groups\/([^/]+)\/?$/, () => import('./iam_groups.js').then((m) => m.groupPage)],
  [/^\/iam\/roles\/?$/, () => import('./iam_roles.js').then((m) => m.rolesPage)],
  [/^\/iam\/roles\/create\/?$/, () => import('./role_wizard.js').then((m) => m.createRolePage)],
  [/^\/iam\/roles\/([^/]+)\/?$/, () => import('./iam_roles.js').then((m) => m.rolePage)],
  [/^\/iam\/policies\/?$/, () => import('./iam_policies.js').then((m) => m.policiesPage)],
  [/^\/iam\/policies\/create\/?$/,
   () => import('./policy_editor.js').then((m) => m.createPolicyPage)],
  [/^\/iam\/policies\/(.+)$/, () => import('./iam_policies.js').then((m) => m.policyPage)],
  [/^\/iam\/account-settings\/?$/,
   () => import('./account_settings.js').then((m) => m.accountSettingsPage)],
  [/^\/iam\/security-credentials\/?$/,
   () => import('./security_credentials.js').then((m) => m.securityCredentialsPage)],
  [/^\/organizations\/?$/, () => import('./organizations.js').then((m) => m.organizationPage)],
  [/^\/organizations\/add-account\/?$/,
   () => import('./org_accounts.js').then((m) => m.addAccountPage)],
  [/^\/organizations\/invitations\/?$/,
   () => import('./org_invitations.js').then((m) => m.invitationsPage)],
  [/^\/organizations\/policies\/?$/,
   () => import('./org_policies.js').then((m) => m.orgPoliciesPage)],
  [/^\/organizations\/root-access\/?$/,
   () => import('./org_root_access.js').then((m) => m.rootAccessPage)],
  [/^\/cloudtrail\/events\/?$/,
   () => import('./event_history.js').then((m) => m.eventHistoryPage)],
];

let renderSeq = 0;

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return render();
}

export async function render() {
  const seq = ++renderSeq;
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  const page = document.getElementById('page');
  clearAlerts();
  let session;
  try {
    session = await getSession();
  } catch (e) {
    fill(page, h('h1', {}, 'The console is unavailable'));
    showError(e);
    return;
  }
  if (seq !== renderSeq) return;
  const match = routes.map(([re, load, opts]) => [path.match(re), load, opts || {}])
    .find(([m]) => m);
  const ctx = {
    session, query, path, navigate, render,
    params: match ? match[0].slice(1).map((p) => decodeURIComponent(p)) : [],
    refreshSession: async () => {
      ctx.session = await getSession();
      renderTopbar(ctx);
      return ctx.session;
    },
  };
  if (match && !match[2].public && !session.signedIn) {
    navigate(`/signin?redirect=${encodeURIComponent(path + location.search)}`, { replace: true });
    return;
  }
  renderTopbar(ctx);
  renderSidenav(ctx, Boolean(session.signedIn && match && !match[2].public));
  if (!match) {
    fill(page, h('h1', {}, 'Page not found'),
      h('p', {}, 'No console page has this address. ', h('a', { href: '/' }, 'Console home')));
    return;
  }
  fill(page, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const pageFn = await match[1]();
    const content = h('div', { class: 'page' });
    // Pages append optional parts as null; the DOM's own append would print "null".
    const nativeAppend = content.append.bind(content);
    content.append = (...children) => nativeAppend(
      ...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
    ctx.root = content;
    if (seq !== renderSeq) return;
    // In the document before the page builds itself, so that it can move the focus.
    fill(page, content);
    await pageFn(ctx);
  } catch (e) {
    if (seq !== renderSeq) return;
    showError(e);
  }
  if (seq === renderSeq) {
    const title = page.querySelector('h1');
    document.title = title ? `${title.textContent} | gatehouse` : 'gatehouse console';
  }
}

// Same-origin links navigate without reloading.
document.addEventListener('click', (event) => {
  const a = event.target.closest('a');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/static/')) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
  document.getElementById('main')?.focus({ preventScroll: true });
});

window.addEventListener('popstate', () => render());
window.addEventListener('console:signed-out', () => {
  navigate(`/signin?redirect=${encodeURIComponent(location.pathname + location.search)}`,
           { replace: true });
});

render();
