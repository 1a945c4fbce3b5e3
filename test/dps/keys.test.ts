/** Device keys derived from the group key, checked against OpenSSL's HMAC as an independent computation. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { deriveDeviceKey, registrationIdProblem } from "../../lib/dps/keys";
import { hasCommand, requireValidator } from "../helpers/validators";

const GROUP_KEY = Buffer.from("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").toString("base64");

function opensslHmac(keyBase64: string, message: string): string {
  const hex = Buffer.from(keyBase64, "base64").toString("hex");
  const r = spawnSync("openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", `hexkey:${hex}`, "-binary"], { input: message });
  assert.equal(r.status, 0, r.stderr?.toString());
  return Buffer.from(r.stdout).toString("base64");
}

test("the derived key equals base64(HMAC-SHA256(decoded group key, registration id)) as openssl computes it", (t) => {
  if (!requireValidator(t, hasCommand("openssl"), "openssl")) return;
  for (const id of ["edge-001", "edge-10000", "a"]) assert.equal(deriveDeviceKey(GROUP_KEY, id), opensslHmac(GROUP_KEY, id));
});

test("a fixed vector pins the derivation (HMAC over the id's UTF-8, key base64-decoded, result base64)", () => {
  // Computed once with: printf %s edge-001 | openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of the ASCII above> -binary | base64
  assert.equal(deriveDeviceKey(GROUP_KEY, "edge-001"), "tKnzOpSETufZoFE0dEbtgPA3vnb6EY/V7LPi97ZTRSA=");
});

test("different devices get different keys, and the key depends on the group key", () => {
  assert.notEqual(deriveDeviceKey(GROUP_KEY, "edge-001"), deriveDeviceKey(GROUP_KEY, "edge-002"));
  const other = Buffer.alloc(64, 7).toString("base64");
  assert.notEqual(deriveDeviceKey(other, "edge-001"), deriveDeviceKey(GROUP_KEY, "edge-001"));
});

test("registration ids: 128 characters pass, 129 fail; upper case and a trailing dot fail", () => {
  assert.equal(registrationIdProblem("a".repeat(128)), undefined);
  assert.match(registrationIdProblem("a".repeat(129)) ?? "", /1-128/);
  assert.notEqual(registrationIdProblem("Edge-001"), undefined);
  assert.notEqual(registrationIdProblem("edge."), undefined);
  assert.equal(registrationIdProblem("edge-"), undefined);
  assert.throws(() => deriveDeviceKey(GROUP_KEY, "Edge"), /registration id "Edge"/);
});

test("a group key that is not base64 is refused without echoing it", () => {
  assert.throws(() => deriveDeviceKey("not base64!!", "edge-001"), (e: Error) => /not base64/.test(e.message) && !e.message.includes("not base64!!"));
  assert.throws(() => deriveDeviceKey("", "edge-001"), /empty or not base64/);
});
