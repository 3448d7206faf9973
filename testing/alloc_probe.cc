// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The global operator new/delete of nitro_attest_alloc_tests. Every block carries a 16-byte
// header with its size (malloc's alignment is kept), so that every form of delete, sized or
// not, can scan the block it frees. libstdc++'s array and nothrow forms call these.
#include "testing/alloc_probe.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

namespace nitro_attest::testing {
namespace {

constexpr size_t kHeader = 16;
constexpr size_t kMaxPattern = 64;

std::atomic<bool> g_armed{false};
std::atomic<size_t> g_largest{0}, g_count{0}, g_total{0}, g_freed_with_pattern{0};
uint8_t g_pattern[kMaxPattern];
size_t g_pattern_size = 0;

void* Allocate(size_t n) {
  if (g_armed.load(std::memory_order_relaxed)) {
    g_count.fetch_add(1, std::memory_order_relaxed);
    g_total.fetch_add(n, std::memory_order_relaxed);
    size_t seen = g_largest.load(std::memory_order_relaxed);
    while (n > seen && !g_largest.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
    }
  }
  if (n > SIZE_MAX - kHeader) {
    throw std::bad_alloc();
  }
  auto* p = static_cast<unsigned char*>(std::malloc(n + kHeader));
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  std::memcpy(p, &n, sizeof(n));
  return p + kHeader;
}

void Free(void* q) {
  if (q == nullptr) {
    return;
  }
  unsigned char* p = static_cast<unsigned char*>(q) - kHeader;
  if (g_armed.load(std::memory_order_acquire) && g_pattern_size != 0) {
    size_t n = 0;
    std::memcpy(&n, p, sizeof(n));
    const unsigned char* body = p + kHeader;
    if (std::search(body, body + n, g_pattern, g_pattern + g_pattern_size) != body + n) {
      g_freed_with_pattern.fetch_add(1, std::memory_order_relaxed);
    }
  }
  std::free(p);
}

}  // namespace

AllocationProbe::AllocationProbe(std::span<const uint8_t> pattern) {
  g_pattern_size = std::min(pattern.size(), kMaxPattern);
  if (g_pattern_size != 0) {
    std::memcpy(g_pattern, pattern.data(), g_pattern_size);
  }
  g_largest = 0;
  g_count = 0;
  g_total = 0;
  g_freed_with_pattern = 0;
  g_armed.store(true, std::memory_order_release);
}

AllocationProbe::~AllocationProbe() {
  g_armed.store(false, std::memory_order_release);
  g_pattern_size = 0;
}

size_t AllocationProbe::largest() const { return g_largest.load(); }
size_t AllocationProbe::count() const { return g_count.load(); }
size_t AllocationProbe::total() const { return g_total.load(); }
size_t AllocationProbe::freed_with_pattern() const { return g_freed_with_pattern.load(); }

}  // namespace nitro_attest::testing

void* operator new(size_t n) { return nitro_attest::testing::Allocate(n); }
void operator delete(void* p) noexcept { nitro_attest::testing::Free(p); }
void operator delete(void* p, size_t) noexcept { nitro_attest::testing::Free(p); }
