#!/usr/bin/env node
// Runs a Faasm function module under Node.js (node:wasi + a JS shim of the
// Faasm host interface), following docs/abi.md. For testing functions without
// the platform, and as the Node side of a Chicory-vs-Node benchmark.
//
//   node func/tools/run-node.mjs [options] <function.wasm> [input]
//
// The module is wasm/<user>/<function>/function.wasm; chained calls by name go
// to wasm/<user>/<name>/function.wasm next to it (same user).
// The call's output goes to stdout (raw bytes, or hex with --hex); the return
// code, chained calls and the function's logs (stdout when it is not the
// output, stderr) go to stderr. Exit status: 0 = call succeeded, 1 = failed.
//
// Options:
//   --hex             print the output as hex
//   --input-hex HEX   input given as hex instead of [input]
//   --input-file F    input read from file F
//   --no-chain        original API: list the recorded chained calls, do not run them
//   --time K          timing mode: run the entry K times (after --warmup runs) in
//                     one instance and print "runs=K ns_per_run=N" (and min) to stderr
//   --warmup W        timing mode: W untimed runs first (default: K/10, at least 1)
//   --fresh           timing mode: a new instance (and WASI) for every run
//   --quiet           no diagnostics on stderr (only the function's logs)
//
// Entry points (docs/abi.md): exports exec -> original API (struct FaasmMemory
// placed above the module's memory, grown by the shim before exec); otherwise
// _start (WASI command, host interface). Limits: output 16 MiB, 16 recorded
// chains (original API), chain depth 16. No timeout or memory limit here.

import { readFileSync, writeFileSync, openSync, closeSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

// node:wasi is experimental: keep its warning off stderr.
const emitWarning = process.emitWarning;
process.emitWarning = (w, ...rest) => {
  if (String(w?.message ?? w).includes('WASI')) return;
  emitWarning.call(process, w, ...rest);
};
const { WASI } = await import('node:wasi');

const MAX_OUTPUT = 16 * 1024 * 1024;
const MAX_CHAINS = 16;
const NAME_SLOT = 64;
const CHAIN_INPUT_SLOT = 16384;
const MIN_OUTPUT_CAPACITY = 65536;
const MAX_DEPTH = 16; // FAASM_MAX_CHAIN_DEPTH default
const PAGE = 65536;

const opts = { hex: false, noChain: false, time: 0, warmup: -1, fresh: false, quiet: false };
let wasmPath = null;
let input = null;
{
  const args = process.argv.slice(2);
  const usage = () => {
    console.error('usage: run-node.mjs [--hex] [--input-hex HEX | --input-file F] [--no-chain] ' +
      '[--time K [--warmup W] [--fresh]] [--quiet] <function.wasm> [input]');
    process.exit(2);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--hex') opts.hex = true;
    else if (a === '--no-chain') opts.noChain = true;
    else if (a === '--fresh') opts.fresh = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--time') opts.time = parseInt(args[++i], 10);
    else if (a === '--warmup') opts.warmup = parseInt(args[++i], 10);
    else if (a === '--input-hex') input = Buffer.from(args[++i] ?? '', 'hex');
    else if (a === '--input-file') input = readFileSync(args[++i]);
    else if (a.startsWith('--')) usage();
    else if (wasmPath === null) wasmPath = resolve(a);
    else if (input === null) input = Buffer.from(a, 'utf8');
    else usage();
  }
  if (wasmPath === null || Number.isNaN(opts.time) || Number.isNaN(opts.warmup)) usage();
  if (input === null) input = Buffer.alloc(0);
}

const diag = (msg) => { if (!opts.quiet) process.stderr.write(`${msg}\n`); };
const work = mkdtempSync(join(tmpdir(), 'faasm-node-'));
let fileCounter = 0;
const moduleCache = new Map();

function loadModule(path) {
  let m = moduleCache.get(path);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(path));
    // Upload rule (docs/abi.md): only WASI and env.__faasm_* imports.
    for (const imp of WebAssembly.Module.imports(m)) {
      if (imp.module === 'wasi_snapshot_preview1') continue;
      if (imp.module === 'env' && imp.name.startsWith('__faasm_')) continue;
      throw new Error(`rejected: unknown import ${imp.module}.${imp.name}`);
    }
    const names = WebAssembly.Module.exports(m).map((e) => e.name);
    if (!names.includes('exec') && !names.includes('_start')) {
      throw new Error('rejected: no entry point: export exec or _start');
    }
    moduleCache.set(path, m);
  }
  return m;
}

