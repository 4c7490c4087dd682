/*
 * Faasm C API for functions compiled to wasm32-wasi.
 *
 *   faasm/core.h            original API: struct FaasmMemory, exec(), chainFunction()
 *   faasm/host_interface.h  host interface: env.__faasm_* imports + faasmGetInput() & co.
 *
 * Both are included; a module only imports the host functions it calls, so an
 * original-API function that never calls the host interface imports none of it.
 * Define FAASM_NO_HOST_INTERFACE before including to leave the declarations out.
 *
 * Contract with the host: docs/abi.md. How-to: docs/functions.md.
 */
#ifndef FAASM_FAASM_H
#define FAASM_FAASM_H

#include "core.h"

#ifndef FAASM_NO_HOST_INTERFACE
#include "host_interface.h"
#include "state.h"
#endif

#endif /* FAASM_FAASM_H */
