/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/**
 * Appends protobuf fields to a growing buffer. Only what ONNX needs: varints (int64 included,
 * negatives as ten-byte two's complement), floats, length-delimited bytes and nested messages.
 * Nested messages are written to their own writer first, so their length is known.
 */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    this.reserve(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  /** An int32/int64/enum field (negative values take ten bytes, as int64 requires). */
  int(field: number, v: number): this {
    if (!Number.isSafeInteger(v)) throw new Error(`protobuf: ${v} is not a safe integer`);
    this.tag(field, WIRE.varint);
    this.rawVarint(v);
    return this;
  }

  /** A packed repeated int64 field. */
  ints(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  float(field: number, v: number): this {
    this.tag(field, WIRE.fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE.bytes);
    this.rawVarint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
