// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "fuzz/fuzz_env.h"

#include <cstdio>
#include <cstdlib>

namespace nitro_attest::fuzz {

std::chrono::system_clock::time_point FuzzClock() {
  using std::chrono::January;
  return std::chrono::sys_days(std::chrono::year(2026) / January / 1);
}

std::chrono::system_clock::time_point FuzzVerifyTime() {
  return FuzzClock() + std::chrono::minutes(1);
}

NsmEmulatorOptions FuzzEmulatorOptions() {
  NsmEmulatorOptions options;
  options.seed = kFuzzSeed;
  options.clock = [] { return FuzzClock(); };
  return options;
}

std::span<const uint8_t> FuzzRootDer() {
  static const Bytes root = [] {
    auto emulator = NsmEmulator::Create(FuzzEmulatorOptions());
    if (!emulator) {
      std::fprintf(stderr, "fuzz: cannot create the seeded emulator: %s\n",
                   emulator.error().detail.c_str());
      std::abort();
    }
    return (*emulator)->RootDer();
  }();
  return root;
}

}  // namespace nitro_attest::fuzz