function describe(path) {
  return `${basename(dirname(dirname(path)))}/${basename(dirname(path))}`;
}

const preview = (buf) => {
  const printable = buf.length > 0 && buf.every((b) => (b >= 0x20 && b < 0x7f) || b === 10);
  const s = printable ? JSON.stringify(buf.toString('latin1')) : `hex:${buf.toString('hex')}`;
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

let nextHandle = 1;

// One function invocation in a fresh instance. entry: 'auto' | { ptr: tableIndex }.
// timing: { warmup, runs, times } runs the entry warmup + runs times in that instance.
// Returns { rc, output, error, chains, logs }.
function invoke(path, callInput, entry = 'auto', depth = 0, timing = null) {
  if (depth > MAX_DEPTH) return { rc: 1, output: Buffer.alloc(0), error: 'chain depth limit', chains: [] };
  const tag = `${work}/${fileCounter++}`;
  writeFileSync(`${tag}.in`, callInput);
  const fdIn = openSync(`${tag}.in`, 'r');
  const fdOut = openSync(`${tag}.out`, 'w+');
  const fdErr = openSync(`${tag}.err`, 'w+');
  const state = { input: callInput, output: null, instance: null };
  const result = { rc: 1, output: Buffer.alloc(0), error: null, chains: [], logs: '' };
  try {
    const module = loadModule(path);
    const wasi = new WASI({ version: 'preview1', args: [describe(path)], env: {}, stdin: fdIn, stdout: fdOut, stderr: fdErr, returnOnExit: true });
    const env = hostInterface(path, state, depth);
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, env });
    state.instance = instance;
    const ex = instance.exports;
    let run;
    if (typeof entry === 'object') {
      const fn = ex.__indirect_function_table?.get(entry.ptr);
      if (typeof fn !== 'function') throw new Error(`chain_ptr: no function at table index ${entry.ptr} (is the table exported?)`);
      run = () => fn();
    } else if (ex.exec) {
      run = execRunner(ex, state, callInput, result);
    } else {
      run = () => { ex._start(); return 0; };
    }
    // Node's WASI binds memory and catches proc_exit in start(); hand it the entry as "_start".
    const runs = timing ? timing.warmup + timing.runs : 1;
    const times = [];
    const fake = {
      exports: {
        memory: ex.memory,
        _start: () => {
          for (let i = 0; i < runs; i++) {
            state.output = null;
            const t0 = process.hrtime.bigint();
            result.rc = run();
            if (timing && i >= timing.warmup) times.push(Number(process.hrtime.bigint() - t0));
          }
        },
      },
    };
    result.rc = 0;
    const exit = wasi.start(fake); // the proc_exit code, if the module called proc_exit
    if (typeof exit === 'number' && exit !== 0) result.rc = exit;
    if (timing) timing.times.push(...times);
  } catch (e) {
    result.rc = 1;
    result.error = e instanceof WebAssembly.RuntimeError || e instanceof RangeError
      ? `trap: ${e.message}` : (e?.message ?? String(e));
  } finally {
    closeSync(fdIn); closeSync(fdOut); closeSync(fdErr);
  }
  const stdout = readFileSync(`${tag}.out`);
  const stderr = readFileSync(`${tag}.err`);
  rmSync(`${tag}.in`); rmSync(`${tag}.out`); rmSync(`${tag}.err`);
  if (result.execOutput) {
    result.output = result.execOutput;
    if (stdout.length) result.logs += stdout.toString();
  } else if (state.output !== null) {
    result.output = state.output;
    if (stdout.length) result.logs += stdout.toString();
  } else {
    result.output = stdout;
    result.outputIsStdout = true;
  }
  result.logs += stderr.toString();
  if (result.output.length > MAX_OUTPUT && result.rc === 0) {
    result.rc = 1;
    result.error = `output too large: ${result.output.length} bytes > ${MAX_OUTPUT}`;
  }
  // Original API: recorded chained calls are dispatched only after success, to the same user.
  if (result.rc === 0 && !timing) {
    for (const c of result.chains) {
      const label = `${basename(dirname(dirname(path)))}/${c.name}`;
      diag(`[chain from ${describe(path)}] ${label} input=${preview(c.input)}`);
      if (opts.noChain) continue;
      report(label, invokeNamed(path, c.name, c.input, depth + 1));
    }
  }
  return result;
}

