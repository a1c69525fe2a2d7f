import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  RR_UNIT_MS,
  encodeHeartRateMeasurement,
  parseHeartRateMeasurement,
} from '../../attune/web/static/js/ble-hr.js';

// Real RR stream from a Polar H10 (see /work/shared/data/README.md). Read in place, never copied.
// A missing file must fail the test, so there is deliberately no fallback here.
const POLAR_CSV = new URL('../../../shared/data/rr/polar_h10_device_rr.csv', import.meta.url);

// Rows with an hr_bpm start a notification; rows without one carry further RR values of the
// same notification (the strap packs several beats into one packet).
function polarNotifications(rowLimit) {
  const lines = readFileSync(POLAR_CSV, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'time_s,hr_bpm,rr_ms');
  const rows = lines.slice(1, 1 + rowLimit).map((l) => l.split(','));
  const notes = [];
  for (const [time, hr, rr] of rows) {
    if (hr !== '') notes.push({ timeS: Number(time), hr: Number(hr), rrMs: [] });
    notes.at(-1).rrMs.push(Number(rr));
  }
  return notes;
}

// Hand-assembled bytes, independent of the encoder: flags 0x16 = RR present (bit 4), contact
// supported (bit 2) and detected (bit 1), 8-bit heart rate.
function handBuiltPacket({ hr, rrMs }) {
  const bytes = [0x16, hr];
  for (const ms of rrMs) {
    const raw = Math.round((ms * 1024) / 1000);
    bytes.push(raw & 0xff, raw >> 8);
  }
  return Uint8Array.from(bytes);
}

const HALF_UNIT = RR_UNIT_MS / 2; // worst rounding error of one RR value, about 0.49 ms

test('it parses the first 30 rows of a real Polar H10 stream', () => {
  const notes = polarNotifications(30);
  assert.ok(notes.length >= 18 && notes.length <= 30, `grouped into ${notes.length} notifications`);
  assert.equal(notes.reduce((n, x) => n + x.rrMs.length, 0), 30);
  assert.deepEqual(notes[0].rrMs, [421]); // a premature beat the README mentions
  assert.deepEqual(notes[2].rrMs, [1073, 413]); // two beats in one packet

  const parsedRr = [];
  for (const note of notes) {
    const packet = handBuiltPacket(note);
    // as a DataView, which is what Web Bluetooth hands over
    const parsed = parseHeartRateMeasurement(new DataView(packet.buffer));
    assert.equal(parsed.hr, note.hr);
    assert.equal(parsed.contactSupported, true);
    assert.equal(parsed.contactDetected, true);
    assert.equal(parsed.energyExpended, null);
    assert.equal(parsed.rrMs.length, note.rrMs.length);
    parsed.rrMs.forEach((ms, i) => {
      assert.ok(Math.abs(ms - note.rrMs[i]) <= HALF_UNIT, `rr ${ms} vs ${note.rrMs[i]}`);
    });
    parsedRr.push(...parsed.rrMs);
    // the encoder produces exactly the same bytes
    assert.deepEqual(encodeHeartRateMeasurement({ hr: note.hr, rrMs: note.rrMs, contact: true }), packet);
  }
  assert.equal(parsedRr.length, 30);
});

test('it converts RR from 1/1024 s units to float milliseconds', () => {
  // 1024 units = exactly 1000 ms; 861 units = 840.8203125 ms
  const p = parseHeartRateMeasurement(Uint8Array.of(0x10, 60, 0x00, 0x04, 0x5d, 0x03));
  assert.deepEqual(p.rrMs, [1000, 840.8203125]);
  assert.equal(p.contactSupported, false);
  assert.equal(p.contactDetected, false);
});

test('it reads a 16-bit heart rate, little-endian', () => {
  const p = parseHeartRateMeasurement(Uint8Array.of(0x01, 0x2c, 0x01)); // 300 bpm
  assert.equal(p.hr, 300);
  assert.deepEqual(p.rrMs, []);
  const q = parseHeartRateMeasurement(Uint8Array.of(0x11, 0x48, 0x00, 0x00, 0x03)); // 72 bpm, 768 units
  assert.equal(q.hr, 72);
  assert.deepEqual(q.rrMs, [750]);
});

