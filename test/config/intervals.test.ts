/** Micro-agent interval cases each rule alone rejects (config.test.ts covers the rest of validation). */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { validateConfig } from "../../lib/config/config";

const intervals = (value: string) => validateConfig({ "secure-iot-edge:microAgentPriorityIntervals": value }, "dev");
const MESSAGE = (value: string) => `secure-iot-edge:microAgentPriorityIntervals = ${JSON.stringify(value)}: allowed: three whole numbers of minutes High,Medium,Low, each a multiple of the one before, e.g. 30,120,1440`;

describe("micro-agent intervals, one rule at a time", () => {
  test("a Low interval of 0 is rejected although 0 is a multiple of Medium", () => {
    const r = intervals("30,60,0");
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors, [MESSAGE("30,60,0")]);
  });

  test("a Medium interval that is no multiple of High is rejected although Low is a multiple of Medium", () => {
    const r = intervals("30,100,200");
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors, [MESSAGE("30,100,200")]);
  });
});
