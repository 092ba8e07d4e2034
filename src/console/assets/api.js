// The console's client of the server: the session, the console endpoints and the AWS operations
// behind /console/api. Every failure becomes an ApiError carrying the server's code and message.

let csrfToken = null;

export class ApiError extends Error {
  constructor(code, message, status, body = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.body = body;  // the whole error document, for fields beside "error"
  }
}

async function request(method, path, body, withCsrf) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (withCsrf && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NetworkError', 'The server could not be reached. ' + e.message, 0);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const err = data && data.error ? data.error : {};
    throw new ApiError(err.code || err.Code || `HTTP${response.status}`,
                       err.message || err.Message || response.statusText || 'Request failed.',
                       response.status, data);
  }
  return data ?? {};
}

// GET /console/session; remembers the CSRF token for later POSTs.
export async function getSession() {
  const session = await request('GET', '/console/session');
  csrfToken = session.signedIn ? session.csrfToken : null;
  return session;
}

// POST to a console endpoint (sign-in steps, switch role …) with the CSRF token when known.
export async function post(path, body = {}) {
  return request('POST', path, body, true);
}

// One AWS operation through the console's session: call('iam', 'ListUsers', {}).
export async function call(service, operation, input = {}) {
  if (!csrfToken) await getSession();
  try {
    return await request('POST', `/console/api/${service}/${operation}`, input, true);
  } catch (e) {
    if (e.status === 401) window.dispatchEvent(new CustomEvent('console:signed-out'));
    throw e;
  }
}

// Every page of a list operation, concatenated: IAM's Marker/IsTruncated and Organizations'
// NextToken both.
export async function callAll(service, operation, input, listKey) {
  const items = [];
  let next = {};
  for (let pages = 0; pages < 100; pages++) {
    const out = await call(service, operation, { ...input, ...next });
    items.push(...(out[listKey] || []));
    if (out.IsTruncated && out.Marker) next = { Marker: out.Marker };
    else if (out.NextToken) next = { NextToken: out.NextToken };
    else break;
  }
  return items;
}

// IAM answers policy documents URL-encoded; this gives the JSON text, pretty-printed.
export function decodePolicyDocument(document) {
  if (document == null) return '';
  let text = typeof document === 'string' ? document : JSON.stringify(document);
  if (/^%7B/i.test(text.trim()) || /%22/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // not URL-encoded after all
    }
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
