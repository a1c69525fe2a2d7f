// Bluetooth Heart Rate Measurement (characteristic 0x2A37) parsing and encoding.
//
// Pure module: bytes in, numbers out. Layout, from the Bluetooth SIG Heart Rate Service (HRS 1.0)
// and the GATT Specification Supplement:
//
//   byte 0   flags
//            bit 0    heart rate format: 0 = uint8, 1 = uint16 little-endian (beats per minute)
//            bits 1-2 sensor contact: bit 2 = contact feature supported, bit 1 = contact detected
//                     (bit 1 only means something when bit 2 is set)
//            bit 3    energy expended present: uint16 LE, kilojoules since the last reset
//            bit 4    RR intervals present: zero or more uint16 LE, unit 1/1024 s, oldest first
//   then     heart rate, [energy expended], [RR intervals...]

export const HEART_RATE_SERVICE = 0x180d;
export const HEART_RATE_MEASUREMENT = 0x2a37;

const FLAG_HR_UINT16 = 0x01;
const FLAG_CONTACT_DETECTED = 0x02;
const FLAG_CONTACT_SUPPORTED = 0x04;
const FLAG_ENERGY = 0x08;
const FLAG_RR = 0x10;

/** One RR unit (1/1024 s) in milliseconds. */
export const RR_UNIT_MS = 1000 / 1024;

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof DataView) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError('a heart rate measurement must be a DataView, Uint8Array or ArrayBuffer');
}

/**
 * Parse one Heart Rate Measurement notification.
 *
 * @param {DataView|Uint8Array|ArrayBuffer} data the characteristic value (e.g. `event.target.value`)
 * @returns {{hr: number, contactSupported: boolean, contactDetected: boolean,
 *   energyExpended: number|null, rrMs: number[]}} `rrMs` are floats in milliseconds
 *   (raw / 1024 * 1000), oldest first; `contactDetected` is false whenever contact is not supported.
 * @throws {Error} when the packet is shorter than its flags say, or has half an RR value.
 */
export function parseHeartRateMeasurement(data) {
  const b = toBytes(data);
  if (b.length < 1) throw new Error('heart rate measurement is empty: expected at least a flags byte');
  const flags = b[0];
  const wide = (flags & FLAG_HR_UINT16) !== 0;
  let offset = 1;

  const need = (n, what) => {
    if (offset + n > b.length) {
      throw new Error(
        `heart rate measurement truncated: flags 0x${flags.toString(16).padStart(2, '0')} promise ${what} ` +
          `at byte ${offset}, but the packet has only ${b.length} bytes`,
      );
    }
  };
  const u16 = () => {
    const v = b[offset] | (b[offset + 1] << 8);
    offset += 2;
    return v;
  };

  need(wide ? 2 : 1, wide ? 'a 16-bit heart rate' : 'an 8-bit heart rate');
  const hr = wide ? u16() : b[offset++];

  const contactSupported = (flags & FLAG_CONTACT_SUPPORTED) !== 0;
  const contactDetected = contactSupported && (flags & FLAG_CONTACT_DETECTED) !== 0;

  let energyExpended = null;
  if (flags & FLAG_ENERGY) {
    need(2, 'a 16-bit energy expended value');
    energyExpended = u16();
  }

  const rrMs = [];
  if (flags & FLAG_RR) {
    if ((b.length - offset) % 2 !== 0) {
      throw new Error(
        `heart rate measurement truncated: ${b.length - offset} bytes of RR data is not a whole number of 16-bit values`,
      );
    }
    while (offset < b.length) rrMs.push(u16() * RR_UNIT_MS);
  }
  return { hr, contactSupported, contactDetected, energyExpended, rrMs };
}

function requireUint(name, value, max) {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${String(value)}`);
  }
}

/**
 * Build a Heart Rate Measurement value, as a strap would send it. For tests and the demo strap.
 *
 * @param {object} m
 * @param {number} m.hr beats per minute, integer 0..65535 (uint16 is used above 255 or if `wide`)
 * @param {number[]} [m.rrMs=[]] milliseconds; each is rounded to the nearest 1/1024 s
 * @param {boolean|null} [m.contact=null] null: contact not supported; true/false: supported and
 *   detected / not detected
 * @param {number|null} [m.energy=null] kilojoules, integer 0..65535, or null to leave it out
 * @param {boolean} [m.wide=false] force the 16-bit heart rate format
 * @returns {Uint8Array}
 */
export function encodeHeartRateMeasurement({ hr, rrMs = [], contact = null, energy = null, wide = false } = {}) {
  requireUint('hr', hr, 0xffff);
  const hr16 = wide || hr > 0xff;
  const raws = rrMs.map((ms, i) => {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`rrMs[${i}] must be a finite number`);
    const raw = Math.round(ms / RR_UNIT_MS);
    requireUint(`rrMs[${i}] in 1/1024 s units`, raw, 0xffff);
    return raw;
  });
  if (energy !== null) requireUint('energy', energy, 0xffff);

  let flags = 0;
  if (hr16) flags |= FLAG_HR_UINT16;
  if (contact !== null) flags |= FLAG_CONTACT_SUPPORTED | (contact ? FLAG_CONTACT_DETECTED : 0);
  if (energy !== null) flags |= FLAG_ENERGY;
  if (raws.length > 0) flags |= FLAG_RR;

  const out = new Uint8Array(1 + (hr16 ? 2 : 1) + (energy !== null ? 2 : 0) + 2 * raws.length);
  let o = 0;
  const put16 = (v) => {
    out[o++] = v & 0xff;
    out[o++] = v >> 8;
  };
  out[o++] = flags;
  if (hr16) put16(hr);
  else out[o++] = hr;
  if (energy !== null) put16(energy);
  for (const raw of raws) put16(raw);
  return out;
}
