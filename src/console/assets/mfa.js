// Virtual MFA devices: the assign dialog (CreateVirtualMFADevice → QR code and, on demand, the
// secret → two consecutive codes → EnableMFADevice) and the device list with Remove.
import { call, post } from './api.js';
import {
  fill,
  busy, button, confirmDialog, field, flash, formatDate, h, openDialog, showError, table,
} from './ui.js';

// Base32StringSeed is a blob in the API, so it arrives base64-encoded like QRCodePNG: the
// authenticator wants the base32 text inside.
function base32Seed(value) {
  if (!value) return '';
  try {
    const text = atob(value);
    if (/^[A-Z2-7]+=*$/.test(text)) return text;
  } catch {
    // not base64: the base32 text itself
  }
  return value;
}

// owner: {userName} for an IAM user, {root: true} for the signed-in root user.
export function assignMfaDialog(owner, onDone) {
  let device = null;
  const name = field('Device name', {
    id: 'mfa-device-name', value: owner.root ? 'root-account-mfa-device' : owner.userName,
    hint: 'Letters, digits and +=,.@-_ only.' });
  let stage = 'name';
  const codes = { c1: null, c2: null };
  const dlg = openDialog('Assign MFA device', (body) => {
    body.append(h('p', {}, 'Use an authenticator app on your phone or computer. Name the device, ' +
      'then scan the QR code and type two consecutive codes.'), name.row);
  }, [
    { label: 'Cancel', onclick: async () => {
      if (device && stage !== 'enabled') {
        await call('iam', 'DeleteVirtualMFADevice', { SerialNumber: device.SerialNumber })
          .catch(() => {});
      }
      return true;
    } },
    { label: 'Next', primary: true, onclick: async () => {
      if (stage === 'name') {
        const out = await call('iam', 'CreateVirtualMFADevice', {
          VirtualMFADeviceName: name.input.value.trim() });
        device = out.VirtualMFADevice;
        stage = 'codes';
        showCodes();
        return false;
      }
      if (owner.root) {
        // The API's EnableMFADevice needs a user name; the root user's goes by the console.
        await post('/console/root-mfa/enable', {
          serialNumber: device.SerialNumber, authenticationCode1: codes.c1.value.trim(),
          authenticationCode2: codes.c2.value.trim() });
      } else {
        await call('iam', 'EnableMFADevice', {
          UserName: owner.userName, SerialNumber: device.SerialNumber,
          AuthenticationCode1: codes.c1.value.trim(), AuthenticationCode2: codes.c2.value.trim() });
      }
      stage = 'enabled';
      flash(`MFA device ${device.SerialNumber} assigned.`);
      onDone?.();
      return true;
    } },
  ]);
  const showCodes = () => {
    const secret = h('p', { class: 'secret', id: 'mfa-secret', hidden: true },
      base32Seed(device.Base32StringSeed));
    const reveal = button('Show secret key', () => {
      secret.hidden = !secret.hidden;
      reveal.textContent = secret.hidden ? 'Show secret key' : 'Hide secret key';
    }, 'small');
    reveal.setAttribute('aria-controls', 'mfa-secret');
    const c1 = field('MFA code 1', { id: 'mfa-code-1', inputmode: 'numeric', maxlength: '6',
                                     autocomplete: 'one-time-code' });
    const c2 = field('MFA code 2', { id: 'mfa-code-2', inputmode: 'numeric', maxlength: '6',
                                     autocomplete: 'one-time-code',
                                     hint: 'Wait for the next code (30 seconds) and type it.' });
    codes.c1 = c1.input;
    codes.c2 = c2.input;
    fill(dlg.body,
      h('p', {}, 'Serial number: ', h('code', { class: 'mfa-serial' }, device.SerialNumber)),
      h('h3', {}, 'Scan the QR code'),
      device.QRCodePNG ? h('img', { class: 'qr', alt: 'QR code of the MFA device',
                                    src: `data:image/png;base64,${device.QRCodePNG}` }) : null,
      h('p', {}, 'Or type the secret key into your app: ', reveal), secret,
      c1.row, c2.row);
    const next = [...dlg.dialog.querySelectorAll('.dialog-actions button')].pop();
    next.textContent = 'Add MFA';
    c1.input.focus();
  };
  // Escape closes the dialog: a device created but not enabled is deleted.
  dlg.dialog.addEventListener('cancel', () => {
    if (device && stage !== 'enabled') {
      call('iam', 'DeleteVirtualMFADevice', { SerialNumber: device.SerialNumber }).catch(() => {});
    }
  });
  name.input.focus();
  return dlg;
}

// The MFA devices table of a user (or of the root user) with Assign and Remove.
export async function mfaSection(owner, container) {
  const input = owner.root ? {} : { UserName: owner.userName };
  const out = await call('iam', 'ListMFADevices', input);
  const devices = out.MFADevices || [];
  const refresh = () => mfaSection(owner, container).catch(showError);
  fill(container,
    h('div', { class: 'panel-head' }, h('h2', {}, 'Multi-factor authentication (MFA)'),
      h('div', { class: 'actions' }, button('Assign MFA device', () => assignMfaDialog(owner, refresh),
                                             'primary'))),
    table('MFA devices', [
      { title: 'Identifier', cell: (d) => h('code', {}, d.SerialNumber) },
      { title: 'Type', cell: () => 'Virtual' },
      { title: 'Enabled', cell: (d) => formatDate(d.EnableDate) },
      { title: 'Actions', cell: (d) => button('Remove', async () => {
        if (!await confirmDialog('Remove MFA device', `Remove the MFA device ${d.SerialNumber}?`,
                                 'Remove')) return;
        await busy(null, async () => {
          if (owner.root) {
            await post('/console/root-mfa/deactivate', { serialNumber: d.SerialNumber });
          } else {
            await call('iam', 'DeactivateMFADevice', { UserName: owner.userName,
                                                       SerialNumber: d.SerialNumber });
          }
          await call('iam', 'DeleteVirtualMFADevice', { SerialNumber: d.SerialNumber });
          await refresh();
          flash(`MFA device ${d.SerialNumber} removed.`);
        });
      }, 'small danger') },
    ], devices, 'No MFA devices assigned'));
}
