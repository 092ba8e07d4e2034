// Sign-in (IAM user or root user, then MFA or a new password), the root user's forgotten
// password, the reset-password page of the mail link, and sign-up.
import { post } from './api.js';
import { fill, busy, field, h, link, normalizeAccountId } from './ui.js';

function card(title, ...children) {
  return h('div', { class: 'signin-card' }, h('h1', {}, title), children);
}

function form(onsubmit, ...children) {
  const f = h('form', { class: 'signin-form', novalidate: true }, children);
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const submit = f.querySelector('button[type="submit"]');
    busy(submit, () => onsubmit(f));
  });
  return f;
}

function submitButton(label) {
  return h('button', { type: 'submit', class: 'primary wide' }, label);
}

function afterSignIn(ctx) {
  const target = ctx.query.get('redirect');
  const safe = target && target.startsWith('/') && !target.startsWith('//') ? target : '/';
  return ctx.navigate(safe, { replace: true });
}

function requireValue(input, message) {
  if (!input.value.trim()) {
    input.focus();
    throw Object.assign(new Error(message), { code: 'MissingValue' });
  }
}

// Posts a sign-in; a refused one empties the password field (as AWS's does) for the next try.
async function postClearing(passwordInput, path, body) {
  try {
    return await post(path, body);
  } catch (e) {
    passwordInput.value = '';
    passwordInput.focus();
    throw e;
  }
}

