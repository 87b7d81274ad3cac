import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import { ICONS, MANIFEST_DIR, teamsManifest } from "../adapters/teams/manifest.js";

// Builds the Teams app package an administrator uploads (Teams admin center, or "Upload a
// custom app"): manifest.json with MicrosoftAppId and PUBLIC_URL filled in, and the two icons,
// zipped at the root of build/coachbot-teams.zip.
// Run: MicrosoftAppId=<app id> PUBLIC_URL=https://coachbot.example.org npm run package:teams

const DEFAULT_OUT = "build/coachbot-teams.zip";

export function writeTeamsPackage(opts: { appId: string; publicUrl: string; out: string }): string {
  const manifest = teamsManifest(opts);
  const files = [
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    ...ICONS.map((name) => ({ name, data: readFileSync(`${MANIFEST_DIR}${name}`) })),
  ];
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip(files));
  return out;
}

/** A minimal zip (deflate, no directories, fixed 1980-01-01 timestamps so builds are identical). */
function zip(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of files) {
    const packed = deflateRawSync(data, { level: 9 });
    const nameBytes = Buffer.from(name, "utf8");
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at); // version needed: 2.0
      header.writeUInt16LE(0x0800, at + 2); // names are UTF-8
      header.writeUInt16LE(8, at + 4); // deflate
      header.writeUInt16LE(0, at + 6); // time 00:00
      header.writeUInt16LE((0 << 9) | (1 << 5) | 1, at + 8); // date 1980-01-01
      header.writeUInt32LE(crc32(data), at + 10);
      header.writeUInt32LE(packed.length, at + 14);
      header.writeUInt32LE(data.length, at + 18);
      header.writeUInt16LE(nameBytes.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const out = writeTeamsPackage({
      appId: process.env.MicrosoftAppId ?? "",
      publicUrl: process.env.PUBLIC_URL ?? "",
      out: process.argv[2] ?? DEFAULT_OUT,
    });
    console.log(`wrote ${out}: upload it in the Teams admin center (Manage apps, Upload new app)`);
  } catch (err) {
    console.error(`package:teams: ${err instanceof Error ? err.message : String(err)}`);
    console.error(
      "set MicrosoftAppId (the Azure Bot's app id) and PUBLIC_URL (https://...) and run it again",
    );
    process.exit(1);
  }
}
