// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// AllocationProbe watches the C++ heap (operator new/delete) of the nitro_attest_alloc_tests
// binary, which replaces the global operators in alloc_probe.cc. It lives in a binary of its
// own so that the replacement touches no other test (and not ASan's checks on them).
#ifndef NITRO_ATTEST_TESTING_ALLOC_PROBE_H_
#define NITRO_ATTEST_TESTING_ALLOC_PROBE_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace nitro_attest::testing {

// AllocationProbe records, from its construction to its destruction (one at a time, any
// thread): the largest single request, the number and total bytes of requests, and how many
// blocks were freed while still holding `pattern` (when one is watched).
class AllocationProbe {
 public:
  // `pattern` (at most 64 bytes, copied) is looked for in every block freed while armed.
  explicit AllocationProbe(std::span<const uint8_t> pattern = {});
  ~AllocationProbe();
  AllocationProbe(const AllocationProbe&) = delete;
  AllocationProbe& operator=(const AllocationProbe&) = delete;

  size_t largest() const;
  size_t count() const;
  size_t total() const;
  // freed_with_pattern counts blocks that still held the pattern when they were freed.
  size_t freed_with_pattern() const;
};

}  // namespace nitro_attest::testing

#endif  // NITRO_ATTEST_TESTING_ALLOC_PROBE_H_
