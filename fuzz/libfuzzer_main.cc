// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The libFuzzer entry point (clang, -fsanitize=fuzzer).
#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz.h"

namespace nitro_attest::fuzz {

void FuzzFail(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, condition);
  std::abort();
}

}  // namespace nitro_attest::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // libFuzzer may pass nullptr with size 0; a span of it is still valid.
  nitro_attest::fuzz::Fuzz(std::span<const uint8_t>(data, size));
  return 0;
}
