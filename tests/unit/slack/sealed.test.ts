import { describe, expect, it } from "vitest";
import { sealer } from "../../../adapters/slack/sealed.js";
import { isCoachbotError } from "../../../src/errors.js";

const key = (n: number) => Buffer.alloc(32, n);
const install = { team: { id: "T1" }, bot: { token: "xoxb-secret-token" } };

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isCoachbotError(e, "INSTALL_UNREADABLE") ? e.message : `other error: ${String(e)}`;
  }
  return "opened";
};

describe("sealed Slack installs", () => {
  it("keeps no token in the clear and opens with the key", () => {
    const s = sealer([key(1)]);
    const doc = s.seal("T1", install, false);
    expect(JSON.stringify(doc)).not.toContain("xoxb");
    expect(doc.enterprise).toBe(false);
    expect(s.open("T1", doc)).toEqual(install);
    // A fresh IV each time: the same install never seals to the same bytes.
    expect(s.seal("T1", install, false).data).not.toBe(doc.data);
  });

  it("refuses a wrong key, a tampered byte, another workspace's id and an unsealed document", () => {
    const doc = sealer([key(1)]).seal("T1", install, false);
    expect(refusal(() => sealer([key(2)]).open("T1", doc))).toMatch(/no key in SLACK_TOKEN_KEY opens/);
    const bytes = Buffer.from(doc.data, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(refusal(() => sealer([key(1)]).open("T1", { ...doc, data: bytes.toString("base64") }))).toMatch(
      /no key/,
    );
    expect(refusal(() => sealer([key(1)]).open("T2", doc))).toMatch(/for T2/);
    expect(refusal(() => sealer([key(1)]).open("T1", install))).toMatch(/is not sealed/);
  });

  it("rotates: a new key first still opens what the old one sealed, and seals with the new one", () => {
    const old = sealer([key(1)]).seal("T1", install, false);
    const rotated = sealer([key(3), key(1)]);
    expect(rotated.open("T1", old)).toEqual(install);
    const resealed = rotated.seal("T1", install, false);
    expect(sealer([key(3)]).open("T1", resealed)).toEqual(install);
    expect(refusal(() => sealer([key(1)]).open("T1", resealed))).toMatch(/no key/);
  });
});
