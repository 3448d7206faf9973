// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Test helpers: where ../shared is, reading files, and the real-document facts.
#ifndef NITRO_ATTEST_TESTING_TEST_UTIL_H_
#define NITRO_ATTEST_TESTING_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nitro_attest/utc_time.h"

namespace nitro_attest::testing {

// SharedDir returns ../shared beside the source tree (or $NITRO_ATTEST_SHARED_DIR), or nullopt
// when it is absent.
std::optional<std::filesystem::path> SharedDir();

// ReadFileBytes returns a file's bytes; fails the test when it cannot be read.
std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& path);

// BinaryDir returns the build directory (tools live there).
std::filesystem::path BinaryDir();

// RealDocument is one line of ../shared/vectors/real/FACTS.jsonl.
struct RealDocument {
  std::string name;
  std::filesystem::path path;
  std::string module_id;
  uint64_t timestamp_ms = 0;
  bool debug = false;  // PCR0-2 all zero
  std::vector<uint32_t> pcr_indices;
  Time valid_from, valid_to;
  std::string leaf_subject;
};

// RealDocuments returns every document of FACTS.jsonl (empty when ../shared is absent).
std::vector<RealDocument> RealDocuments();

// InsideWindow returns a time inside a real document's validity window: its own timestamp.
Time InsideWindow(const RealDocument& doc);

}  // namespace nitro_attest::testing

// NA_REQUIRE_SHARED skips the current test, saying so, when ../shared is absent.
#define NA_REQUIRE_SHARED()                                                                  \
  do {                                                                                      \
    if (!::nitro_attest::testing::SharedDir()) {                                            \
      GTEST_SKIP() << "../shared is absent: real AWS documents and vectors are not available"; \
    }                                                                                       \
  } while (false)

#endif  // NITRO_ATTEST_TESTING_TEST_UTIL_H_