export function signinPage(ctx) {
  if (ctx.session.signedIn && !ctx.query.get('force')) return afterSignIn(ctx);
  const wrap = h('div', { class: 'signin' });
  ctx.root.append(wrap);
  // This page's address with some query parameters changed (null removes one).
  const withQuery = (changes) => {
    const q = new URLSearchParams(ctx.query);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) q.delete(k);
      else q.set(k, v);
    }
    const text = q.toString();
    return `/signin${text ? `?${text}` : ''}`;
  };
  const show = (node) => {
    fill(wrap, node);
    const inputs = [...node.querySelectorAll('input')];
    const first = inputs.find((i) => !i.value) || inputs[0];
    if (first) first.focus();
  };

  // Continues after a first step's answer: signed in, MFA or a new password.
  const next = (answer, restart) => {
    if (answer.signedIn) return afterSignIn(ctx);
    if (answer.next === 'mfa') return show(mfaStep(answer.challenge, restart));
    if (answer.next === 'new-password') return show(newPasswordStep(answer.challenge, restart));
    throw Object.assign(new Error('Unexpected answer from the server.'), { code: 'SignInError' });
  };

  const iamStep = (prefill = {}) => {
    const account = field('Account ID (12 digits) or account alias', {
      id: 'signin-account', autocomplete: 'username',
      value: prefill.account ?? ctx.query.get('account') ?? '', spellcheck: 'false' });
    const user = field('IAM user name', { id: 'signin-user', autocomplete: 'username',
                                          value: prefill.userName ?? '', spellcheck: 'false' });
    const password = field('Password', { id: 'signin-password', type: 'password',
                                         autocomplete: 'current-password' });
    return card('Sign in as IAM user',
      form(async () => {
        requireValue(account.input, 'Enter your account ID or alias.');
        requireValue(user.input, 'Enter your IAM user name.');
        requireValue(password.input, 'Enter your password.');
        const typed = { account: normalizeAccountId(account.input.value),
                        userName: user.input.value.trim() };
        next(await postClearing(password.input, '/console/signin',
                                { ...typed, password: password.input.value }),
             () => iamStep(typed));
      }, account.row, user.row, password.row, submitButton('Sign in')),
      h('p', { class: 'alt' }, link(withQuery({ root: '1' }), 'Sign in using root user email')),
      ctx.session.signupEnabled
        ? h('p', { class: 'alt' }, link('/signup', 'Create a new AWS account')) : null);
  };

  const rootEmailStep = (email = '') => {
    const e = field('Root user email address', { id: 'signin-email', type: 'email',
                                                 autocomplete: 'email', value: email });
    return card('Sign in as root user',
      form(async () => {
        requireValue(e.input, 'Enter the email address of your account.');
        show(rootPasswordStep(e.input.value.trim()));
      }, e.row, submitButton('Next')),
      h('p', { class: 'alt' }, link(withQuery({ root: null, email: null }),
        'Sign in to a different account as an IAM user')));
  };

  const rootPasswordStep = (email) => {
    const password = field('Password', { id: 'signin-root-password', type: 'password',
                                         autocomplete: 'current-password' });
    return card('Root user sign in',
      h('p', { class: 'muted' }, 'Email: ', h('strong', {}, email)),
      form(async () => {
        requireValue(password.input, 'Enter your password.');
        next(await postClearing(password.input, '/console/signin',
                                { email, password: password.input.value }),
             () => rootPasswordStep(email));
      }, password.row, submitButton('Sign in')),
      h('p', { class: 'alt' },
        link(`/forgot-password?email=${encodeURIComponent(email)}`, 'Forgot password?')),
      h('p', { class: 'alt' }, h('button', { type: 'button', class: 'linklike',
        onclick: () => show(rootEmailStep(email)) }, 'Use a different email')));
  };

  // A challenge is spent by a wrong answer unless the server hands out a new one; then the
  // sign-in starts over at `restart`, with the error still shown.
  const retryOrRestart = (e, setChallenge, restart) => {
    if (e.body && typeof e.body.challenge === 'string') {
      setChallenge(e.body.challenge);
    } else {
      show(restart());
    }
    throw e;
  };

  const mfaStep = (challenge, restart) => {
    const code = field('MFA code', { id: 'signin-mfa', inputmode: 'numeric',
                                     autocomplete: 'one-time-code', maxlength: '6',
                                     hint: 'Enter the code from your authenticator app.' });
    return card('Multi-factor authentication',
      form(async () => {
        requireValue(code.input, 'Enter the MFA code.');
        let answer;
        try {
          answer = await post('/console/signin/mfa', { challenge, code: code.input.value.trim() });
        } catch (e) {
          retryOrRestart(e, (c) => { challenge = c; code.input.value = ''; }, restart);
        }
        next(answer, restart);
      }, code.row, submitButton('Submit')),
      h('p', { class: 'alt' }, link(withQuery({}), 'Cancel')));
  };

  const newPasswordStep = (challenge, restart) => {
    const p1 = field('New password', { id: 'signin-new-password', type: 'password',
                                       autocomplete: 'new-password' });
    const p2 = field('Retype new password', { id: 'signin-new-password2', type: 'password',
                                              autocomplete: 'new-password' });
    return card('Change your password',
      h('p', {}, 'You must change your password to continue.'),
      form(async () => {
        requireValue(p1.input, 'Enter a new password.');
        if (p1.input.value !== p2.input.value) {
          throw Object.assign(new Error('The passwords do not match.'), { code: 'PasswordMismatch' });
        }
        let answer;
        try {
          answer = await post('/console/signin/new-password', { challenge, newPassword: p1.input.value });
        } catch (e) {
          retryOrRestart(e, (c) => { challenge = c; }, restart);
        }
        next(answer, restart);
      }, p1.row, p2.row, submitButton('Confirm password change')));
  };

  show(ctx.query.get('root') ? rootEmailStep(ctx.query.get('email') || '') : iamStep());
}

export function forgotPasswordPage(ctx) {
  const email = field('Email address', { id: 'forgot-email', type: 'email', autocomplete: 'email',
                                         value: ctx.query.get('email') || '' });
  const wrap = h('div', { class: 'signin' });
  ctx.root.append(wrap);
  wrap.append(card('Password recovery',
    h('p', {}, 'Enter the email address of your account\'s root user. We will send a link to ' +
      'reset the password to that address.'),
    form(async () => {
      requireValue(email.input, 'Enter the email address of your account.');
      await post('/console/forgot-password', { email: email.input.value.trim() });
      fill(wrap, card('Check your email',
        h('p', { class: 'sent' }, 'If an account uses this email address, a message with a link to ' +
          'reset its root user password is on its way. The link works once, within an hour.'),
        ctx.session.mailKeptInOutbox ? h('p', { class: 'notice outbox-notice' },
          'This server has no SMTP server configured: it sends no mail. The message waits in ' +
          'the outbox/ folder of the server\'s data directory (DATA/outbox/), where its ' +
          'operator can open it.') : null,
        h('p', {}, link('/signin?root=1', 'Back to sign in'))));
    }, email.row, submitButton('Send reset link')),
    h('p', { class: 'alt' }, link('/signin', 'Back to sign in'))));
  email.input.focus();
}

