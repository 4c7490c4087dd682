package dev.faasm.runtime;

import java.util.HexFormat;

/** Small hand-assembled modules (WAT shown; bytes from wat2wasm) for cases no example function covers. */
final class TestModules {
  private TestModules() {}

  /**
   * Original API; counts its calls in a mutable global and in a static (memory) int, outputs both as two bytes.
   * <pre>
   * (module (memory (export "memory") 1) (global $calls (mut i32) (i32.const 0))
   *   (func (export "exec") (param $mem i32) (result i32)
   *     (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
   *     (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
   *     (i32.store8 (i32.load offset=4 (local.get $mem)) (global.get $calls))
   *     (i32.store8 offset=1 (i32.load offset=4 (local.get $mem)) (i32.load (i32.const 16)))
   *     (i32.store offset=24 (local.get $mem) (i32.const 2))
   *     (i32.const 0)))
   * </pre>
   */
  static final byte[] COUNTER = hex("0061736d0100000001060160017f017f0302010005030100010606017f0141000b071102066d65"
      + "6d6f72790200046578656300000a38013600230041016a24004110411028020041016a36020020002802042300"
      + "3a0000200028020441102802003a00012000410236021841000b");

  /** {@code (func (export "_start") (drop (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))))} */
  static final byte[] SIMD = hex("0061736d0100000001040160000003020100070a01065f737461727400000a2c012a00fd0c01000000"
      + "020000000300000004000000fd0c05000000060000000700000008000000fdae011a0b");

  /** {@code (module (memory (export "memory") 1) (func (export "main")))}: neither exec nor _start. */
  static final byte[] NO_ENTRY = hex("0061736d01000000010401600000030201000503010001071102066d656d6f72790200046d61696e"
      + "00000a040102000b");

  /** {@code _start} spins forever: {@code (loop $forever (br $forever))}. */
  static final byte[] LOOP = hex("0061736d01000000010401600000030201000503010001071302066d656d6f72790200065f73746172"
      + "7400000a0901070003400c000b0b");

  /**
   * {@code _start} chains function "x" and awaits it.
   * <pre>
   * (import "env" "__faasm_chain_name" ...) (import "env" "__faasm_await_call" ...) (data (i32.const 0) "x\00")
   * (func (export "_start") (drop (call $await (call $chain (i32.const 0) (i32.const 0) (i32.const 0)))))
   * </pre>
   */
  static final byte[] CHAIN_X = hex("0061736d0100000001100360037f7f7f017f60017f017f60000002330203656e76125f5f666161736d"
      + "5f636861696e5f6e616d65000003656e76125f5f666161736d5f61776169745f63616c6c0001030201020503010001"
      + "071302066d656d6f72790200065f737461727400020a0f010d00410041004100100010011a0b0b08010041000b027800");

  /** {@code _start} chains function "x" (without awaiting it), then spins forever. */
  static final byte[] CHAIN_X_THEN_LOOP = hex("0061736d01000000010b0260037f7f7f017f600000021a0103656e76125f5f666161"
      + "736d5f636861696e5f6e616d650000030201010503010001071302066d656d6f72790200065f737461727400010a120110"
      + "0041004100410010001a03400c000b0b0b08010041000b027800");

  /** {@code _start} awaits call handle 42, which it never got: {@code (drop (call $await (i32.const 42)))}. */
  static final byte[] AWAIT_UNKNOWN = hex("0061736d0100000001090260017f017f600000021a0103656e76125f5f666161736d5f6177"
      + "6169745f63616c6c0000030201010503010001071302066d656d6f72790200065f737461727400010a09010700412a"
      + "10001a0b");

  /**
   * {@code _start} chains "x" and awaits its output, but exports no malloc.
   * <pre>(drop (call $awaitOutput (call $chain (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 16)
   * (i32.const 20)))</pre>
   */
  static final byte[] AWAIT_OUTPUT_WITHOUT_MALLOC = hex("0061736d01000000010b0260037f7f7f017f600000023a0203656e"
      + "76125f5f666161736d5f636861696e5f6e616d65000003656e76195f5f666161736d5f61776169745f63616c6c5f"
      + "6f75747075740000030201010503010001071302066d656d6f72790200065f737461727400020a130111004100410041"
      + "0010004110411410011a0b0b08010041000b027800");

  /** {@code _start} calls {@code __faasm_chain_ptr(99, 0, 0)}; the module has no table. */
  static final byte[] CHAIN_BAD_POINTER = hex("0061736d01000000010b0260037f7f7f017f60000002190103656e76115f5f666161"
      + "736d5f636861696e5f7074720000030201010503010001071302066d656d6f72790200065f737461727400010a0e01"
      + "0c0041e3004100410010001a0b");

  /**
   * Original API: records the chained call "foo" (empty input), then returns its input length, so it succeeds
   * only on an empty input.
   */
  static final byte[] CHAIN_THEN_RETURN_INPUT_LENGTH = hex("0061736d0100000001060160017f017f03020100050301000107"
      + "1102066d656d6f72790200046578656300000a2d012b002000280208410028020036020020002802204100360200200028"
      + "0210410136020020001a20002802140b0b0a010041000b04666f6f00");

  /**
   * Original API: records one chained call whose name is "b d" (invalid) on an empty input, else 64 'a' bytes
   * (no NUL terminator in the slot); returns 0.
   */
  static final byte[] CHAIN_BAD_NAME = hex("0061736d0100000001060160017f017f030201000503010001071102066d656d6f7279020004"
      + "6578656300000a3501330020002802144504402000280208410028020036020005200028020841e10041c000fc0b000b"
      + "2000280210410136020041000b0b0a010041000b0462206400");

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
