/*
 * Faasm host interface: functions imported from wasm module "env".
 *
 * Binding contract: docs/abi.md ("Host interface"). Every declaration here is
 * a wasm import, but wasm-ld only emits an import for a function that is
 * actually called, so including this header costs nothing: a module imports
 * exactly the __faasm_* functions it uses.
 *
 * A function using this API is a WASI command (C main(); return value =
 * return code, non-zero = failed call). Its output is what it passes to
 * faasmSetOutput() (the last call wins); if it never calls it, its stdout is
 * the output. Such a module must export malloc (link with
 * -Wl,--export=malloc; func/build.sh does this) because the host allocates the
 * buffer returned by faasmAwaitCallOutput() through it.
 *
 * In wasm32 `long`, `int` and pointers are all i32.
 */
#ifndef FAASM_HOST_INTERFACE_H
#define FAASM_HOST_INTERFACE_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__wasm__)
#define FAASM_IMPORT(name) __attribute__((import_module("env"), import_name(name)))
#else
/* Native builds: declarations only (weak, so a native program links if it never calls them). */
#define FAASM_IMPORT(name) __attribute__((weak))
#endif

/* Entry of a function chained by pointer: `int fn(void)`, return value = return code. */
typedef int (*FaasmFuncPtr)(void);

/* ---- raw imports (env.*) ---- */

/* Copies up to bufLen input bytes to buf, returns the count; bufLen 0 -> returns the input length. */
FAASM_IMPORT("__faasm_read_input")
long __faasm_read_input(unsigned char *buf, long bufLen);

/* Sets the call's output (replaces any previous output). */
FAASM_IMPORT("__faasm_write_output")
void __faasm_write_output(const char *out, long outLen);

/* Dispatches an awaitable call to function `name` of the same user now; returns a handle >= 1. */
FAASM_IMPORT("__faasm_chain_name")
unsigned int __faasm_chain_name(const char *name, const unsigned char *in, long inLen);

/* Dispatches an awaitable call to `fn` of this same module (its table index goes to the host). */
FAASM_IMPORT("__faasm_chain_ptr")
unsigned int __faasm_chain_ptr(FaasmFuncPtr fn, const unsigned char *in, long inLen);

/* Blocks until the call finished; returns its return code (0 = success). */
FAASM_IMPORT("__faasm_await_call")
int __faasm_await_call(unsigned int callId);

/*
 * As __faasm_await_call, and stores the call's output in a buffer the host
 * allocated with this module's malloc: *out = pointer (free() it), *outLen = length.
 */
FAASM_IMPORT("__faasm_await_call_output")
int __faasm_await_call_output(unsigned int callId, char **out, int *outLen);

/* A configuration flag's value (0 for a flag nobody set). */
FAASM_IMPORT("__faasm_conf_flag")
unsigned int __faasm_conf_flag(const char *key);

/* Writes the current call stack (at most depth frames; all if depth <= 0) to the call's logs. */
FAASM_IMPORT("__faasm_backtrace")
void __faasm_backtrace(const int depth);

/* ---- thin wrappers (the names of Faasm's C API) ---- */

/* Reads up to len input bytes into buf; returns the number of bytes copied. */
static inline long faasmGetInput(void *buf, long len) {
    return __faasm_read_input((unsigned char *) buf, len);
}

/* Total input length in bytes. */
static inline long faasmGetInputSize(void) {
    return __faasm_read_input((unsigned char *) 0, 0);
}

/* Sets the output to len bytes at buf (the last call wins). */
static inline void faasmSetOutput(const void *buf, long len) {
    __faasm_write_output((const char *) buf, len);
}

/* Chains a call to function `name` (same user) with len input bytes; returns its handle. */
static inline unsigned int faasmChainNamed(const char *name, const void *in, long len) {
    return __faasm_chain_name(name, (const unsigned char *) in, len);
}

/* Chains a call to `fn` in this module with len input bytes; returns its handle. */
static inline unsigned int faasmChain(FaasmFuncPtr fn, const void *in, long len) {
    return __faasm_chain_ptr(fn, (const unsigned char *) in, len);
}

/* Waits for a chained call; returns its return code. */
static inline int faasmAwaitCall(unsigned int callId) {
    return __faasm_await_call(callId);
}

/* Waits for a chained call and gets its output (*out is malloc'ed: free() it). Returns its return code. */
static inline int faasmAwaitCallOutput(unsigned int callId, char **out, int *outLen) {
    return __faasm_await_call_output(callId, out, outLen);
}

#ifdef __cplusplus
}
#endif

#endif /* FAASM_HOST_INTERFACE_H */
