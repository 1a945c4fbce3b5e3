import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { dayTwoDecision, parseDayTwoRecord } from "../../lib/config/dayTwo";

const T = "C".repeat(64);

describe("dayTwoDecision", () => {
  test("a new stack (no record) refuses nothing, replaces nothing and rolls over from nothing", () => {
    assert.deepEqual(dayTwoDecision(undefined, { hubSku: "F1", bastionSku: "Developer" }), { errors: [], replaceBastion: false, runningThumbprints: {} });
  });

  test("hub F1 <-> S1-S3 is refused both ways with the key, the value and how to rebuild; S1 -> S3 is not", () => {
    const up = dayTwoDecision({ hubSku: "F1" }, { hubSku: "S1", bastionSku: "Developer" });
    assert.equal(up.errors.length, 1);
    assert.match(up.errors[0], /^secure-iot-edge:hubSku = "S1": this stack's hub is F1.*Allowed: F1; to rebuild, create a new stack/);
    const down = dayTwoDecision({ hubSku: "S2" }, { hubSku: "F1", bastionSku: "Developer" });
    assert.match(down.errors[0], /^secure-iot-edge:hubSku = "F1": this stack's hub is S2.*Allowed: S1, S2 or S3/);
    assert.deepEqual(dayTwoDecision({ hubSku: "S1" }, { hubSku: "S3", bastionSku: "Developer" }).errors, []);
  });

  test("Bastion Developer <-> dedicated is a replacement; between dedicated SKUs it is not", () => {
    assert.equal(dayTwoDecision({ bastionSku: "Standard" }, { hubSku: "S1", bastionSku: "Developer" }).replaceBastion, true);
    assert.equal(dayTwoDecision({ bastionSku: "Developer" }, { hubSku: "S1", bastionSku: "Basic" }).replaceBastion, true);
    assert.equal(dayTwoDecision({ bastionSku: "Basic" }, { hubSku: "S1", bastionSku: "Premium" }).replaceBastion, false);
    assert.equal(dayTwoDecision({ bastionSku: "Developer" }, { hubSku: "S1", bastionSku: "Developer" }).replaceBastion, false);
  });
});

describe("parseDayTwoRecord", () => {
  test("keeps well-formed thumbprints and drops anything else", () => {
    assert.deepEqual(parseDayTwoRecord({ hubSku: "S1", bastionSku: "Standard", runningThumbprints: { a: T, b: "not-a-thumbprint", c: 5 } }), { hubSku: "S1", bastionSku: "Standard", runningThumbprints: { a: T } });
  });

  test("no record, or a record of the wrong shape, counts as none", () => {
    assert.equal(parseDayTwoRecord(undefined), undefined);
    assert.equal(parseDayTwoRecord("S1"), undefined);
    assert.deepEqual(parseDayTwoRecord({}), { hubSku: undefined, bastionSku: undefined, runningThumbprints: {} });
  });
});
