// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "fuzz/fuzz_env.h"

#include <cstdio>
#include <cstdlib>

namespace nitro_attest::fuzz {

Time FuzzClock() {
  using std::chrono::January;
  return std::chrono::sys_days(std::chrono::year(2026) / January / 1);
}

Time FuzzVerifyTime() {
  return FuzzClock() + std::chrono::minutes(1);
}

VerifyOptions FuzzVerifyOptions() {
  VerifyOptions options;
  const std::span<const uint8_t> root = FuzzRootDer();
  options.roots = {Bytes(root.begin(), root.end())};
  options.now = FuzzVerifyTime();
  options.allow_any_image = true;
  return options;
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
