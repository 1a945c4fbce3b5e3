import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_EARLY_RENEWAL_HOURS, expiryWarning, rolloverThumbprints } from "../../lib/edge/certRollover";

const OLD = "A".repeat(64);
const NEW = "b".repeat(64);

describe("rolloverThumbprints", () => {
  test("a first up (nothing recorded) trusts the current certificate only", () => {
    assert.deepEqual(rolloverThumbprints({ current: NEW }), { type: "selfSigned", primaryThumbprint: NEW.toUpperCase() });
    assert.deepEqual(rolloverThumbprints({ current: NEW, hostRuns: "" }), { type: "selfSigned", primaryThumbprint: NEW.toUpperCase() });
  });

  test("while the host runs another certificate, that one stays trusted as secondary", () => {
    assert.deepEqual(rolloverThumbprints({ current: NEW, hostRuns: OLD }), { type: "selfSigned", primaryThumbprint: NEW.toUpperCase(), secondaryThumbprint: OLD });
  });

  test("once the host runs the current certificate, the old one is dropped (case does not matter)", () => {
    assert.deepEqual(rolloverThumbprints({ current: NEW, hostRuns: NEW.toUpperCase() }), { type: "selfSigned", primaryThumbprint: NEW.toUpperCase() });
  });
});

describe("expiryWarning", () => {
  const now = new Date("2027-01-01T00:00:00Z");
  const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();

  test("defaults to 30 days", () => assert.equal(DEFAULT_EARLY_RENEWAL_HOURS, 720));

  test("warns at the window's edge (720 h left) and not an hour before it (721 h left)", () => {
    assert.match(String(expiryWarning("edge-001", at(720), 720, now)), /^device edge-001: its certificate expires at .* \(within earlyRenewalHours = 720\)/);
    assert.equal(expiryWarning("edge-001", at(721), 720, now), undefined);
  });

  test("an expired certificate says it expired and that the next up renews it", () => {
    assert.match(String(expiryWarning("edge-001", at(-1), 720, now)), /^device edge-001: its certificate expired at .*the next `pulumi up` renews it/);
  });

  test("an unreadable expiry is reported, not ignored", () => {
    assert.match(String(expiryWarning("edge-001", "soon", 720, now)), /certificate expiry "soon" cannot be read/);
  });
});
