import { writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

// Draws the Teams app icons into manifests/teams/ with Node only (zlib for PNG):
// color.png, 192x192, a white "coaching cycle" on the accent colour; outline.png, 32x32, the
// same shape in white on transparent (Teams' rule for outline icons).
// Run: npx tsx scripts/teams-icons.ts

const ACCENT = [0x2e, 0x6d, 0xb4] as const;
const SAMPLES = 4;
const GAP = [-Math.PI / 2.6, -Math.PI / 12] as const; // the ring's opening, upper right

/** Whether a point of the unit square (-1..1) is inside the glyph: a ring with a gap, an arrow head and a dot. */
function inside(x: number, y: number): boolean {
  const r = Math.hypot(x, y);
  const angle = Math.atan2(y, x);
  const ring = r > 0.56 && r < 0.8 && !(angle > GAP[0] && angle < GAP[1]);
  // Arrow head at the gap's lower end, pointing along the ring (clockwise on screen).
  const [ax, ay] = [Math.cos(GAP[1]) * 0.68, Math.sin(GAP[1]) * 0.68];
  const [dx, dy] = [-Math.sin(GAP[1]), Math.cos(GAP[1])]; // direction of travel
  const along = (x - ax) * -dx + (y - ay) * -dy;
  const across = Math.abs((x - ax) * dy - (y - ay) * dx);
  const head = along > 0 && along < 0.3 && across < 0.3 - along;
  return ring || head || r < 0.2;
}

function draw(size: number, background: readonly number[] | null): Buffer {
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SAMPLES) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / SAMPLES) / size) * 2 - 1;
          if (inside(x * 1.12, y * 1.12)) hits++;
        }
      }
      const cover = hits / (SAMPLES * SAMPLES);
      const o = 1 + px * 4;
      if (background) {
        for (let c = 0; c < 3; c++) row[o + c] = Math.round(background[c]! + (255 - background[c]!) * cover);
        row[o + 3] = 255;
      } else {
        row.fill(255, o, o + 3);
        row[o + 3] = Math.round(255 * cover);
      }
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

function png(size: number, scanlines: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(scanlines, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const dir = new URL("../manifests/teams/", import.meta.url);
writeFileSync(new URL("color.png", dir), draw(192, ACCENT));
writeFileSync(new URL("outline.png", dir), draw(32, null));
console.log("wrote manifests/teams/color.png (192x192) and manifests/teams/outline.png (32x32)");
