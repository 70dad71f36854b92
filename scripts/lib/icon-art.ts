import type { RgbaImage } from './png.ts';

/**
 * The app icons, drawn from geometry: a double chevron (the "fast track" mark) in white. The
 * colour icon puts it on the accent colour, inside the middle of the square as Teams asks; the
 * outline icon is the same mark alone, white on transparent, filling the 32×32 square.
 */

/** Also the manifest's accentColor, so the icon and the tile around it match. */
export const ACCENT_COLOR = '#0F6CBD';

type Point = readonly [number, number];
type Segment = readonly [Point, Point];

/** Two chevrons in a unit box, as stroke centre lines. */
function chevrons(): Segment[] {
  const out: Segment[] = [];
  for (const x of [0.12, 0.5]) {
    const tip: Point = [x + 0.38, 0.5];
    out.push([[x, 0.12], tip], [tip, [x, 0.88]]);
  }
  return out;
}

function distanceToSegment(px: number, py: number, [[ax, ay], [bx, by]]: Segment): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Coverage (0-255) of the mark over each pixel of a size×size image, by 8×8 supersampling. The
 * mark's unit box is drawn at `inset` from each side; `stroke` is the line width in unit-box units.
 */
function markCoverage(size: number, inset: number, stroke: number): Uint8Array {
  const segments = chevrons();
  const box = size - 2 * inset;
  const half = stroke / 2;
  const samples = 8;
  const coverage = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples - inset) / box;
          const v = (y + (sy + 0.5) / samples - inset) / box;
          if (segments.some((s) => distanceToSegment(u, v, s) <= half)) hits++;
        }
      }
      coverage[y * size + x] = Math.round((hits * 255) / (samples * samples));
    }
  }
  return coverage;
}

function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (m === null) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16), parseInt(m[3] ?? '0', 16)];
}

/** 192×192, opaque: the white mark on the accent colour, within the middle 96×96 or so. */
export function colorIcon(size = 192): RgbaImage {
  const [r, g, b] = hexToRgb(ACCENT_COLOR);
  const coverage = markCoverage(size, size * 0.25, 0.14);
  const pixels = new Uint8Array(size * size * 4);
  coverage.forEach((c, i) => {
    const mix = (base: number) => Math.round(base + ((255 - base) * c) / 255);
    pixels.set([mix(r), mix(g), mix(b), 255], i * 4);
  });
  return { width: size, height: size, pixels };
}

/** 32×32: white pixels only, with the mark's coverage as alpha; everything else fully transparent. */
export function outlineIcon(size = 32): RgbaImage {
  const coverage = markCoverage(size, 1, 0.16);
  const pixels = new Uint8Array(size * size * 4);
  coverage.forEach((c, i) => pixels.set(c === 0 ? [0, 0, 0, 0] : [255, 255, 255, c], i * 4));
  return { width: size, height: size, pixels };
}