export function resetPasswordPage(ctx) {
  const token = ctx.query.get('token') || '';
  const wrap = h('div', { class: 'signin' });
  ctx.root.append(wrap);
  if (!token) {
    wrap.append(card('Reset password', h('p', {}, 'This page needs the link from the ' +
      'password-reset mail. '), link('/forgot-password', 'Request a new link')));
    return;
  }
  const p1 = field('New password', { id: 'reset-password', type: 'password',
                                     autocomplete: 'new-password' });
  const p2 = field('Confirm new password', { id: 'reset-password2', type: 'password',
                                             autocomplete: 'new-password' });
  const submit = submitButton('Reset password');
  // A spent or expired link: the form stays visible but off, with the way to a new link.
  const linkSpent = (f) => {
    f.dataset.off = 'true';
    for (const el of f.querySelectorAll('input, button')) el.disabled = true;
    f.after(h('p', { class: 'alt' }, link('/forgot-password', 'Request a new password reset link')));
    history.replaceState(null, '', '/reset-password');
    throw Object.assign(new Error('This password reset link has expired or was already used. ' +
      'Request a new link to reset your password.'), { code: 'ExpiredResetLink' });
  };
  wrap.append(card('Reset password',
    h('p', {}, 'Choose a new password for the root user.'),
    form(async (f) => {
      requireValue(p1.input, 'Enter a new password.');
      if (p1.input.value !== p2.input.value) {
        throw Object.assign(new Error('The passwords do not match.'), { code: 'PasswordMismatch' });
      }
      let out;
      try {
        out = await post('/console/reset-password', { token, password: p1.input.value });
      } catch (e) {
        if (e.code === 'InvalidInput') linkSpent(f);
        throw e;
      }
      history.replaceState(null, '', '/reset-password');
      fill(wrap, card('Password reset',
        h('p', { class: 'sent' }, 'The root user password of account ', h('strong', {}, out.accountId),
          ' is set. Sign in with the account\'s email address and the new password.'),
        h('p', {}, link('/signin?root=1', 'Sign in'))));
    }, p1.row, p2.row, submit)));
  p1.input.focus();
}

export function signupPage(ctx) {
  const wrap = h('div', { class: 'signin' });
  ctx.root.append(wrap);
  if (!ctx.session.signupEnabled) {
    wrap.append(card('Sign up', h('p', {}, 'Sign-up is disabled on this server.'),
      link('/signin', 'Sign in')));
    return;
  }
  const email = field('Root user email address', { id: 'signup-email', type: 'email',
                                                   autocomplete: 'email' });
  const name = field('AWS account name', { id: 'signup-name', autocomplete: 'organization' });
  const p1 = field('Root user password', { id: 'signup-password', type: 'password',
                                           autocomplete: 'new-password' });
  const p2 = field('Confirm root user password', { id: 'signup-password2', type: 'password',
                                                   autocomplete: 'new-password' });
  wrap.append(card('Sign up for an account',
    form(async () => {
      requireValue(email.input, 'Enter an email address.');
      requireValue(name.input, 'Enter an account name.');
      if (p1.input.value !== p2.input.value) {
        throw Object.assign(new Error('The passwords do not match.'), { code: 'PasswordMismatch' });
      }
      const out = await post('/console/signup', { email: email.input.value.trim(),
        accountName: name.input.value.trim(), password: p1.input.value });
      fill(wrap, card('Account created',
        h('p', { class: 'sent' }, 'Your account ', h('strong', {}, out.accountId), ' is ready.'),
        h('p', {}, link(`/signin?root=1&email=${encodeURIComponent(email.input.value.trim())}`,
          'Sign in as the root user'))));
    }, email.row, name.row, p1.row, p2.row, submitButton('Create account')),
    h('p', { class: 'alt' }, link('/signin', 'Sign in to an existing account'))));
  email.input.focus();
}
