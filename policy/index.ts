/**
 * Security guardrails for the secure IoT Edge stack, run with
 * `pulumi preview --policy-pack policy` from the repository root. The policies and the reasons
 * behind them are in ./policies and ./rules.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("secure-iot-edge-guardrails", {
  description: "Secure defaults for the Azure IoT Edge stack: no internet inbound, no public IP, no password login, TLS 1.2, Defender for IoT, trial cost caps.",
  provider: "azure",
  policies,
});
