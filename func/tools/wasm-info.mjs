#!/usr/bin/env node
// Prints the imports and exports of wasm modules, with function types, and the
// post-MVP instruction sets their code uses. Needs only Node.js (no wabt).
//
//   node func/tools/wasm-info.mjs <a.wasm> [b.wasm ...]
//   node func/tools/wasm-info.mjs --check-features <a.wasm> ...
//
// Output, one line each:
//   import <module>.<name> func (i32,i32)->i32
//   export <name> func ()->()          (or memory / table / global)
//   memory initial=<pages> [max=<pages>]
//   features <comma list or "mvp">
// --check-features exits 1 if any module uses SIMD (0xFD prefix), threads
// (0xFE prefix) or an opcode this walker does not know. Chicory does not run
// SIMD, so func/build.sh runs this on every module it builds.

import { readFileSync } from 'node:fs';

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS = ['func', 'table', 'memory', 'global', 'tag'];

class Reader {
  constructor(buf, pos = 0, end = buf.length) { this.buf = buf; this.pos = pos; this.end = end; }
  byte() {
    if (this.pos >= this.end) throw new Error('unexpected end of data');
    return this.buf[this.pos++];
  }
  u32() {
    let result = 0, shift = 0, b;
    do { b = this.byte(); result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  }
  sleb() { let b; do { b = this.byte(); } while (b & 0x80); } // value not needed
  skip(n) { this.pos += n; if (this.pos > this.end) throw new Error('unexpected end of data'); }
  name() { const n = this.u32(); const s = this.buf.toString('utf8', this.pos, this.pos + n); this.skip(n); return s; }
  valtype() { const b = this.byte(); return VALTYPES[b] ?? `0x${b.toString(16)}`; }
  limits() { const flags = this.byte(); const min = this.u32(); const max = (flags & 1) ? this.u32() : undefined; return { min, max, shared: !!(flags & 2) }; }
}

export function inspect(buf) {
  if (buf.readUInt32LE(0) !== 0x6d736100 || buf.readUInt32LE(4) !== 1) throw new Error('not a wasm module');
  const types = [], imports = [], exports = [], funcTypes = [], memories = [];
  const features = new Set();
  const bad = [];
  const r = new Reader(buf, 8);
  while (r.pos < buf.length) {
    const id = r.byte();
    const size = r.u32();
    const s = new Reader(buf, r.pos, r.pos + size);
    r.skip(size);
    if (id === 1) {
      for (let n = s.u32(); n > 0; n--) {
        if (s.byte() !== 0x60) throw new Error('bad functype');
        const params = []; for (let k = s.u32(); k > 0; k--) params.push(s.valtype());
        const results = []; for (let k = s.u32(); k > 0; k--) results.push(s.valtype());
        types.push(`(${params.join(',')})->${results.length === 1 ? results[0] : `(${results.join(',')})`}`);
      }
    } else if (id === 2) {
      for (let n = s.u32(); n > 0; n--) {
        const module = s.name(), name = s.name(), kind = s.byte();
        let desc = '';
        if (kind === 0) { const t = s.u32(); desc = types[t]; funcTypes.push(t); }
        else if (kind === 1) { s.byte(); s.limits(); }
        else if (kind === 2) { const l = s.limits(); memories.push(l); desc = `initial=${l.min}`; }
        else if (kind === 3) { s.byte(); s.byte(); }
        else throw new Error(`unknown import kind ${kind}`);
        imports.push({ module, name, kind: KINDS[kind], type: desc });
      }
    } else if (id === 3) {
      for (let n = s.u32(); n > 0; n--) funcTypes.push(s.u32());
    } else if (id === 5) {
      for (let n = s.u32(); n > 0; n--) memories.push(s.limits());
    } else if (id === 7) {
      for (let n = s.u32(); n > 0; n--) {
        const name = s.name(), kind = s.byte(), index = s.u32();
        exports.push({ name, kind: KINDS[kind], type: kind === 0 ? types[funcTypes[index]] : '' });
      }
    } else if (id === 10) {
      for (let n = s.u32(); n > 0; n--) {
        const bodySize = s.u32();
        const body = new Reader(buf, s.pos, s.pos + bodySize);
        s.skip(bodySize);
        for (let k = body.u32(); k > 0; k--) { body.u32(); const t = body.valtype(); if (t === 'v128') features.add('simd'); }
        walkCode(body, features, bad);
      }
    }
  }
  return { imports, exports, memories, features: [...features].sort(), bad };
}

function blocktype(r) {
  const b = r.buf[r.pos];
  if (b === 0x40 || VALTYPES[b]) { r.pos++; if (b === 0x7b) return 'simd'; return null; }
  r.sleb(); return 'multi-value';
}

function walkCode(r, features, bad) {
  while (r.pos < r.end) {
    const op = r.byte();
    if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b) continue;
    if (op >= 0x02 && op <= 0x04) { const f = blocktype(r); if (f) features.add(f); continue; }
    if (op === 0x0c || op === 0x0d || op === 0x10) { r.u32(); continue; }
    if (op === 0x0e) { for (let n = r.u32(); n > 0; n--) r.u32(); r.u32(); continue; }
    if (op === 0x11) { r.u32(); const t = r.u32(); if (t !== 0) features.add('reference-types'); continue; }
    if (op === 0x12 || op === 0x13) { features.add('tail-call'); r.u32(); if (op === 0x13) r.u32(); continue; }
    if (op === 0x1c) { features.add('reference-types'); for (let n = r.u32(); n > 0; n--) r.byte(); continue; }
    if (op >= 0x20 && op <= 0x24) { r.u32(); continue; }
    if (op === 0x25 || op === 0x26) { features.add('reference-types'); r.u32(); continue; }
    if (op >= 0x28 && op <= 0x3e) { r.u32(); r.u32(); continue; }
    if (op === 0x3f || op === 0x40) { r.u32(); continue; }
    if (op === 0x41 || op === 0x42) { r.sleb(); continue; }
    if (op === 0x43) { r.skip(4); continue; }
    if (op === 0x44) { r.skip(8); continue; }
    if (op >= 0x45 && op <= 0xbf) continue;
    if (op >= 0xc0 && op <= 0xc4) { features.add('sign-ext'); continue; }
    if (op === 0xd0) { features.add('reference-types'); r.byte(); continue; }
    if (op === 0xd1) { features.add('reference-types'); continue; }
    if (op === 0xd2) { features.add('reference-types'); r.u32(); continue; }
    if (op === 0xfc) {
      const sub = r.u32();
      if (sub <= 7) { features.add('sat-float-to-int'); continue; }
      features.add(sub >= 12 ? 'reference-types' : 'bulk-memory');
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { r.u32(); r.u32(); continue; }
      if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) { r.u32(); continue; }
      bad.push(`unknown opcode 0xfc ${sub}`); return;
    }
    if (op === 0xfd) { features.add('simd'); bad.push('SIMD instruction (0xfd prefix)'); return; }
    if (op === 0xfe) { features.add('threads'); bad.push('atomic instruction (0xfe prefix)'); return; }
    bad.push(`unknown opcode 0x${op.toString(16)}`); return;
  }
}

function main(argv) {
  let checkFeatures = false;
  const files = [];
  for (const a of argv) {
    if (a === '--check-features') checkFeatures = true;
    else if (a.startsWith('-')) { console.error(`unknown option ${a}`); process.exit(2); }
    else files.push(a);
  }
  if (files.length === 0) {
    console.error('usage: wasm-info.mjs [--check-features] <module.wasm> ...');
    process.exit(2);
  }
  let failed = false;
  for (const f of files) {
    const info = inspect(readFileSync(f));
    if (files.length > 1) console.log(`== ${f}`);
    for (const i of info.imports) console.log(`import ${i.module}.${i.name} ${i.kind} ${i.type}`.trimEnd());
    for (const e of info.exports) console.log(`export ${e.name} ${e.kind} ${e.type}`.trimEnd());
    for (const m of info.memories) console.log(`memory initial=${m.min}${m.max !== undefined ? ` max=${m.max}` : ''}`);
    console.log(`features ${info.features.length ? info.features.join(',') : 'mvp'}`);
    if (checkFeatures && (info.bad.length || info.features.includes('simd'))) {
      console.error(`${f}: ${info.bad.join('; ') || 'uses v128'}`);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('wasm-info.mjs')) {
  main(process.argv.slice(2));
}
