/**
 * The few protobuf wire-format pieces an ONNX file needs: varints, length-delimited fields and packed
 * floats. Messages are built bottom-up as byte arrays and concatenated.
 */
const encoder = new TextEncoder();

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n; // protobuf encodes negative int64 as 10-byte two's complement
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Builds one message field by field. */
export class ProtoMessage {
  private readonly parts: Uint8Array[] = [];

  /** wire type 0: int32/int64/enum/bool */
  int(field: number, value: number | bigint): this {
    this.parts.push(Uint8Array.from([...varint((field << 3) | 0), ...varint(value)]));
    return this;
  }

  /** wire type 2: bytes or an embedded message */
  bytes(field: number, value: Uint8Array): this {
    this.parts.push(Uint8Array.from([...varint((field << 3) | 2), ...varint(value.length)]), value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  message(field: number, value: ProtoMessage): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return concat(this.parts);
  }
}

/** Little-endian bytes of a float32 array (ONNX raw_data). */
export function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