// A call to function `name` of the same user as the module at `path`.
function invokeNamed(path, name, callInput, depth) {
  const target = join(dirname(dirname(path)), name, 'function.wasm');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name) || !existsSync(target)) {
    return { rc: 1, output: Buffer.alloc(0), error: `no function ${basename(dirname(dirname(path)))}/${name}`, logs: '', chains: [] };
  }
  return invoke(target, callInput, 'auto', depth);
}

function report(label, r) {
  diag(`[chained ${label}] rc=${r.rc}${r.error ? ` error=${r.error}` : ''} output=${preview(r.output)}`);
  if (r.logs && !opts.quiet) process.stderr.write(r.logs.replace(/^(?=.)/gm, `[${label} log] `));
}

// Original API: builds struct FaasmMemory above the module's memory and returns a runner for exec().
function execRunner(ex, state, callInput, result) {
  if (ex._initialize) ex._initialize();
  const cap = Math.max(callInput.length, MIN_OUTPUT_CAPACITY);
  const size = 36 + 4 + 4 * MAX_CHAINS + MAX_CHAINS * NAME_SLOT + MAX_CHAINS * CHAIN_INPUT_SLOT + callInput.length + cap;
  const base = ex.memory.buffer.byteLength;
  ex.memory.grow(Math.ceil(size / PAGE));
  const p = { struct: base };
  p.chainCount = p.struct + 36;
  p.chainInputLengths = p.chainCount + 4;
  p.chainFunctions = p.chainInputLengths + 4 * MAX_CHAINS;
  p.chainInputs = p.chainFunctions + MAX_CHAINS * NAME_SLOT;
  p.input = p.chainInputs + MAX_CHAINS * CHAIN_INPUT_SLOT;
  p.output = p.input + callInput.length;
  return () => {
    const mem = Buffer.from(ex.memory.buffer);
    mem.fill(0, base, base + size);
    callInput.copy(mem, p.input);
    const dv = new DataView(ex.memory.buffer);
    const fields = [p.input, p.output, p.chainFunctions, p.chainInputs, p.chainCount, callInput.length, -1, cap, p.chainInputLengths];
    fields.forEach((v, i) => dv.setInt32(p.struct + 4 * i, v, true));
    const rc = ex.exec(p.struct);
    const m = Buffer.from(ex.memory.buffer);
    const d = new DataView(ex.memory.buffer);
    const outLen = d.getInt32(p.struct + 24, true);
    let out;
    if (outLen >= 0) {
      if (outLen > cap) throw new Error(`outputLength ${outLen} > outputCapacity ${cap}`);
      out = Buffer.from(m.subarray(p.output, p.output + outLen));
    } else {
      let end = cap;
      while (end > 0 && m[p.output + end - 1] === 0) end--;
      out = Buffer.from(m.subarray(p.output, p.output + end));
    }
    result.execOutput = out;
    const count = d.getInt32(p.chainCount, true);
    if (count < 0 || count > MAX_CHAINS) throw new Error(`bad chainCount ${count}`);
    result.chains = [];
    for (let i = 0; i < count; i++) {
      const nameBytes = m.subarray(p.chainFunctions + i * NAME_SLOT, p.chainFunctions + (i + 1) * NAME_SLOT);
      const nul = nameBytes.indexOf(0);
      const len = d.getInt32(p.chainInputLengths + 4 * i, true);
      if (nul <= 0 || len < 0 || len > CHAIN_INPUT_SLOT) throw new Error(`bad chained call slot ${i}`);
      const start = p.chainInputs + i * CHAIN_INPUT_SLOT;
      result.chains.push({ name: nameBytes.subarray(0, nul).toString('utf8'), input: Buffer.from(m.subarray(start, start + len)) });
    }
    return rc;
  };
}

// Shared state (docs/abi.md "Shared state"), in memory for this process: global values and appended lists shared by
// every call of the run, a local copy per call (present/dirty bytes, optionally mapped into guest memory). Chained
// calls run synchronously, so a lock is only ever waited for by a call nested in its holder: that fails at once.
const globalState = { values: new Map(), lists: new Map(), locks: new Set() };

