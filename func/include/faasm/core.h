/*
 * Faasm original API (the "exec" API): struct FaasmMemory and chainFunction.
 *
 * Binding contract: docs/abi.md ("Original API"). This header only uses memory
 * the host hands to exec(); it declares no imports, so a module using only this
 * API imports nothing from Faasm (it may still import WASI if it uses libc I/O).
 *
 * A function written against this API:
 *
 *     #include "faasm.h"
 *
 *     EMSCRIPTEN_KEEPALIVE
 *     int exec(struct FaasmMemory *memory) {
 *         ...read memory->input[0 .. memory->inputLength),
 *         ...write memory->output, optionally faasmSetOutputLength(),
 *         ...optionally chainFunction(memory, "other", data, len);
 *         return 0;                         (non-zero = failed call)
 *     }
 *
 * Build it as a WASI reactor exporting "exec" (func/build.sh does this: clang
 * --target=wasm32-wasi -mexec-model=reactor). No main().
 *
 * OUTPUT LENGTH RULE
 *   - outputLength starts at -1 ("not set"). If it is still -1 when exec()
 *     returns, the output is the output buffer with its trailing zero bytes
 *     removed (the buffer is zero-filled, so "copy input to output" echoes the
 *     input). Output that may END in a zero byte (binary data, the byte 0 ...)
 *     must set the length explicitly with faasmSetOutputLength().
 *   - If outputLength >= 0 the output is exactly the first outputLength bytes.
 *   - outputCapacity = max(inputLength, 65536). faasmSetOutputLength() and
 *     faasmCopyOutput() trap on a length outside [0, outputCapacity].
 *
 * CHAINING RULES (chainFunction)
 *   - A chained call is only *recorded* here; the host dispatches the recorded
 *     calls after exec() returns 0, in recording order. If exec() returns
 *     non-zero or traps, none are dispatched.
 *   - The target is a function of the SAME user, named `name`.
 *   - Limits (deterministic failure = __builtin_trap(), i.e. the call fails with
 *     a wasm "unreachable" trap and nothing is dispatched):
 *       * name longer than FAASM_MAX_NAME_LENGTH - 1 (63) bytes, or empty/NULL;
 *       * input longer than FAASM_MAX_CHAIN_INPUT_BYTES (4096) bytes,
 *         a negative length, or NULL data with a non-zero length;
 *       * more than FAASM_MAX_CHAINS (16) chained calls in one invocation.
 */
#ifndef FAASM_CORE_H
#define FAASM_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef EMSCRIPTEN_KEEPALIVE
/*
 * Keeps a function in the module. With clang 14 / wasm-ld this does NOT by
 * itself export the function: exec() is exported because this header declares
 * it with export_name("exec") below. To export another function, add
 * __attribute__((export_name("name"))) or link with -Wl,--export=name.
 */
#define EMSCRIPTEN_KEEPALIVE __attribute__((used, visibility("default")))
#endif

#define FAASM_MAX_CHAINS 16
#define FAASM_MAX_NAME_LENGTH 64
#define FAASM_MAX_CHAIN_INPUT_BYTES 4096
#define FAASM_MIN_OUTPUT_CAPACITY 65536

/* Layout is part of the ABI: wasm32, every field 4 bytes, offsets 0..32. */
struct FaasmMemory {
    uint8_t *input;              /*  0: inputLength bytes                        */
    uint8_t *output;             /*  4: outputCapacity bytes, zero-filled         */
    char *chainFunctions;        /*  8: FAASM_MAX_CHAINS x 64-byte name slots     */
    uint8_t *chainInputs;        /* 12: FAASM_MAX_CHAINS x 4096-byte input slots */
    int32_t *chainCount;         /* 16: number of chained calls recorded          */
    int32_t inputLength;         /* 20 */
    int32_t outputLength;        /* 24: -1 = not set (see OUTPUT LENGTH RULE)     */
    int32_t outputCapacity;      /* 28: max(inputLength, 65536)                   */
    int32_t *chainInputLengths;  /* 32: FAASM_MAX_CHAINS int32 slots              */
};

