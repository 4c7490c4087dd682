/*
 * Faasm shared state: functions imported from wasm module "env", with the
 * signatures of Faasm's libfaasm/faasm/host_interface.h and the names of its
 * C API (faasmReadState, faasmPushState, ...).
 *
 * Semantics (docs/abi.md, "Shared state"): every call has its own local copy
 * of each key it uses; reads fill it from the global value (in Redis) the
 * first time, writes change only the copy until a push; pull replaces the copy
 * with the global value. Appends, reads of appended elements and global locks
 * go to the global state at once. Keys belong to the calling function's user.
 * Anything refused (a size limit, a lock not granted in time) fails the call.
 *
 * In wasm32 `long` and pointers are i32.
 */
#ifndef FAASM_STATE_H
#define FAASM_STATE_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__wasm__)
#define FAASM_STATE_IMPORT(name) __attribute__((import_module("env"), import_name(name)))
#else
#define FAASM_STATE_IMPORT(name) __attribute__((weak))
#endif

/* Copies the key's value (bufferLen bytes: the size of the local copy) into buffer; returns bufferLen.
 * bufferLen 0: returns the value's size instead. */
FAASM_STATE_IMPORT("__faasm_read_state")
long __faasm_read_state(const char *key, unsigned char *buffer, long bufferLen);

/* Maps the key's local copy (totalLen bytes) into this module's memory and returns it: writes to it are
 * the guest's writes to the copy (flag them dirty, then push). */
FAASM_STATE_IMPORT("__faasm_read_state_ptr")
unsigned char *__faasm_read_state_ptr(const char *key, long totalLen);

/* Copies bufferLen bytes from offset of the key's value (totalLen bytes) into buffer, fetching only that range. */
FAASM_STATE_IMPORT("__faasm_read_state_offset")
void __faasm_read_state_offset(const char *key, long totalLen, long offset, unsigned char *buffer, long bufferLen);

/* As __faasm_read_state_ptr, fetching only [offset, offset + len); returns the address of offset. */
FAASM_STATE_IMPORT("__faasm_read_state_offset_ptr")
unsigned char *__faasm_read_state_offset_ptr(const char *key, long totalLen, long offset, long len);

/* The size of the key's value: its local copy's if the call has one, else the global value's (0: none).
 * (Not in Faasm's header, where __faasm_read_state(key, 0, 0) gives the same.) */
FAASM_STATE_IMPORT("__faasm_read_state_size")
long __faasm_read_state_size(const char *key);

/* Replaces the local copy with dataLen bytes (all dirty). Push to make it global. */
FAASM_STATE_IMPORT("__faasm_write_state")
void __faasm_write_state(const char *key, const unsigned char *data, long dataLen);

/* Writes dataLen bytes at offset of the local copy (totalLen bytes); they become dirty. */
FAASM_STATE_IMPORT("__faasm_write_state_offset")
void __faasm_write_state_offset(const char *key, long totalLen, long offset, const unsigned char *data,
                                long dataLen);

/* Faasm: sets the key to a file's bytes. Needs a file system in the call. */
FAASM_STATE_IMPORT("__faasm_write_state_from_file")
unsigned int __faasm_write_state_from_file(const char *key, const char *filePath);

/* Marks the whole local copy (totalLen bytes) dirty: after writing through a mapped pointer. */
FAASM_STATE_IMPORT("__faasm_flag_state_dirty")
void __faasm_flag_state_dirty(const char *key, long totalLen);

/* Marks dataLen bytes from offset of the local copy dirty. */
FAASM_STATE_IMPORT("__faasm_flag_state_offset_dirty")
void __faasm_flag_state_offset_dirty(const char *key, long totalLen, long offset, long dataLen);

/* Appends one element to the key's global list of appended elements (at once, atomically). */
FAASM_STATE_IMPORT("__faasm_append_state")
void __faasm_append_state(const char *key, const unsigned char *data, long dataLen);

/* Copies the first nElems appended elements, concatenated, into data (dataLen bytes; the rest zero-filled). */
FAASM_STATE_IMPORT("__faasm_read_appended_state")
void __faasm_read_appended_state(const char *key, unsigned char *data, long dataLen, long nElems);

/* Removes every appended element of the key. */
FAASM_STATE_IMPORT("__faasm_clear_appended_state")
void __faasm_clear_appended_state(const char *key);

/* Pushes the local copy if dirty: the whole value when every byte is known, else its dirty bytes. */
FAASM_STATE_IMPORT("__faasm_push_state")
void __faasm_push_state(const char *key);

/* Pushes only the dirty bytes of the local copy, written in place. */
FAASM_STATE_IMPORT("__faasm_push_state_partial")
void __faasm_push_state_partial(const char *key);

