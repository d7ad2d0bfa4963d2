/**
 * G.711 mu-law, the encoding of Twilio Media Streams (8 kHz, 8 bits, mono).
 *
 * Decoding is a 256-entry table lookup: it runs for every byte of every call, so it must
 * not branch or allocate per sample.
 *
 * @example
 *   const pcm = decodeMulaw(Buffer.from(msg.media.payload, 'base64')); // Int16Array
 */
const BIAS = 0x84;
const CLIP = 32635;

function decodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, b) => decodeSample(b));

/** Decodes mu-law bytes to 16-bit linear PCM samples, one per byte. */
export function decodeMulaw(bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE_TABLE[bytes[i]!]!;
  return out;
}

/** Encodes one 16-bit linear sample to mu-law. */
export function encodeMulawSample(sample: number): number {
  let s = Math.max(-CLIP, Math.min(CLIP, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Encodes 16-bit linear PCM to mu-law bytes. */
export function encodeMulaw(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = encodeMulawSample(samples[i]!);
  return out;
}

/** The mu-law byte for digital silence (linear 0). */
export const MULAW_SILENCE = 0xff;
