/* fuzz.h - what the fuzz targets share: the libFuzzer entry point, and a Lua
 * state for the targets that reach the runtime through its Lua modules. */
#ifndef RR_FUZZ_H
#define RR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the Lua chunk `script` once per input in one long-lived rule state
 * (stdlib loaded, the sandbox on, a small instruction budget and memory
 * cap), calling the function it returns with the input as a string.  Lua
 * errors are expected and ignored; only crashes and sanitizer reports count. */
void fuzz_lua_run(const char *script, const uint8_t *data, size_t size);

#endif
