package dev.faasm.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The names and types of everything a guest may import (docs/abi.md). */
final class HostInterface {
  static final String ENV = "env";
  static final String WASI = "wasi_snapshot_preview1";

  static final String READ_INPUT = "__faasm_read_input";
  static final String WRITE_OUTPUT = "__faasm_write_output";
  static final String CHAIN_NAME = "__faasm_chain_name";
  static final String CHAIN_PTR = "__faasm_chain_ptr";
  static final String AWAIT_CALL = "__faasm_await_call";
  static final String AWAIT_CALL_OUTPUT = "__faasm_await_call_output";

  private static final ValType I32 = ValType.I32;

  /** Implemented {@code env} functions and their wasm32 types (with the entry-point and state functions). */
  static final Map<String, FunctionType> IMPLEMENTED =
      withAll(
      Map.of(
          READ_INPUT, FunctionType.of(List.of(I32, I32), List.of(I32)),
          WRITE_OUTPUT, FunctionType.of(List.of(I32, I32), List.of()),
          CHAIN_NAME, FunctionType.of(List.of(I32, I32, I32), List.of(I32)),
          CHAIN_PTR, FunctionType.of(List.of(I32, I32, I32), List.of(I32)),
          AWAIT_CALL, FunctionType.of(List.of(I32), List.of(I32)),
          AWAIT_CALL_OUTPUT, FunctionType.of(List.of(I32, I32, I32), List.of(I32))));

  /**
   * The rest of Faasm's {@code env.__faasm_*} interface (Python, S3, shared-memory, config, ...): modules
   * importing these are accepted, and a call to one fails the call as unsupported.
   */
  static final Set<String> STUBBED =
      Set.of(
          "__faasm_pull_state_offset",
          "__faasm_get_py_user",
          "__faasm_get_py_func",
          "__faasm_get_py_entry",
          "__faasm_chain_py",
          "__faasm_read_config",
          "__faasm_get_idx",
          "__faasm_migrate_point",
          "__faasm_host_interface_test",
          "__faasm_sm_critical_local",
          "__faasm_sm_critical_local_end",
          "__faasm_sm_barrier",
          "__faasm_sm_reduce",
          "__faasm_s3_get_num_buckets",
          "__faasm_s3_list_buckets",
          "__faasm_s3_get_num_keys",
          "__faasm_s3_get_num_keys_with_prefix",
          "__faasm_s3_list_keys",
          "__faasm_s3_list_keys_with_prefix",
          "__faasm_s3_add_key_bytes",
          "__faasm_s3_get_key_bytes");

  /** The WASI preview1 functions Chicory provides and their types. */
  static final Map<String, FunctionType> WASI_FUNCTIONS = wasiFunctions();

  private HostInterface() {}

  private static Map<String, FunctionType> withAll(Map<String, FunctionType> core) {
    Map<String, FunctionType> all = new HashMap<>(core);
    all.putAll(EntryHostFunctions.TYPES);
    all.putAll(StateHostFunctions.TYPES);
    return Map.copyOf(all);
  }

  private static Map<String, FunctionType> wasiFunctions() {
    Map<String, FunctionType> types = new HashMap<>();
    try (WasiPreview1 wasi = WasiPreview1.builder().build()) {
      for (HostFunction function : wasi.toHostFunctions()) {
        types.put(function.name(), function.functionType());
      }
    }
    return Map.copyOf(types);
  }
}
