package dev.faasm.runtime;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Faasm's shared-state host functions ({@code env.__faasm_*_state*}, docs/abi.md "Shared state") of one call: guest
 * memory in and out here, the local copies and locks in {@link LocalState}, the global state behind the call's
 * {@link StateHost}. Every refusal fails the call with {@link FailureKind#STATE_FAILED} and a message naming the key.
 */
final class StateHostFunctions {
  /** The longest key, in bytes (without its NUL). */
  static final int MAX_KEY_BYTES = 1024;

  static final String READ_STATE = "__faasm_read_state";
  static final String READ_STATE_PTR = "__faasm_read_state_ptr";
  static final String READ_STATE_OFFSET = "__faasm_read_state_offset";
  static final String READ_STATE_OFFSET_PTR = "__faasm_read_state_offset_ptr";
  static final String READ_STATE_SIZE = "__faasm_read_state_size";
  static final String WRITE_STATE = "__faasm_write_state";
  static final String WRITE_STATE_OFFSET = "__faasm_write_state_offset";
  static final String WRITE_STATE_FROM_FILE = "__faasm_write_state_from_file";
  static final String FLAG_STATE_DIRTY = "__faasm_flag_state_dirty";
  static final String FLAG_STATE_OFFSET_DIRTY = "__faasm_flag_state_offset_dirty";
  static final String APPEND_STATE = "__faasm_append_state";
  static final String READ_APPENDED_STATE = "__faasm_read_appended_state";
  static final String CLEAR_APPENDED_STATE = "__faasm_clear_appended_state";
  static final String PUSH_STATE = "__faasm_push_state";
  static final String PUSH_STATE_PARTIAL = "__faasm_push_state_partial";
  static final String PUSH_STATE_PARTIAL_MASK = "__faasm_push_state_partial_mask";
  static final String PULL_STATE = "__faasm_pull_state";
  static final String LOCK_STATE_GLOBAL = "__faasm_lock_state_global";
  static final String UNLOCK_STATE_GLOBAL = "__faasm_unlock_state_global";
  static final String LOCK_STATE_READ = "__faasm_lock_state_read";
  static final String UNLOCK_STATE_READ = "__faasm_unlock_state_read";
  static final String LOCK_STATE_WRITE = "__faasm_lock_state_write";
  static final String UNLOCK_STATE_WRITE = "__faasm_unlock_state_write";

  /** The state functions and their wasm32 types (every argument is an i32: pointers, {@code long}s). */
  static final Map<String, FunctionType> TYPES = types();

  private final CallContext context;

  StateHostFunctions(CallContext context) {
    this.context = context;
  }

  static boolean handles(String name) {
    return TYPES.containsKey(name);
  }

  private static Map<String, FunctionType> types() {
    Map<String, FunctionType> t = new HashMap<>();
    t.put(READ_STATE, type(3, true));
    t.put(READ_STATE_PTR, type(2, true));
    t.put(READ_STATE_OFFSET, type(5, false));
    t.put(READ_STATE_OFFSET_PTR, type(4, true));
    t.put(READ_STATE_SIZE, type(1, true));
    t.put(WRITE_STATE, type(3, false));
    t.put(WRITE_STATE_OFFSET, type(5, false));
    t.put(WRITE_STATE_FROM_FILE, type(2, true));
    t.put(FLAG_STATE_DIRTY, type(2, false));
    t.put(FLAG_STATE_OFFSET_DIRTY, type(4, false));
    t.put(APPEND_STATE, type(3, false));
    t.put(READ_APPENDED_STATE, type(4, false));
    t.put(CLEAR_APPENDED_STATE, type(1, false));
    t.put(PUSH_STATE, type(1, false));
    t.put(PUSH_STATE_PARTIAL, type(1, false));
    t.put(PUSH_STATE_PARTIAL_MASK, type(2, false));
    t.put(PULL_STATE, type(2, false));
    for (String lock : List.of(LOCK_STATE_GLOBAL, UNLOCK_STATE_GLOBAL, LOCK_STATE_READ, UNLOCK_STATE_READ,
        LOCK_STATE_WRITE, UNLOCK_STATE_WRITE)) {
      t.put(lock, type(1, false));
    }
    return Map.copyOf(t);
  }

  private static FunctionType type(int params, boolean returnsI32) {
    return FunctionType.of(
        Collections.nCopies(params, ValType.I32), returnsI32 ? List.of(ValType.I32) : List.of());
  }

  /** The implementation of state function {@code name}; failures become the call's outcome. */
  WasmFunctionHandle handle(String name) {
    Op op = operation(name);
    return (instance, args) -> {
      try {
        long result = op.apply(instance, args);
        return TYPES.get(name).returns().isEmpty() ? null : new long[] {result};
      } catch (StateException e) {
        throw new GuestFailure(FailureKind.STATE_FAILED, e.getMessage(), e);
      }
    };
  }

  private interface Op {
    long apply(Instance instance, long[] args);
  }

  private Op operation(String name) {
    switch (name) {
      case READ_STATE:
        return (in, a) -> readState(in, key(in, a[0], name), (int) a[1], (int) a[2]);
      case READ_STATE_SIZE:
        return (in, a) -> size(key(in, a[0], name));
      case READ_STATE_PTR:
        return (in, a) -> readStatePtr(in, key(in, a[0], name), (int) a[1], 0, (int) a[1], name);
      case READ_STATE_OFFSET:
        return (in, a) -> readStateOffset(in, key(in, a[0], name), (int) a[1], (int) a[2], (int) a[3], (int) a[4]);
      case READ_STATE_OFFSET_PTR:
        return (in, a) -> readStatePtr(in, key(in, a[0], name), (int) a[1], (int) a[2], (int) a[3], name);
      case WRITE_STATE:
        return (in, a) -> writeState(in, key(in, a[0], name), (int) a[1], (int) a[2]);
      case WRITE_STATE_OFFSET:
        return (in, a) -> writeStateOffset(in, key(in, a[0], name), (int) a[1], (int) a[2], (int) a[3], (int) a[4]);
      case WRITE_STATE_FROM_FILE:
        return (in, a) -> writeStateFromFile(in, key(in, a[0], name), string(in, a[1], 4096, name, "path"));
      case FLAG_STATE_DIRTY:
        return (in, a) -> flagDirty(in, key(in, a[0], name), (int) a[1], 0, (int) a[1], name);
      case FLAG_STATE_OFFSET_DIRTY:
        return (in, a) -> flagDirty(in, key(in, a[0], name), (int) a[1], (int) a[2], (int) a[3], name);
      case APPEND_STATE:
        return (in, a) -> append(in, key(in, a[0], name), (int) a[1], (int) a[2]);
      case READ_APPENDED_STATE:
        return (in, a) -> readAppended(in, key(in, a[0], name), (int) a[1], (int) a[2], (int) a[3]);
      case CLEAR_APPENDED_STATE:
        return (in, a) -> {
          state().host().clearAppended(key(in, a[0], name));
          return 0;
        };
      case PUSH_STATE:
        return (in, a) -> push(in, key(in, a[0], name), null);
      case PUSH_STATE_PARTIAL:
        return (in, a) -> push(in, key(in, a[0], name), "");
      case PUSH_STATE_PARTIAL_MASK:
        return (in, a) -> push(in, key(in, a[0], name), key(in, a[1], name));
      case PULL_STATE:
        return (in, a) -> pull(in, key(in, a[0], name), (int) a[1]);
      case LOCK_STATE_GLOBAL:
        return (in, a) -> locked(() -> state().lockGlobal(key(in, a[0], name)));
      case UNLOCK_STATE_GLOBAL:
        return (in, a) -> locked(() -> state().unlockGlobal(key(in, a[0], name)));
      case LOCK_STATE_READ:
        return (in, a) -> locked(() -> state().lockLocal(key(in, a[0], name), false));
      case UNLOCK_STATE_READ:
        return (in, a) -> locked(() -> state().unlockLocal(key(in, a[0], name), false));
      case LOCK_STATE_WRITE:
        return (in, a) -> locked(() -> state().lockLocal(key(in, a[0], name), true));
      case UNLOCK_STATE_WRITE:
        return (in, a) -> locked(() -> state().unlockLocal(key(in, a[0], name), true));
      default:
        throw new IllegalArgumentException("not a state function: " + name);
    }
  }

  private static long locked(Runnable action) {
    action.run();
    return 0;
  }

  private LocalState state() {
    return context.state();
  }

  private long readState(Instance in, String key, int buffer, int length) {
    if (length == 0) {
      return size(key);
    }
    LocalState.Value v = state().value(key, length, READ_STATE);
    fromGuest(in, v);
    state().ensurePresent(key, v, 0, length);
    toGuest(in, v);
    GuestMemory.write(in.memory(), buffer, v.bytes(), READ_STATE);
    return length;
  }

  private long size(String key) {
    LocalState.Value v = state().existing(key);
    return v != null ? v.size() : state().host().size(key);
  }

  private long readStateOffset(Instance in, String key, int total, int offset, int buffer, int length) {
    LocalState.Value v = state().value(key, total, READ_STATE_OFFSET);
    checkRange(key, v, offset, length, READ_STATE_OFFSET);
    fromGuest(in, v);
    state().ensurePresent(key, v, offset, length);
    toGuest(in, v);
    byte[] chunk = Arrays.copyOfRange(v.bytes(), offset, offset + length);
    GuestMemory.write(in.memory(), buffer, chunk, READ_STATE_OFFSET);
    return 0;
  }

  /** Maps the whole copy into guest memory (once; the guest's writes land in it) and returns the offset's address. */
  private long readStatePtr(Instance in, String key, int total, int offset, int length, String what) {
    LocalState.Value v = state().value(key, total, what);
    checkRange(key, v, offset, length, what);
    fromGuest(in, v);
    state().ensurePresent(key, v, offset, length);
    if (v.mappedAt < 0) {
      v.mappedAt = malloc(in, v.size(), key, what);
    }
    toGuest(in, v);
    return Integer.toUnsignedLong(v.mappedAt) + offset;
  }

  private long writeState(Instance in, String key, int data, int length) {
    byte[] bytes = GuestMemory.read(in.memory(), data, length, WRITE_STATE);
    LocalState.Value v = state().value(key, length, WRITE_STATE);
    state().write(v, 0, bytes);
    toGuest(in, v);
    return 0;
  }

  /**
   * As Faasm: the file's bytes become the key's value, pushed at once; returns their length. The file is read from the
   * call's own filesystem ({@code /tmp}, {@code /etc}, {@code /share}, {@code faasm://}).
   */
  private long writeStateFromFile(Instance in, String key, String path) {
    GuestFiles files = context.files();
    if (files == null) {
      throw new StateException(WRITE_STATE_FROM_FILE + ": key '" + key + "': this module cannot open files, so there "
          + "is no '" + path + "' to read");
    }
    byte[] bytes;
    try {
      bytes = files.read(path, Integer.MAX_VALUE - 8);
    } catch (java.io.IOException e) {
      throw new StateException(WRITE_STATE_FROM_FILE + ": key '" + key + "': " + e.getMessage());
    }
    LocalState.Value v = state().value(key, bytes.length, WRITE_STATE_FROM_FILE);
    state().write(v, 0, bytes);
    toGuest(in, v);
    state().pushFull(key, v);
    return bytes.length;
  }

  private long writeStateOffset(Instance in, String key, int total, int offset, int data, int length) {
    byte[] bytes = GuestMemory.read(in.memory(), data, length, WRITE_STATE_OFFSET);
    LocalState.Value v = state().value(key, total, WRITE_STATE_OFFSET);
    checkRange(key, v, offset, length, WRITE_STATE_OFFSET);
    fromGuest(in, v);
    state().write(v, offset, bytes);
    toGuest(in, v);
    return 0;
  }

  private long flagDirty(Instance in, String key, int total, int offset, int length, String what) {
    LocalState.Value v = state().value(key, total, what);
    checkRange(key, v, offset, length, what);
    fromGuest(in, v);
    state().flagDirty(v, offset, length);
    return 0;
  }

  private long append(Instance in, String key, int data, int length) {
    byte[] bytes = GuestMemory.read(in.memory(), data, length, APPEND_STATE);
    if (bytes.length > state().host().maxValueBytes()) {
      throw new StateException(APPEND_STATE + ": element of " + bytes.length + " bytes for key '" + key
          + "' is over the limit of " + state().host().maxValueBytes() + " bytes per key");
    }
    state().host().append(key, bytes);
    return 0;
  }

  private long readAppended(Instance in, String key, int buffer, int length, int count) {
    if (count < 0 || length < 0) {
      throw new StateException(READ_APPENDED_STATE + ": negative " + (count < 0 ? "count " + count
          : "buffer length " + length) + " for key '" + key + "'");
    }
    GuestMemory.checkRange(in.memory(), buffer, length, READ_APPENDED_STATE);
    List<byte[]> elements = state().host().appended(key, count);
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] e : elements) {
      if (at + e.length > length) {
        throw new StateException(READ_APPENDED_STATE + ": the first " + elements.size() + " elements appended to '"
            + key + "' do not fit in a buffer of " + length + " bytes");
      }
      System.arraycopy(e, 0, out, at, e.length);
      at += e.length;
    }
    GuestMemory.write(in.memory(), buffer, out, READ_APPENDED_STATE);
    return 0;
  }

  /** {@code maskKey}: null = push, "" = push partial, else push partial with that mask. */
  private long push(Instance in, String key, String maskKey) {
    LocalState.Value v = state().existing(key);
    if (v == null) {
      return 0;
    }
    fromGuest(in, v);
    if (maskKey == null) {
      state().pushFull(key, v);
    } else if (maskKey.isEmpty()) {
      state().pushPartial(key, v);
    } else {
      LocalState.Value mask = state().existing(maskKey);
      if (mask == null) {
        throw new StateException(PUSH_STATE_PARTIAL_MASK + ": mask key '" + maskKey + "' has no local copy");
      }
      fromGuest(in, mask);
      state().pushMasked(key, v, maskKey, mask);
    }
    return 0;
  }

  private long pull(Instance in, String key, int length) {
    LocalState.Value v = state().value(key, length, PULL_STATE);
    state().pull(key, v);
    toGuest(in, v);
    return 0;
  }

  private static void checkRange(String key, LocalState.Value v, int offset, int length, String what) {
    if (offset < 0 || length < 0 || (long) offset + length > v.size()) {
      throw new StateException(what + ": range [" + offset + ", " + ((long) offset + length) + ") is outside key '"
          + key + "' of " + v.size() + " bytes");
    }
  }

  /** A mapped copy: the guest's memory is the copy, so read it back before using the copy. */
  private static void fromGuest(Instance in, LocalState.Value v) {
    if (v.mappedAt >= 0) {
      byte[] mapped = GuestMemory.read(in.memory(), v.mappedAt, v.size(), "mapped state");
      System.arraycopy(mapped, 0, v.bytes(), 0, v.size());
    }
  }

  private static void toGuest(Instance in, LocalState.Value v) {
    if (v.mappedAt >= 0) {
      GuestMemory.write(in.memory(), v.mappedAt, v.bytes(), "mapped state");
    }
  }

  private static int malloc(Instance in, int size, String key, String what) {
    if (ModuleValidator.findFunctionExport(in.module(), ModuleValidator.MALLOC).isEmpty()) {
      throw new StateException(what + ": mapping key '" + key + "' needs the module to export malloc");
    }
    ExportFunction malloc = in.export(ModuleValidator.MALLOC);
    int pointer = (int) malloc.apply(Math.max(1, size))[0];
    if (pointer == 0) {
      throw new GuestFailure(FailureKind.MEMORY_LIMIT, what + ": malloc(" + size + ") for key '" + key
          + "' returned NULL");
    }
    return pointer;
  }

  private static String key(Instance in, long address, String what) {
    String key = string(in, address, MAX_KEY_BYTES + 1, what, "key");
    if (key.isEmpty()) {
      throw new StateException(what + ": empty key");
    }
    return key;
  }

  /** A NUL-terminated UTF-8 string at {@code address}, its NUL within {@code maxBytes}. */
  private static String string(Instance in, long address, int maxBytes, String what, String kind) {
    Memory memory = in.memory();
    long size = (long) memory.pages() * RuntimeConfig.PAGE_BYTES;
    long start = address & 0xFFFFFFFFL;
    int length = 0;
    while (true) {
      if (length == maxBytes) {
        throw new StateException(what + ": " + kind + " too long (no NUL within " + maxBytes + " bytes)");
      }
      if (start + length >= size) {
        throw new GuestFailure(FailureKind.TRAP, what + ": " + kind + " runs past the end of memory");
      }
      if (memory.read((int) (start + length)) == 0) {
        break;
      }
      length++;
    }
    return new String(memory.readBytes((int) start, length), StandardCharsets.UTF_8);
  }
}
