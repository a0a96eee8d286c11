import { WIRE } from './writer.js';

/** A field's number and wire type, and where its payload starts. */
export interface FieldHeader {
  readonly field: number;
  readonly wire: number;
}

/**
 * Reads protobuf fields from `bytes[start, end)`, checking every length against the end of its
 * enclosing message before using it: a truncated file, a varint longer than ten bytes or a
 * length past the end is an Error naming `what` and the byte offset, never an out-of-bounds
 * read or an allocation sized by a corrupt length.
 */
export class ProtoReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
    readonly start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  fail(msg: string): never {
    throw new Error(`${this.what}: ${msg} at byte ${this.pos}`);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint as a bigint (up to 64 bits). */
  varintBig(): bigint {
    let result = 0n;
    for (let shift = 0n, i = 0; i < 10; i++, shift += 7n) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** An int64 varint as a number; values outside ±2^53 are refused rather than rounded. */
  int(): number {
    const v = BigInt.asIntN(64, this.varintBig());
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`integer ${v} is out of range`);
    return Number(v);
  }

  header(): FieldHeader {
    const key = this.int();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field < 1) this.fail(`invalid field number ${field}`);
    return { field, wire };
  }

  private need(n: number): void {
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the message (${this.end - this.pos} bytes left)`);
  }

  /** The payload of a length-delimited field as [start, end), bounds-checked. */
  span(): [number, number] {
    const n = this.int();
    if (n < 0) this.fail(`negative length ${n}`);
    this.need(n);
    const s = this.pos;
    this.pos += n;
    return [s, this.pos];
  }

  /** A reader over the next length-delimited field, named `what`. */
  sub(what: string): ProtoReader {
    const [s, e] = this.span();
    return new ProtoReader(this.bytes, what, s, e);
  }

  string(): string {
    const [s, e] = this.span();
    return new TextDecoder().decode(this.bytes.subarray(s, e));
  }

  float(): number {
    this.need(4);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  /** A repeated int64 field, packed or one value per field. */
  ints(wire: number, into: number[]): void {
    if (wire === WIRE.varint) into.push(this.int());
    else if (wire === WIRE.bytes) {
      const r = this.sub(this.what);
      while (!r.done()) into.push(r.int());
    } else this.fail(`wire type ${wire} for a repeated integer`);
  }

  /** Skips a field this reader does not use. */
  skip(wire: number): void {
    if (wire === WIRE.varint) this.varintBig();
    else if (wire === WIRE.fixed64) { this.need(8); this.pos += 8; }
    else if (wire === WIRE.bytes) this.span();
    else if (wire === WIRE.fixed32) { this.need(4); this.pos += 4; }
    else this.fail(`unsupported wire type ${wire}`);
  }

  /** Fails unless the field has the wire type its schema gives. */
  expect(h: FieldHeader, wire: number): void {
    if (h.wire !== wire) this.fail(`field ${h.field} has wire type ${h.wire}; expected ${wire}`);
  }
}
