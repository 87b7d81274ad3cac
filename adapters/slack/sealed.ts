import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CoachbotError } from "../../src/errors.js";

// OAuth installations hold bot tokens; they are kept sealed (AES-256-GCM, node's own crypto) with
// a key from the environment, so a copied database file or Redis dump gives no token away. The
// document id is the additional data: a sealed install moved under another workspace's id fails.

const REINSTALL = "install the app in that workspace again (/slack/install)";

export interface Sealed {
  sealed: 1;
  /** An org-wide install: in the clear, so listing workspaces needs no key. */
  enterprise: boolean;
  iv: string;
  tag: string;
  data: string;
}

/** keys: the first seals; every one is tried when opening (so a key can be rotated). */
export function sealer(keys: Buffer[]) {
  const [current] = keys;
  if (!current) throw new Error("sealer needs at least one key");
  return {
    seal(id: string, value: unknown, enterprise: boolean): Sealed {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv).setAAD(Buffer.from(id));
      const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return {
        sealed: 1,
        enterprise,
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        data: data.toString("base64"),
      };
    },
    open<T>(id: string, doc: unknown): T {
      const s = doc as Partial<Sealed>;
      if (s?.sealed !== 1 || !s.iv || !s.tag || !s.data) {
        throw new CoachbotError(
          "INSTALL_UNREADABLE",
          `the stored Slack install for ${id} is not sealed`,
          REINSTALL,
        );
      }
      for (const key of keys) {
        try {
          const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(s.iv, "base64"))
            .setAAD(Buffer.from(id))
            .setAuthTag(Buffer.from(s.tag, "base64"));
          const plain = Buffer.concat([decipher.update(Buffer.from(s.data, "base64")), decipher.final()]);
          return JSON.parse(plain.toString("utf8")) as T;
        } catch {
          // Not this key (or tampered): try the next.
        }
      }
      throw new CoachbotError(
        "INSTALL_UNREADABLE",
        `no key in SLACK_TOKEN_KEY opens the stored Slack install for ${id}`,
        `put the key it was sealed with back into SLACK_TOKEN_KEY (after the new one), or ${REINSTALL}`,
      );
    },
  };
}

export type Sealer = ReturnType<typeof sealer>;