function stateFunctions(state, mem, cstring, bytes) {
  const copies = new Map();
  const held = new Set();
  const fromGuest = (v) => { if (v.mapped >= 0) mem().copy(v.bytes, 0, v.mapped, v.mapped + v.bytes.length); };
  const toGuest = (v) => { if (v.mapped >= 0) v.bytes.copy(mem(), v.mapped); };
  const value = (key, size) => {
    let v = copies.get(key);
    if (v && v.bytes.length === size) return v;
    if (size < 0) throw new Error(`state key '${key}': negative size ${size}`);
    if (v && v.mapped >= 0) throw new Error(`state key '${key}' is mapped with size ${v.bytes.length}, not ${size}`);
    const nv = { bytes: Buffer.alloc(size), present: new Uint8Array(size), dirty: new Uint8Array(size), mapped: -1 };
    if (v) {
      const n = Math.min(size, v.bytes.length);
      v.bytes.copy(nv.bytes, 0, 0, n);
      nv.present.set(v.present.subarray(0, n));
      nv.dirty.set(v.dirty.subarray(0, n));
    }
    copies.set(key, nv);
    return nv;
  };
  const ensure = (key, v, off, len) => {
    const g = globalState.values.get(key) ?? Buffer.alloc(0);
    for (let i = off; i < off + len; i++) {
      if (!v.present[i] && !v.dirty[i]) v.bytes[i] = i < g.length ? g[i] : 0;
      v.present[i] = 1;
    }
  };
  const checkRange = (key, v, off, len) => {
    if (off < 0 || len < 0 || off + len > v.bytes.length) {
      throw new Error(`range [${off}, ${off + len}) outside state key '${key}' of ${v.bytes.length} bytes`);
    }
  };
  const writeRuns = (key, v, selected) => {
    let g = globalState.values.get(key) ?? Buffer.alloc(0);
    let end = 0;
    for (let i = 0; i < v.bytes.length; i++) if (selected[i]) end = i + 1;
    if (end > g.length) { const n = Buffer.alloc(end); g.copy(n); g = n; }
    for (let i = 0; i < end; i++) if (selected[i]) g[i] = v.bytes[i];
    globalState.values.set(key, g);
    v.dirty.fill(0);
  };
  const map = (v) => {
    if (v.mapped < 0) {
      const ptr = state.instance.exports.malloc(Math.max(1, v.bytes.length));
      if (ptr === 0) throw new Error('mapping state: malloc failed');
      v.mapped = ptr;
    }
    toGuest(v);
  };
  const lock = (name) => {
    if (globalState.locks.has(name)) throw new Error(`state lock ${name} is held (the shim runs chained calls inside their caller)`);
    globalState.locks.add(name);
    held.add(name);
  };
  const unlock = (name) => {
    if (!held.delete(name)) throw new Error(`state lock ${name} is not held by this call`);
    globalState.locks.delete(name);
  };
  return {
    __faasm_read_state(k, buf, len) {
      const key = cstring(k);
      if (len === 0) return copies.get(key)?.bytes.length ?? (globalState.values.get(key)?.length ?? 0);
      const v = value(key, len); fromGuest(v); ensure(key, v, 0, len); toGuest(v);
      v.bytes.copy(mem(), buf);
      return len;
    },
    __faasm_read_state_size(k) {
      const key = cstring(k);
      return copies.get(key)?.bytes.length ?? (globalState.values.get(key)?.length ?? 0);
    },
    __faasm_read_state_ptr(k, total) {
      const key = cstring(k);
      const v = value(key, total); fromGuest(v); ensure(key, v, 0, total); map(v);
      return v.mapped;
    },
    __faasm_read_state_offset(k, total, off, buf, len) {
      const key = cstring(k);
      const v = value(key, total); checkRange(key, v, off, len); fromGuest(v); ensure(key, v, off, len); toGuest(v);
      v.bytes.copy(mem(), buf, off, off + len);
    },
    __faasm_read_state_offset_ptr(k, total, off, len) {
      const key = cstring(k);
      const v = value(key, total); checkRange(key, v, off, len); fromGuest(v); ensure(key, v, off, len); map(v);
      return v.mapped + off;
    },
    __faasm_write_state(k, data, len) {
      const key = cstring(k);
      const d = bytes(data, len);
      const v = value(key, len); d.copy(v.bytes); v.present.fill(1); v.dirty.fill(1); toGuest(v);
    },
    __faasm_write_state_offset(k, total, off, data, len) {
      const key = cstring(k);
      const d = bytes(data, len);
      const v = value(key, total); checkRange(key, v, off, len); fromGuest(v);
      d.copy(v.bytes, off); v.present.fill(1, off, off + len); v.dirty.fill(1, off, off + len); toGuest(v);
    },
    __faasm_flag_state_dirty(k, total) {
      const v = value(cstring(k), total); fromGuest(v); v.present.fill(1); v.dirty.fill(1);
    },
    __faasm_flag_state_offset_dirty(k, total, off, len) {
      const key = cstring(k);
      const v = value(key, total); checkRange(key, v, off, len); fromGuest(v);
      v.present.fill(1, off, off + len); v.dirty.fill(1, off, off + len);
    },
    __faasm_push_state(k) {
      const key = cstring(k);
      const v = copies.get(key);
      if (!v || !v.dirty.includes(1)) return;
      fromGuest(v);
      if (!v.present.includes(0)) { globalState.values.set(key, Buffer.from(v.bytes)); v.dirty.fill(0); } else writeRuns(key, v, v.dirty);
    },
    __faasm_push_state_partial(k) {
      const key = cstring(k);
      const v = copies.get(key);
      if (v) { fromGuest(v); writeRuns(key, v, v.dirty); }
    },
    __faasm_push_state_partial_mask(k, m) {
      const key = cstring(k);
      const maskKey = cstring(m);
      const v = copies.get(key);
      const mask = copies.get(maskKey);
      if (!v) return;
      if (!mask || mask.bytes.length !== v.bytes.length) throw new Error(`mask '${maskKey}' has no local copy of ${v.bytes.length} bytes`);
      fromGuest(v); fromGuest(mask);
      writeRuns(key, v, mask.bytes);
    },
    __faasm_pull_state(k, len) {
      const key = cstring(k);
      const v = value(key, len);
      const g = globalState.values.get(key) ?? Buffer.alloc(0);
      v.bytes.fill(0); g.copy(v.bytes, 0, 0, Math.min(g.length, len)); v.present.fill(1); v.dirty.fill(0); toGuest(v);
    },
    __faasm_append_state(k, data, len) {
      const key = cstring(k);
      if (!globalState.lists.has(key)) globalState.lists.set(key, []);
      globalState.lists.get(key).push(bytes(data, len));
    },
    __faasm_read_appended_state(k, buf, len, n) {
      const out = Buffer.alloc(len);
      let at = 0;
      for (const e of (globalState.lists.get(cstring(k)) ?? []).slice(0, n)) {
        if (at + e.length > len) throw new Error('appended elements do not fit in the buffer');
        e.copy(out, at); at += e.length;
      }
      out.copy(mem(), buf);
    },
    __faasm_clear_appended_state(k) { globalState.lists.delete(cstring(k)); },
    __faasm_write_state_from_file(k, p) { throw new Error(`no file system to read '${cstring(p)}' for state key '${cstring(k)}'`); },
    __faasm_lock_state_global(k) { lock(`global ${cstring(k)}`); },
    __faasm_unlock_state_global(k) { unlock(`global ${cstring(k)}`); },
    __faasm_lock_state_read(k) { lock(`local ${cstring(k)}`); },
    __faasm_unlock_state_read(k) { unlock(`local ${cstring(k)}`); },
    __faasm_lock_state_write(k) { lock(`local ${cstring(k)}`); },
    __faasm_unlock_state_write(k) { unlock(`local ${cstring(k)}`); },
  };
}

