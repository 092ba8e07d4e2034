// Drives `gatehouse serve` with the AWS SDK for JavaScript v3, a second real client beside
// boto3 and the AWS CLI: the seed's IAM procedure (a group of users allowed to assume a role
// in another account's trust), errors as the SDK's typed exceptions, paginators, MFA with a
// code computed here, passwords and simulation.
// Run: GATEHOUSE_BIN=build/gatehouse node --test tests/js/
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import * as iamSdk from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

const {
  IAMClient, paginateListRoles, paginateListPolicies,
} = iamSdk;
const BIN = process.env.GATEHOUSE_BIN ?? "build/gatehouse";

let server;
let dataDir;
let endpoint;
let iam;
let account;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(deadlineMs) {
  while (Date.now() < deadlineMs) {
    try {
      const r = await fetch(`${endpoint}/healthz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("gatehouse did not start");
}

function adminCredentials() {
  const text = readFileSync(join(dataDir, "aws", "credentials"), "utf8");
  const fields = Object.fromEntries(
    text.split("\n").filter((l) => l.includes(" = ")).map((l) => l.split(" = ")));
  return {
    accessKeyId: fields.aws_access_key_id,
    secretAccessKey: fields.aws_secret_access_key,
  };
}

// Sends `Command` of @aws-sdk/client-iam with `input` through `client` (default: admin).
function call(name, input = {}, client = iam) {
  return client.send(new iamSdk[`${name}Command`](input));
}

function iamClient(credentials) {
  return new IAMClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 seed.
function totp(base32Seed, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Seed.replace(/=+$/, "")) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, "0");
}

async function rejects(promise, name, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-js-"));
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ["serve", "--listen", `127.0.0.1:${port}`, "--data", dataDir],
                 { stdio: "ignore" });
  await waitHealthy(Date.now() + 10000);
  iam = iamClient(adminCredentials());
  const sts = new STSClient({ endpoint, region: "us-east-1", credentials: adminCredentials() });
  account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
});

after(() => {
  server?.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
});

test("the seed's procedure: role trusting another account, a group allowed to assume it", async () => {
  const trust = {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111122223333:root" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": "ext-42" },
                   Bool: { "aws:MultiFactorAuthPresent": "true" } },
    }],
  };
  const role = (await call("CreateRole", {
    RoleName: "UpdateApp", AssumeRolePolicyDocument: JSON.stringify(trust),
    Description: "cross-account admin", MaxSessionDuration: 7200,
  })).Role;
  assert.equal(role.Arn, `arn:aws:iam::${account}:role/UpdateApp`);
  assert.match(role.RoleId, /^AROA[A-Z0-9]{17}$/);
  await call("AttachRolePolicy", {
    RoleName: "UpdateApp", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });

  const got = (await call("GetRole", { RoleName: "updateapp" })).Role;
  assert.equal(got.RoleName, "UpdateApp");
  assert.equal(got.MaxSessionDuration, 7200);
  // IAM returns policy documents URL-encoded; the JavaScript SDK leaves them so.
  assert.deepEqual(JSON.parse(decodeURIComponent(got.AssumeRolePolicyDocument)), trust);
  const attached = (await call("ListAttachedRolePolicies", { RoleName: "UpdateApp" }))
    .AttachedPolicies;
  assert.deepEqual(attached, [{ PolicyName: "AdministratorAccess",
                                PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }]);

  const assume = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: role.Arn }],
  };
  const policy = (await call("CreatePolicy", {
    PolicyName: "AssumeUpdateApp", PolicyDocument: JSON.stringify(assume) })).Policy;
  assert.equal(policy.Arn, `arn:aws:iam::${account}:policy/AssumeUpdateApp`);
  assert.equal(policy.DefaultVersionId, "v1");
  await call("CreateGroup", { GroupName: "Developers" });
  await call("AttachGroupPolicy", { GroupName: "Developers", PolicyArn: policy.Arn });
  await call("CreateUser", { UserName: "dana" });
  await call("AddUserToGroup", { GroupName: "Developers", UserName: "dana" });
  const group = await call("GetGroup", { GroupName: "Developers" });
  assert.deepEqual(group.Users.map((u) => u.UserName), ["dana"]);
  assert.equal((await call("GetPolicy", { PolicyArn: policy.Arn })).Policy.AttachmentCount, 1);

  // Simulation answers from the same evaluation as enforcement.
  const sim = await call("SimulatePrincipalPolicy", {
    PolicySourceArn: `arn:aws:iam::${account}:user/dana`,
    ActionNames: ["sts:AssumeRole", "iam:CreateUser"], ResourceArns: [role.Arn] });
  const decisions = Object.fromEntries(
    sim.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision]));
  assert.deepEqual(decisions, { "sts:AssumeRole": "allowed", "iam:CreateUser": "implicitDeny" });
});

test("errors arrive as the SDK's typed exceptions with AWS's messages", async () => {
  await rejects(call("GetRole", { RoleName: "Nobody" }), "NoSuchEntityException",
                "The role with name Nobody cannot be found.");
  await call("CreateGroup", { GroupName: "Ops" });
  await rejects(call("CreateGroup", { GroupName: "OPS" }), "EntityAlreadyExistsException");
  await rejects(call("CreatePolicy", { PolicyName: "bad", PolicyDocument: "{}" }),
                "MalformedPolicyDocumentException");
  const err = await call("GetUser", { UserName: "ghost" }).catch((e) => e);
  assert.equal(err.$metadata.httpStatusCode, 404);
});

test("paginators walk every page", async () => {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" },
                  Action: "sts:AssumeRole" }],
  });
  for (let i = 0; i < 5; i++) {
    await call("CreateRole", { RoleName: `paged-${i}`, Path: "/paged/",
                               AssumeRolePolicyDocument: trust });
  }
  const names = [];
  let pages = 0;
  for await (const page of paginateListRoles({ client: iam, pageSize: 2 },
                                             { PathPrefix: "/paged/" })) {
    pages += 1;
    names.push(...page.Roles.map((r) => r.RoleName));
  }
  assert.equal(pages, 3);
  assert.deepEqual(names, ["paged-0", "paged-1", "paged-2", "paged-3", "paged-4"]);
  let aws = 0;
  for await (const page of paginateListPolicies({ client: iam, pageSize: 3 }, { Scope: "AWS" })) {
    aws += page.Policies.length;
  }
  assert.ok(aws >= 9, `${aws} AWS-managed policies`);
});

test("virtual MFA with codes computed from the seed, and console passwords", async () => {
  await call("CreateUser", { UserName: "mfa-user" });
  const device = (await call("CreateVirtualMFADevice", { VirtualMFADeviceName: "mfa-user" }))
    .VirtualMFADevice;
  assert.equal(device.SerialNumber, `arn:aws:iam::${account}:mfa/mfa-user`);
  const seed = Buffer.from(device.Base32StringSeed).toString("ascii");
  assert.match(seed, /^[A-Z2-7]+=*$/);
  assert.deepEqual([...Buffer.from(device.QRCodePNG).subarray(0, 8)],
                   [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const step = Math.floor(Date.now() / 1000 / 30);
  await rejects(call("EnableMFADevice", {
    UserName: "mfa-user", SerialNumber: device.SerialNumber,
    AuthenticationCode1: "000000", AuthenticationCode2: "000001" }),
  "InvalidAuthenticationCodeException");
  await call("EnableMFADevice", {
    UserName: "mfa-user", SerialNumber: device.SerialNumber,
    AuthenticationCode1: totp(seed, step - 1), AuthenticationCode2: totp(seed, step) });
  const listed = (await call("ListMFADevices", { UserName: "mfa-user" })).MFADevices;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].SerialNumber, device.SerialNumber);
  const got = await call("GetMFADevice", { UserName: "mfa-user",
                                           SerialNumber: device.SerialNumber });
  assert.equal(got.UserName, "mfa-user");
  assert.ok(got.EnableDate instanceof Date);
  await rejects(call("GetMFADevice", { UserName: "admin", SerialNumber: device.SerialNumber }),
                "NoSuchEntityException");

  await call("UpdateAccountPasswordPolicy", { MinimumPasswordLength: 12, RequireNumbers: true });
  await rejects(call("CreateLoginProfile", { UserName: "mfa-user", Password: "short1" }),
                "PasswordPolicyViolationException");
  const profile = (await call("CreateLoginProfile", {
    UserName: "mfa-user", Password: "correct horse 42", PasswordResetRequired: true }))
    .LoginProfile;
  assert.equal(profile.PasswordResetRequired, true);
  await call("DeleteAccountPasswordPolicy");
});

test("a user acts only with what its groups and policies allow", async () => {
  await call("CreateUser", { UserName: "limited" });
  const key = (await call("CreateAccessKey", { UserName: "limited" })).AccessKey;
  const limited = iamClient({ accessKeyId: key.AccessKeyId,
                              secretAccessKey: key.SecretAccessKey });
  const denied = await call("ListRoles", {}, limited).catch((e) => e);
  assert.equal(denied.name, "AccessDenied");
  assert.equal(denied.$metadata.httpStatusCode, 403);
  assert.match(denied.message,
               /^User: arn:aws:iam::\d{12}:user\/limited is not authorized to perform: iam:ListRoles/);
  await call("CreateGroup", { GroupName: "Readers" });
  await call("AttachGroupPolicy", { GroupName: "Readers",
                                    PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });
  await call("AddUserToGroup", { GroupName: "Readers", UserName: "limited" });
  const roles = await call("ListRoles", {}, limited);
  assert.ok(roles.Roles.length > 0);
});
