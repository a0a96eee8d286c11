import { deflateSync } from 'node:zlib';
import { lighten, PROBABILITY_RANGE } from './charts.js';
import { CLASS_COLORS } from './colors.js';

/**
 * Minimal PNG encoder (8-bit RGBA, no filtering) for the decision-boundary rasters. A raster
 * image embedded as a data URL keeps a 100×100 shaded grid at a few kilobytes, where the same
 * grid drawn as SVG rectangles would weigh megabytes and slow the page.
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) {
    throw new Error(`encodePng: expected ${width * height * 4} bytes for ${width}×${height} RGBA, got ${rgba.length}`);
  }
  const stride = width * 4 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter type "none" for this scanline
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * stride + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function pngDataUrl(width: number, height: number, rgba: Uint8Array): string {
  return `data:image/png;base64,${encodePng(width, height, rgba).toString('base64')}`;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Colours a grid of class probabilities, row-major with row 0 at the top of the image.
 * Binary (one value per cell, P(class 1)): the colour scale `PROBABILITY_RANGE` the chart's
 * legend shows, interpolated in RGB — class 0's colour at 0, white at 0.5, class 1's at 1 — so a
 * colour reads back as a probability. Several classes (`classes` values per cell): the most
 * likely class's colour, blended towards white by how unsure the model is.
 */
export function probabilityRaster(width: number, height: number, probs: ArrayLike<number>, classes: number): Uint8Array {
  const k = classes <= 2 ? 1 : classes;
  const out = new Uint8Array(width * height * 4);
  if (k === 1) {
    const [c0, mid, c1] = PROBABILITY_RANGE.map(hexToRgb) as unknown as [number[], number[], number[]];
    for (let i = 0; i < width * height; i++) {
      const p = Math.min(1, Math.max(0, probs[i]!));
      const [a, b, t] = p < 0.5 ? [c0, mid, p / 0.5] : [mid, c1, (p - 0.5) / 0.5];
      for (let ch = 0; ch < 3; ch++) out[i * 4 + ch] = Math.round(a[ch]! + (b[ch]! - a[ch]!) * t);
      out[i * 4 + 3] = 255;
    }
    return out;
  }
  const colours = CLASS_COLORS.map((c) => hexToRgb(lighten(c, 0.3)));
  for (let i = 0; i < width * height; i++) {
    let cls = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + cls]!) cls = c;
    const confidence = (probs[i * k + cls]! - 1 / k) / (1 - 1 / k); // 0 at a k-way tie, 1 when certain
    const strength = Math.min(1, Math.max(0, confidence));
    const rgb = colours[cls % colours.length]!;
    for (let ch = 0; ch < 3; ch++) out[i * 4 + ch] = Math.round(255 + (rgb[ch]! - 255) * strength);
    out[i * 4 + 3] = 255;
  }
  return out;
}
