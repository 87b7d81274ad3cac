import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Short-lived signed links (calendar files, dashboard): the query carries its own expiry and an
 * HMAC over path + parameters, so a link can't be altered or used after it expires.
 */
export class LinkSigner {
  constructor(
    private readonly secret: string,
    private readonly publicUrl: string,
  ) {}

  sign(path: string, params: Record<string, string>, expiresAtMs: number): string {
    const query = new URLSearchParams({ ...params, exp: String(Math.floor(expiresAtMs / 1000)) });
    query.sort();
    query.set("sig", this.mac(path, query));
    return `${this.publicUrl}${path}?${query.toString()}`;
  }

  /** The parameters when the signature matches and the link has not expired; else why not. */
  verify(
    path: string,
    query: Record<string, unknown>,
    nowMs: number,
  ): { ok: true; params: Record<string, string> } | { ok: false; reason: "invalid" | "expired" } {
    const entries = Object.entries(query).filter((e): e is [string, string] => typeof e[1] === "string");
    const params = new URLSearchParams(entries.filter(([k]) => k !== "sig"));
    params.sort();
    const sig = typeof query.sig === "string" ? query.sig : "";
    const expected = this.mac(path, params);
    const a = Buffer.from(sig);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "invalid" };
    if (Number(params.get("exp")) * 1000 < nowMs) return { ok: false, reason: "expired" };
    return { ok: true, params: Object.fromEntries(params) };
  }

  private mac(path: string, params: URLSearchParams): string {
    return createHmac("sha256", this.secret).update(`${path}?${params.toString()}`).digest("base64url");
  }
}