test('it reads energy expended before the RR values', () => {
  // flags 0x18: energy + RR; hr 80; energy 0x0102 = 258 kJ; RR 0x0300 = 750 ms
  const p = parseHeartRateMeasurement(Uint8Array.of(0x18, 80, 0x02, 0x01, 0x00, 0x03));
  assert.equal(p.hr, 80);
  assert.equal(p.energyExpended, 258);
  assert.deepEqual(p.rrMs, [750]);
  const wide = parseHeartRateMeasurement(Uint8Array.of(0x09, 0x50, 0x00, 0xff, 0xff));
  assert.equal(wide.hr, 80);
  assert.equal(wide.energyExpended, 65535);
});

test('a packet without the RR flag has no RR values even if bytes follow', () => {
  const p = parseHeartRateMeasurement(Uint8Array.of(0x06, 70));
  assert.deepEqual(p.rrMs, []);
  assert.equal(p.energyExpended, null);
  const extra = parseHeartRateMeasurement(Uint8Array.of(0x00, 70, 0x12, 0x34));
  assert.deepEqual(extra.rrMs, []);
});

test('it reads the two sensor contact bits', () => {
  const contact = (flags) => {
    const { contactSupported, contactDetected } = parseHeartRateMeasurement(Uint8Array.of(flags, 70));
    return [contactSupported, contactDetected];
  };
  assert.deepEqual(contact(0b000), [false, false]);
  assert.deepEqual(contact(0b010), [false, false], 'detected without supported means nothing');
  assert.deepEqual(contact(0b100), [true, false]);
  assert.deepEqual(contact(0b110), [true, true]);
});

test('it accepts a DataView into a larger buffer and an ArrayBuffer', () => {
  const buf = Uint8Array.of(0xaa, 0xbb, 0x10, 65, 0x00, 0x04, 0xcc).buffer;
  assert.deepEqual(parseHeartRateMeasurement(new DataView(buf, 2, 4)).rrMs, [1000]);
  assert.equal(parseHeartRateMeasurement(Uint8Array.of(0x00, 99).buffer).hr, 99);
  assert.throws(() => parseHeartRateMeasurement([0, 60]), TypeError);
});

test('it rejects truncated packets with a clear message', () => {
  assert.throws(() => parseHeartRateMeasurement(new Uint8Array(0)), /empty/);
  assert.throws(() => parseHeartRateMeasurement(Uint8Array.of(0x00)), /truncated.*8-bit heart rate/);
  assert.throws(() => parseHeartRateMeasurement(Uint8Array.of(0x01, 0x48)), /truncated.*16-bit heart rate.*only 2 bytes/);
  assert.throws(() => parseHeartRateMeasurement(Uint8Array.of(0x08, 70, 0x01)), /truncated.*energy expended/);
  assert.throws(() => parseHeartRateMeasurement(Uint8Array.of(0x10, 70, 0x00, 0x04, 0x01)), /truncated.*RR data/);
  assert.throws(() => parseHeartRateMeasurement(Uint8Array.of(0x18, 70, 0x01, 0x00, 0x00)), /truncated/);
});

test('the encoder rounds RR to 1/1024 s and round-trips every field', () => {
  const bytes = encodeHeartRateMeasurement({ hr: 300, rrMs: [421, 999.6], contact: false, energy: 1234 });
  assert.equal(bytes[0], 0x01 | 0x04 | 0x08 | 0x10);
  const p = parseHeartRateMeasurement(bytes);
  assert.equal(p.hr, 300);
  assert.equal(p.contactSupported, true);
  assert.equal(p.contactDetected, false);
  assert.equal(p.energyExpended, 1234);
  assert.equal(p.rrMs[0], 431 * RR_UNIT_MS); // 421 ms * 1.024 = 431.1 -> 431 units
  assert.equal(p.rrMs[1], 1024 * RR_UNIT_MS); // 999.6 ms -> 1023.6 -> 1024 units
  assert.deepEqual(encodeHeartRateMeasurement({ hr: 70 }), Uint8Array.of(0x00, 70));
  assert.deepEqual(encodeHeartRateMeasurement({ hr: 70, wide: true }), Uint8Array.of(0x01, 70, 0));
});

test('the encoder refuses values that do not fit the format', () => {
  assert.throws(() => encodeHeartRateMeasurement({ hr: 70.5 }), /hr must be an integer/);
  assert.throws(() => encodeHeartRateMeasurement({ hr: -1 }), RangeError);
  assert.throws(() => encodeHeartRateMeasurement({ hr: 70, rrMs: [64_000] }), /rrMs\[0\]/);
  assert.throws(() => encodeHeartRateMeasurement({ hr: 70, rrMs: [NaN] }), /finite/);
  assert.throws(() => encodeHeartRateMeasurement({ hr: 70, energy: 70_000 }), /energy/);
});