#if defined(__cplusplus) && __cplusplus >= 201103L
#define FAASM_STATIC_ASSERT(c, msg) static_assert(c, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define FAASM_STATIC_ASSERT(c, msg) _Static_assert(c, msg)
#else
#define FAASM_CONCAT_(a, b) a##b
#define FAASM_CONCAT(a, b) FAASM_CONCAT_(a, b)
#define FAASM_STATIC_ASSERT(c, msg) typedef char FAASM_CONCAT(faasm_static_assert_, __LINE__)[(c) ? 1 : -1]
#endif

#if defined(__wasm32__)
FAASM_STATIC_ASSERT(sizeof(struct FaasmMemory) == 36, "FaasmMemory must be 36 bytes on wasm32");
FAASM_STATIC_ASSERT(offsetof(struct FaasmMemory, chainCount) == 16, "ABI offset");
FAASM_STATIC_ASSERT(offsetof(struct FaasmMemory, inputLength) == 20, "ABI offset");
FAASM_STATIC_ASSERT(offsetof(struct FaasmMemory, outputLength) == 24, "ABI offset");
FAASM_STATIC_ASSERT(offsetof(struct FaasmMemory, outputCapacity) == 28, "ABI offset");
FAASM_STATIC_ASSERT(offsetof(struct FaasmMemory, chainInputLengths) == 32, "ABI offset");
#endif

/*
 * The entry point of an original-API function. Declared here with
 * export_name so that a definition in any file including this header is
 * exported as "exec" (attributes carry over to the definition).
 */
#if defined(__wasm__)
__attribute__((export_name("exec")))
#endif
int exec(struct FaasmMemory *memory);

/* Number of input bytes. */
static inline int32_t faasmGetInputLength(const struct FaasmMemory *memory) {
    return memory->inputLength;
}

/* Pointer to the input bytes (exactly faasmGetInputLength() of them). */
static inline const uint8_t *faasmGetInputBytes(const struct FaasmMemory *memory) {
    return memory->input;
}

/* Size of the output buffer memory->output. */
static inline int32_t faasmGetOutputCapacity(const struct FaasmMemory *memory) {
    return memory->outputCapacity;
}

/* Sets the exact output length (see OUTPUT LENGTH RULE). Traps if n is out of range. */
static inline void faasmSetOutputLength(struct FaasmMemory *memory, int32_t n) {
    if (n < 0 || n > memory->outputCapacity) {
        __builtin_trap();
    }
    memory->outputLength = n;
}

/* Copies len bytes to the output buffer and sets the output length to len. Traps if too big. */
static inline void faasmCopyOutput(struct FaasmMemory *memory, const void *data, int32_t len) {
    if (len < 0 || len > memory->outputCapacity || (len > 0 && data == NULL)) {
        __builtin_trap();
    }
    if (len > 0) {
        __builtin_memcpy(memory->output, data, (size_t) len);
    }
    memory->outputLength = len;
}

/*
 * Records a chained call to function `name` of the same user with `inputLength`
 * bytes of input. Dispatched by the host only if exec() returns 0. Traps on an
 * invalid/too long name, too big input or too many chains (see CHAINING RULES).
 */
static inline void chainFunction(struct FaasmMemory *memory, const char *name,
                                 const uint8_t *inputData, int inputLength) {
    int32_t idx = *memory->chainCount;
    if (idx < 0 || idx >= FAASM_MAX_CHAINS) {
        __builtin_trap();
    }
    if (name == NULL || name[0] == '\0') {
        __builtin_trap();
    }
    size_t nameLen = __builtin_strlen(name);
    if (nameLen > FAASM_MAX_NAME_LENGTH - 1) {
        __builtin_trap();
    }
    if (inputLength < 0 || inputLength > FAASM_MAX_CHAIN_INPUT_BYTES ||
        (inputLength > 0 && inputData == NULL)) {
        __builtin_trap();
    }

    char *nameSlot = memory->chainFunctions + (size_t) idx * FAASM_MAX_NAME_LENGTH;
    __builtin_memset(nameSlot, 0, FAASM_MAX_NAME_LENGTH);
    __builtin_memcpy(nameSlot, name, nameLen);

    uint8_t *inputSlot = memory->chainInputs + (size_t) idx * FAASM_MAX_CHAIN_INPUT_BYTES;
    if (inputLength > 0) {
        __builtin_memcpy(inputSlot, inputData, (size_t) inputLength);
    }
    memory->chainInputLengths[idx] = inputLength;
    *memory->chainCount = idx + 1;
}

#ifdef __cplusplus
}
#endif

#endif /* FAASM_CORE_H */