/* Pushes the bytes of key whose byte in maskKey's local copy (same size) is non-zero. */
FAASM_STATE_IMPORT("__faasm_push_state_partial_mask")
void __faasm_push_state_partial_mask(const char *key, const char *maskKey);

/* Replaces the local copy (stateLen bytes) with the global value, dropping unpushed writes. */
FAASM_STATE_IMPORT("__faasm_pull_state")
void __faasm_pull_state(const char *key, long stateLen);

/* The key's global lock: one holder across all processors; a lease renewed while held, which expires when its
 * processor dies. Released when the call ends at the latest. */
FAASM_STATE_IMPORT("__faasm_lock_state_global")
void __faasm_lock_state_global(const char *key);

FAASM_STATE_IMPORT("__faasm_unlock_state_global")
void __faasm_unlock_state_global(const char *key);

/* The key's local read (shared) / write (exclusive) locks: between calls on the same processor. */
FAASM_STATE_IMPORT("__faasm_lock_state_read")
void __faasm_lock_state_read(const char *key);

FAASM_STATE_IMPORT("__faasm_unlock_state_read")
void __faasm_unlock_state_read(const char *key);

FAASM_STATE_IMPORT("__faasm_lock_state_write")
void __faasm_lock_state_write(const char *key);

FAASM_STATE_IMPORT("__faasm_unlock_state_write")
void __faasm_unlock_state_write(const char *key);

/* ---- Faasm's C API names ---- */

static inline long faasmReadStateSize(const char *key) { return __faasm_read_state_size(key); }
static inline long faasmReadState(const char *key, unsigned char *buffer, long bufferLen) {
    return __faasm_read_state(key, buffer, bufferLen);
}
static inline unsigned char *faasmReadStatePtr(const char *key, long totalLen) {
    return __faasm_read_state_ptr(key, totalLen);
}
static inline void faasmReadStateOffset(const char *key, long totalLen, long offset, unsigned char *buffer,
                                        long bufferLen) {
    __faasm_read_state_offset(key, totalLen, offset, buffer, bufferLen);
}
static inline unsigned char *faasmReadStateOffsetPtr(const char *key, long totalLen, long offset, long len) {
    return __faasm_read_state_offset_ptr(key, totalLen, offset, len);
}
static inline void faasmWriteState(const char *key, const unsigned char *data, long dataLen) {
    __faasm_write_state(key, data, dataLen);
}
static inline void faasmWriteStateOffset(const char *key, long totalLen, long offset, const unsigned char *data,
                                         long dataLen) {
    __faasm_write_state_offset(key, totalLen, offset, data, dataLen);
}
static inline unsigned long faasmWriteStateFromFile(const char *key, const char *filePath) {
    return (unsigned long) __faasm_write_state_from_file(key, filePath);
}
static inline void faasmFlagStateDirty(const char *key, long totalLen) { __faasm_flag_state_dirty(key, totalLen); }
static inline void faasmFlagStateOffsetDirty(const char *key, long totalLen, long offset, long len) {
    __faasm_flag_state_offset_dirty(key, totalLen, offset, len);
}
static inline void faasmAppendState(const char *key, const unsigned char *data, long dataLen) {
    __faasm_append_state(key, data, dataLen);
}
static inline void faasmReadAppendedState(const char *key, unsigned char *buffer, long bufferLen, long nElems) {
    __faasm_read_appended_state(key, buffer, bufferLen, nElems);
}
static inline void faasmClearAppendedState(const char *key) { __faasm_clear_appended_state(key); }
static inline void faasmPushState(const char *key) { __faasm_push_state(key); }
static inline void faasmPushStatePartial(const char *key) { __faasm_push_state_partial(key); }
static inline void faasmPushStatePartialMask(const char *key, const char *maskKey) {
    __faasm_push_state_partial_mask(key, maskKey);
}
static inline void faasmPullState(const char *key, long stateLen) { __faasm_pull_state(key, stateLen); }
static inline void faasmLockStateGlobal(const char *key) { __faasm_lock_state_global(key); }
static inline void faasmUnlockStateGlobal(const char *key) { __faasm_unlock_state_global(key); }
static inline void faasmLockStateRead(const char *key) { __faasm_lock_state_read(key); }
static inline void faasmUnlockStateRead(const char *key) { __faasm_unlock_state_read(key); }
static inline void faasmLockStateWrite(const char *key) { __faasm_lock_state_write(key); }
static inline void faasmUnlockStateWrite(const char *key) { __faasm_unlock_state_write(key); }

#ifdef __cplusplus
}
#endif

#endif /* FAASM_STATE_H */
