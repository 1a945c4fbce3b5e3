/** What a newcomer is told: nearest keys, set-command hints in both forms, --set parsing, stack files. */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  editDistance,
  existingStacks,
  missingStackMessage,
  nearestKey,
  parseSetArguments,
  parseStackFile,
  setHint,
  SetArgumentError,
  StackFileError,
} from "../../lib/config/hints";
import { CONFIG_SPEC, validateConfig } from "../../lib/config/config";
import { stackFileConfig } from "../helpers/stackFiles";

const KEYS = Object.keys(CONFIG_SPEC);

describe("nearestKey", () => {
  test("edit distance counts insertions, deletions and substitutions, ignoring case", () => {
    assert.equal(editDistance("hubSkew", "hubSku"), 2);
    assert.equal(editDistance("hubunits", "hubUnits"), 0);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("kitten", "sitting"), 3);
  });

  test("suggests the closest known key for typos", () => {
    assert.equal(nearestKey("hubUnit", KEYS), "hubUnits");
    assert.equal(nearestKey("hubunits", KEYS), "hubUnits");
    assert.equal(nearestKey("hubSkew", KEYS), "hubSku");
    assert.equal(nearestKey("alertEmail", KEYS), "alertEmails");
    assert.equal(nearestKey("bastionSKU", KEYS), "bastionSku");
  });

  test("suggests nothing for a name that is no near miss", () => {
    assert.equal(nearestKey("colour", KEYS), undefined);
    assert.equal(nearestKey("x", ["hubSku"]), undefined);
  });

  test("the limit: a third of the longer name (at least 2) passes, one more edit fails", () => {
    // "abcdefghi" (9 letters): limit 3.
    assert.equal(nearestKey("abcdefXXX", ["abcdefghi"]), "abcdefghi");
    assert.equal(nearestKey("abcdeXXXX", ["abcdefghi"]), undefined);
    assert.equal(nearestKey("aXX", ["abc"]), "abc");
    assert.equal(nearestKey("XXX", ["abc"]), undefined);
  });

  test("an unknown key's config error names the nearest key", () => {
    const r = validateConfig({ ...stackFileConfig("dev"), "secure-iot-edge:hubUnit": "2" }, "dev");
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.errors.some((e) => e.startsWith('secure-iot-edge:hubUnit = "2": unknown key (did you mean hubUnits?); allowed keys: hubRegion, ')), !r.ok ? r.errors.join("\n") : "");
  });
});

describe("setHint", () => {
  test("a plain value: pulumi config set and the plan's --set", () => {
    assert.equal(setHint("hubSku", "S1"), "pulumi config set hubSku S1 (offline plan: npm run plan -- --stack <stack> --set hubSku=S1)");
    assert.equal(setHint("autoShutdownTimeZone", "W. Europe Standard Time"), "pulumi config set autoShutdownTimeZone 'W. Europe Standard Time' (offline plan: npm run plan -- --stack <stack> --set 'autoShutdownTimeZone=W. Europe Standard Time')");
  });

  test("a list item: --path for pulumi, key[0]=value for the plan", () => {
    assert.equal(setHint("alertEmails", "you@example.com", 0), "pulumi config set --path 'alertEmails[0]' you@example.com (offline plan: npm run plan -- --stack <stack> --set 'alertEmails[0]=you@example.com')");
  });
});

describe("parseSetArguments (the plan's --set)", () => {
  test("key=value sets a plain string under the project namespace; a namespaced key stays as it is", () => {
    assert.deepEqual(parseSetArguments(["hubSku=S2", "azure-native:location=westeurope", "extraTags=a=b"], "p"), {
      "p:hubSku": "S2",
      "azure-native:location": "westeurope",
      "p:extraTags": "a=b",
    });
  });

  test("key[0]=a and key[1]=b build the list pulumi config set --path would store", () => {
    assert.deepEqual(parseSetArguments(["alertEmails[1]=b@example.com", "alertEmails[0]=a@example.com"], "p"), { "p:alertEmails": '["a@example.com","b@example.com"]' });
  });

  test("the form the plan's own hint prints is accepted and validates", () => {
    const raw = { ...stackFileConfig("dev"), ...parseSetArguments(["alertEmails[0]=you@example.com"], "secure-iot-edge") };
    const r = validateConfig(raw, "dev");
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.config.alerts.emails, ["you@example.com"]);
  });

  test("refuses a gap in list items, a bad item form, a missing =, and a key given both ways", () => {
    assert.throws(() => parseSetArguments(["alertEmails[1]=b@example.com"], "p"), (e: Error) => e instanceof SetArgumentError && /p:alertEmails\[0\] is missing/.test(e.message));
    assert.throws(() => parseSetArguments(["alertEmails[x]=a"], "p"), /a list item is written key\[0\]=value/);
    assert.throws(() => parseSetArguments(["hubSku"], "p"), /--set takes key=value or key\[0\]=value, not "hubSku"/);
    assert.throws(() => parseSetArguments(["=S1"], "p"), /--set takes key=value/);
    assert.throws(() => parseSetArguments(['alertEmails=["a@example.com"]', "alertEmails[0]=b@example.com"], "p"), /both as a whole value and as list items/);
  });
});

