// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// fuzz_env.h: the fixed world the harnesses and the corpus generator share, so that committed
// seed documents keep verifying: one seeded emulator chain (its root is byte-identical on every
// run) and one fixed clock.
#ifndef NITRO_ATTEST_FUZZ_FUZZ_ENV_H_
#define NITRO_ATTEST_FUZZ_FUZZ_ENV_H_

#include <chrono>
#include <cstdint>
#include <span>

#include "nitro_attest/emulator.h"
#include "nitro_attest/verify.h"

namespace nitro_attest::fuzz {

// kFuzzSeed seeds the emulator whose documents make up the document corpus.
inline constexpr char kFuzzSeed[] = "nitro-attest fuzz corpus v1";

// FuzzClock returns the emulator's fixed time: 2026-01-01T00:00:00Z.
Time FuzzClock();

// FuzzVerifyTime returns the verification time: one minute after FuzzClock(), inside the leaf's
// three hours.
Time FuzzVerifyTime();

// FuzzVerifyOptions returns the options the corpus verifies under: the seeded root, at
// FuzzVerifyTime(), any image (the seeds pin no PCRs).
VerifyOptions FuzzVerifyOptions();

// FuzzEmulatorOptions returns the emulator configuration of the corpus: kFuzzSeed, FuzzClock().
NsmEmulatorOptions FuzzEmulatorOptions();

// FuzzRootDer returns the seeded emulator root (made once per process; aborts if it cannot be).
std::span<const uint8_t> FuzzRootDer();

}  // namespace nitro_attest::fuzz

#endif  // NITRO_ATTEST_FUZZ_FUZZ_ENV_H_
