/* fuzz.h - what the fuzz targets share: the libFuzzer entry point, and the
 * script of a target that reaches the runtime through its Lua modules. */
#ifndef RR_FUZZ_H
#define RR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A Lua target (fuzz_lua.c is its entry point) defines this chunk: it
 * returns a function that fuzz_lua.c calls with each input as a string, in
 * one long-lived rule state (stdlib loaded, the sandbox on, a small
 * instruction budget and memory cap).  Lua errors are expected and ignored;
 * only crashes and sanitizer reports count. */
extern const char fuzz_lua_script[];

#endif