describe("stack files", () => {
  test("existingStacks lists Pulumi.<stack>.yaml files only, sorted", () => {
    assert.deepEqual(existingStacks(["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "README.md", "Pulumi.dev.yaml.bak"]), ["dev", "prod"]);
  });

  test("a missing stack file lists the stacks that exist and how to start a new one", () => {
    assert.equal(
      missingStackMessage("qa", "Pulumi.qa.yaml", ["dev", "prod", "trial"]),
      "plan: no stack file Pulumi.qa.yaml. Stacks with a file: dev, prod, trial.\n" +
        "To start a stack named qa: copy the closest stage (cp Pulumi.dev.yaml Pulumi.qa.yaml) and edit it,\n" +
        "or run pulumi stack init qa and set its values with pulumi config set; then npm run plan -- --stack qa.",
    );
    assert.match(missingStackMessage("qa", "Pulumi.qa.yaml", []), /Stacks with a file: none\./);
  });

  test("a YAML error names the file", () => {
    assert.throws(() => parseStackFile("config:\n  a: [1, 2\n", "Pulumi.broken.yaml"), (e: Error) => e instanceof StackFileError && e.message.startsWith("Pulumi.broken.yaml is not valid YAML: "));
    assert.throws(() => parseStackFile("- a\n- b\n", "Pulumi.list.yaml"), /Pulumi\.list\.yaml: expected a YAML map/);
    assert.throws(() => parseStackFile("config: [a]\n", "Pulumi.x.yaml"), /Pulumi\.x\.yaml: config: must be a map/);
    assert.deepEqual(parseStackFile("config:\n  secure-iot-edge:hubSku: S1\n", "f"), { "secure-iot-edge:hubSku": "S1" });
    assert.deepEqual(parseStackFile("", "f"), {});
  });
});

describe("warnings and errors a newcomer meets", () => {
  test("an expiresOn in the past warns with today's date; the last day itself does not", () => {
    const raw = { ...stackFileConfig("trial") };
    const expires = raw["secure-iot-edge:expiresOn"] as string;
    const warned = (today: string) => {
      const r = validateConfig(raw, "trial", { today });
      assert.ok(r.ok);
      return r.warnings.filter((w) => w.includes("expiresOn"));
    };
    assert.deepEqual(warned(expires), []);
    const dayAfter = new Date(Date.parse(`${expires}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(warned(dayAfter), [
      `secure-iot-edge:expiresOn = "${expires}": this trial has expired (today is ${dayAfter}); tear it down (npm run expired prints the commands) or set a later date with pulumi config set expiresOn YYYY-MM-DD (offline plan: npm run plan -- --stack <stack> --set expiresOn=YYYY-MM-DD)`,
    ]);
    assert.deepEqual(validateConfig(raw, "trial").warnings.filter((w) => w.includes("expiresOn")), [], "no date given: no expiry warning");
  });

  test("an F1 hub over its quota names hubSku, not hubUnits", () => {
    const r = validateConfig({ ...stackFileConfig("dev"), "secure-iot-edge:hubSku": "F1", "secure-iot-edge:securityAgent": "classic-module", "secure-iot-edge:edgeDeviceCount": "10" }, "dev");
    assert.equal(r.ok, false);
    const errors = r.ok ? [] : r.errors;
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], /^secure-iot-edge:hubSku = "F1": 10 device\(s\) send .*or send less often; the free tier has one unit and cannot grow; allowed: hubSku S1 with hubUnits 3 \(pulumi config set hubSku S1 \(offline plan: npm run plan -- --stack <stack> --set hubSku=S1\); pulumi config set hubUnits 3 \(offline plan: npm run plan -- --stack <stack> --set hubUnits=3\)\), fewer edge devices/);
    assert.doesNotMatch(errors[0], /^secure-iot-edge:hubUnits/);
    const one = validateConfig({ ...stackFileConfig("dev"), "secure-iot-edge:hubSku": "F1", "secure-iot-edge:securityAgent": "classic-module" }, "dev");
    assert.ok(!one.ok);
    assert.match(one.ok ? "" : one.errors[0], /^secure-iot-edge:hubSku = "F1": .*allowed: hubSku S1 \(pulumi config set hubSku S1 \(offline plan: npm run plan -- --stack <stack> --set hubSku=S1\)\), fewer/);
  });

  test("a prod stack without alertEmails warns that the policy pack will fail; dev only that nobody is notified", () => {
    const prod = validateConfig(stackFileConfig("prod"), "prod");
    const dev = validateConfig(stackFileConfig("dev"), "dev");
    const about = (r: ReturnType<typeof validateConfig>) => r.warnings.filter((w) => w.includes("alertEmails"));
    assert.equal(about(prod).length, 1);
    assert.match(about(prod)[0], /pulumi config set --path 'alertEmails\[0\]' you@example\.com \(offline plan: npm run plan -- --stack <stack> --set 'alertEmails\[0\]=you@example\.com'\)\. A prod stack must notify someone: the policy pack's mandatory prod-alert-recipients policy fails/);
    assert.equal(about(dev).length, 1);
    assert.doesNotMatch(about(dev)[0], /prod-alert-recipients/);
  });
});
