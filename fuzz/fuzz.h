// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// fuzz.h: the contract between one fuzz harness and the two drivers that run it. Each
// <name>_fuzz.cc defines Fuzz(); libfuzzer_main.cc feeds it libFuzzer's inputs (clang build) and
// replay_main.cc feeds it every file of fuzz/corpus/<name>/ (ctest, any compiler).
#ifndef NITRO_ATTEST_FUZZ_FUZZ_H_
#define NITRO_ATTEST_FUZZ_FUZZ_H_

#include <cstdint>
#include <span>

namespace nitro_attest::fuzz {

// Fuzz runs one input through a parser and checks its invariants; a broken invariant calls
// FuzzFail, which never returns.
void Fuzz(std::span<const uint8_t> data);

// FuzzFail reports a broken invariant (with the replayed file, when there is one) and aborts,
// which both libFuzzer and ctest count as a failure.
[[noreturn]] void FuzzFail(const char* file, int line, const char* condition);

}  // namespace nitro_attest::fuzz

// FUZZ_CHECK aborts the run when an invariant does not hold; it is active in every build type.
#define FUZZ_CHECK(cond)                                           \
  do {                                                             \
    if (!(cond)) {                                                 \
      ::nitro_attest::fuzz::FuzzFail(__FILE__, __LINE__, #cond);   \
    }                                                              \
  } while (false)

#endif  // NITRO_ATTEST_FUZZ_FUZZ_H_