// env.__faasm_* for one instance. Chained calls run synchronously at dispatch time.
function hostInterface(path, state, depth) {
  const mem = () => Buffer.from(state.instance.exports.memory.buffer);
  const dv = () => new DataView(state.instance.exports.memory.buffer);
  const calls = new Map();
  const cstring = (ptr) => { const m = mem(); let e = ptr; while (m[e] !== 0) e++; return m.toString('utf8', ptr, e); };
  const bytes = (ptr, len) => Buffer.from(mem().subarray(ptr, ptr + len));
  const awaitHandle = (h) => {
    const r = calls.get(h >>> 0);
    if (!r) throw new Error(`await of unknown call handle ${h >>> 0}`);
    return r;
  };
  const env = {
    __faasm_read_input(buf, bufLen) {
      if (bufLen === 0) return state.input.length;
      const n = Math.min(bufLen, state.input.length);
      state.input.copy(mem(), buf, 0, n);
      return n;
    },
    __faasm_write_output(ptr, len) {
      state.output = bytes(ptr, len);
    },
    __faasm_chain_name(namePtr, inPtr, inLen) {
      const name = cstring(namePtr);
      const r = invokeNamed(path, name, bytes(inPtr, inLen), depth + 1);
      report(`${basename(dirname(dirname(path)))}/${name}`, r);
      const h = nextHandle++;
      calls.set(h, r);
      return h;
    },
    __faasm_chain_ptr(fnIdx, inPtr, inLen) {
      const label = `${describe(path)}#${fnIdx}`;
      const r = invoke(path, bytes(inPtr, inLen), { ptr: fnIdx }, depth + 1);
      report(label, r);
      const h = nextHandle++;
      calls.set(h, r);
      return h;
    },
    __faasm_await_call(h) {
      return awaitHandle(h).rc;
    },
    __faasm_await_call_output(h, outPtrPtr, outLenPtr) {
      const r = awaitHandle(h);
      const malloc = state.instance.exports.malloc;
      if (typeof malloc !== 'function') throw new Error('__faasm_await_call_output: module does not export malloc');
      const ptr = malloc(Math.max(r.output.length, 1));
      if (ptr === 0) throw new Error('__faasm_await_call_output: malloc failed');
      r.output.copy(mem(), ptr);
      dv().setInt32(outPtrPtr, ptr, true);
      dv().setInt32(outLenPtr, r.output.length, true);
      return r.rc;
    },
  };
  Object.assign(env, stateFunctions(state, mem, cstring, bytes));
  // Other Faasm host functions are stubs that fail the call (docs/abi.md).
  return new Proxy(env, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === 'string' && prop.startsWith('__faasm_')) {
        return () => { throw new Error(`unsupported host function env.${prop}`); };
      }
      return undefined;
    },
  });
}

