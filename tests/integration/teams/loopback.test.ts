import { request } from "node:http";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../../helpers/local-service.js";

// Without MicrosoftAppId, botbuilder checks no token (for the local Agents Playground): the
// endpoint then answers this machine only.

const outward = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
if (!outward) console.warn("skipping the non-loopback case: this machine has no non-loopback IPv4 address");

let svc: LocalService;
beforeAll(async () => {
  svc = await startLocalService("2026-09-14T15:00:00Z");
});
afterAll(async () => svc?.close());

function post(host: string, localAddress?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: svc.service.port,
        path: "/api/messages",
        method: "POST",
        headers: { "content-type": "application/json" },
        ...(localAddress ? { localAddress } : {}),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ type: "message", text: "help" }));
  });
}

describe("the unauthenticated Teams endpoint", () => {
  it("answers a request from this machine", async () => {
    expect(await post("127.0.0.1")).not.toBe(403);
  });

  it.skipIf(!outward)("refuses a request that arrives from another address", async () => {
    expect(await post(outward!, outward)).toBe(403);
  });
});
