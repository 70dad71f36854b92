import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * The smallest PNG support the app package needs: write 8-bit RGBA images, read a file's header
 * (IHDR) and decode 8-bit RGB/RGBA non-interlaced files back to RGBA pixels for the tests.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_RGB = 2;
const COLOR_RGBA = 6;

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 2 = RGB, 6 = RGBA (others exist but are not decoded here). */
  readonly colorType: number;
  readonly interlace: number;
}

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, rows top to bottom, unpremultiplied RGBA. */
  readonly pixels: Uint8Array;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

export function encodePng(image: RgbaImage): Buffer {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`png: bad size ${width}x${height}`);
  }
  if (pixels.length !== width * height * 4) throw new RangeError(`png: ${pixels.length} bytes for ${width}x${height} RGBA`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, COLOR_RGBA, 0, 0, 0], 8);
  // Filter type 0 (none) on every row: the icons are flat colour and deflate well without it.
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The IHDR of a PNG file; throws when the bytes are not a PNG. */
export function readPngHeader(file: Uint8Array): PngHeader {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG file (no IHDR first)');
  return {
    width: buf.readUInt32BE(16),
    height: buf.readUInt32BE(20),
    bitDepth: buf.readUInt8(24),
    colorType: buf.readUInt8(25),
    interlace: buf.readUInt8(28),
  };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The PNG filter predictor for a byte: a = left, b = above, c = above-left. */
function predict(filter: number | undefined, a: number, b: number, c: number, row: number): number {
  if (filter === 0) return 0;
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter === 4) return paeth(a, b, c);
  throw new Error(`png: unknown filter type ${String(filter)} on row ${row}`);
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG, checking every chunk's CRC. */
export function decodePng(file: Uint8Array): RgbaImage {
  const header = readPngHeader(file);
  const { width, height, bitDepth, colorType, interlace } = header;
  if (bitDepth !== 8 || (colorType !== COLOR_RGB && colorType !== COLOR_RGBA) || interlace !== 0) {
    throw new Error(`png: only 8-bit RGB/RGBA non-interlaced images are decoded (got depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  }
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const idat: Buffer[] = [];
  let at = 8;
  let ended = false;
  while (at + 12 <= buf.length && !ended) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > buf.length) throw new Error(`png: chunk ${type} runs past the end of the file`);
    const expected = buf.readUInt32BE(at + 8 + length);
    if (crc32(buf.subarray(at + 4, at + 8 + length)) !== expected) throw new Error(`png: bad CRC in chunk ${type}`);
    if (type === 'IDAT') idat.push(buf.subarray(at + 8, at + 8 + length));
    ended = type === 'IEND';
    at = end;
  }
  if (!ended) throw new Error('png: no IEND chunk');
  const bpp = colorType === COLOR_RGBA ? 4 : 3;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== (stride + 1) * height) throw new Error(`png: image data is ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0;
      const a = i >= bpp ? (out[y * stride + i - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] ?? 0) : 0;
      const c = i >= bpp && y > 0 ? (out[(y - 1) * stride + i - bpp] ?? 0) : 0;
      out[y * stride + i] = (x + predict(filter, a, b, c, y)) & 0xff;
    }
  }
  if (bpp === 4) return { width, height, pixels: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(out.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, pixels: rgba };
}