if (opts.time > 0) opts.quiet = true; // timing: no per-call diagnostics
let status = 1;
try {
  if (opts.time > 0) {
    const warmup = opts.warmup >= 0 ? opts.warmup : Math.max(1, Math.floor(opts.time / 10));
    const timing = { runs: opts.time, warmup, times: [] };
    let r;
    if (opts.fresh) {
      for (let i = 0; i < warmup + opts.time; i++) {
        const t0 = process.hrtime.bigint();
        r = invoke(wasmPath, input);
        if (i >= warmup) timing.times.push(Number(process.hrtime.bigint() - t0));
        if (r.rc !== 0) break;
      }
    } else {
      r = invoke(wasmPath, input, 'auto', 0, { ...timing, times: timing.times });
    }
    if (r.rc !== 0) throw new Error(`call failed: rc=${r.rc}${r.error ? ` ${r.error}` : ''}`);
    const t = timing.times;
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    process.stdout.write(opts.hex ? `${r.output.toString('hex')}\n` : r.output);
    process.stderr.write(`runs=${t.length} ns_per_run=${Math.round(mean)} min_ns=${Math.min(...t)} mode=${opts.fresh ? 'fresh-instance' : 'same-instance'}\n`);
    status = 0;
  } else {
    const r = invoke(wasmPath, input);
    if (r.logs) process.stderr.write(r.logs);
    if (r.rc === 0) {
      process.stdout.write(opts.hex ? `${r.output.toString('hex')}\n` : r.output);
    } else if (r.outputIsStdout && r.output.length) {
      process.stderr.write(r.output); // a failed call has no output: its stdout is only logs
    }
    diag(`[${describe(wasmPath)}] rc=${r.rc}${r.error ? ` error=${r.error}` : ''} output_bytes=${r.output.length}`);
    status = r.rc === 0 ? 0 : 1;
  }
} catch (e) {
  console.error(`run-node: ${e.message}`);
  status = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(status);
