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
    assert.deepEqual(parseDayTwoRecord({ hubSku: "S1", bastionSku: "Standard", runningThumbprints: { a: T, b: "not-a-thumbprint", c: 5 } }), { hubSku: "S1", bastionSku: "Standard", hubRegion: undefined, workspaceRegion: undefined, runningThumbprints: { a: T } });
  });

  test("no record, or a record of the wrong shape, counts as none", () => {
    assert.equal(parseDayTwoRecord(undefined), undefined);
    assert.equal(parseDayTwoRecord("S1"), undefined);
    assert.deepEqual(parseDayTwoRecord({}), { hubSku: undefined, bastionSku: undefined, hubRegion: undefined, workspaceRegion: undefined, runningThumbprints: {} });
  });
});

describe("dayTwoDecision: regions", () => {
  const next = { hubSku: "S1" as const, bastionSku: "Developer" as const, hubRegion: "westeurope", workspaceRegion: "westeurope" };

  test("a hub or workspace region change on an existing stack is refused, each naming its key, the old region and how to rebuild", () => {
    const d = dayTwoDecision({ hubRegion: "northeurope", workspaceRegion: "westeurope" }, next);
    assert.equal(d.errors.length, 1);
    assert.match(d.errors[0], /^secure-iot-edge:hubRegion = "westeurope": this stack's hub is in northeurope, and Azure cannot move it; .*Allowed: northeurope; a region change is a rebuild: create a new stack/);
    const both = dayTwoDecision({ hubRegion: "northeurope", workspaceRegion: "northeurope" }, next);
    assert.deepEqual(both.errors.map((e) => e.split(" ")[0]), ["secure-iot-edge:hubRegion", "secure-iot-edge:workspaceRegion"]);
  });

  test("the same regions, a record without regions (an older stack) or no record at all refuse nothing", () => {
    assert.deepEqual(dayTwoDecision({ hubRegion: "westeurope", workspaceRegion: "westeurope" }, next).errors, []);
    assert.deepEqual(dayTwoDecision({ hubSku: "S1" }, next).errors, []);
    assert.deepEqual(dayTwoDecision(undefined, next).errors, []);
  });

  test("parseDayTwoRecord keeps the regions and drops non-strings", () => {
    assert.deepEqual(parseDayTwoRecord({ hubSku: "S1", hubRegion: "westeurope", workspaceRegion: 7 }), { hubSku: "S1", bastionSku: undefined, hubRegion: "westeurope", workspaceRegion: undefined, runningThumbprints: {} });
  });
});
