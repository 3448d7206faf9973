// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The verified-chain cache of the long-lived Verifier (issue 6, docs/design.md "Performance").
#ifndef NITRO_ATTEST_SRC_VERIFY_CHAIN_CACHE_H_
#define NITRO_ATTEST_SRC_VERIFY_CHAIN_CACHE_H_

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"
#include "src/x509/x509.h"

namespace nitro_attest::internal {

// ChainCache puts a bounded LRU of successful x509::VerifyChain results in front of it.
//  - The key is every byte that was verified: the trusted root's DER and the full DER of each
//    certificate of the path (signatures included), compared in full on every lookup. A
//    certificate that differs in any byte (an (r, n-s) signature twin, another root) misses.
//  - Only successes enter. A failure is never stored, so the cache cannot remember one.
//  - An entry keeps the intersection of the certificates' validity periods: the only input of
//    the verdict that varies with time. A hit at a time outside it is not used; the chain is
//    verified in full, so the result (code and cert_index) is exactly VerifyChain's.
// Behind it, a second bounded memo of verified signatures (issuer DER, subject DER): chains that
// differ only below a shared intermediate (every instance of a region and zone) check that
// intermediate's signature once (x509::SignatureMemo); everything else is checked per chain.
// Thread-safe; full verifications run outside the lock.
class ChainCache {
 public:
  struct Stats {
    uint64_t hits = 0, misses = 0, entries = 0;
    uint64_t signatures_known = 0;  // signatures not computed again thanks to the memo
  };

  // `capacity` is the entry bound (0: every call is a full verification, nothing is kept); the
  // signature memo holds up to kSignaturesPerChain times as many pairs.
  explicit ChainCache(size_t capacity)
      : capacity_(capacity), signatures_(capacity * kSignaturesPerChain) {}

  // Verify has x509::VerifyChain's contract and results.
  Result<x509::VerifiedChain> Verify(std::span<const uint8_t> leaf_der,
                                     const std::vector<Bytes>& cabundle,
                                     std::span<const uint8_t> root_der, Time at);

  Stats stats() const;

 private:
  static constexpr size_t kSignaturesPerChain = 4;  // an AWS chain: root → regional → zonal → instance → leaf

  // Signatures is the bounded memo of verified (issuer, subject) pairs, oldest dropped first.
  class Signatures : public x509::SignatureMemo {
   public:
    explicit Signatures(size_t capacity) : capacity_(capacity) {}
    bool Known(std::span<const uint8_t> issuer_der, std::span<const uint8_t> subject_der) override;
    void Remember(std::span<const uint8_t> issuer_der,
                  std::span<const uint8_t> subject_der) override;
    uint64_t known() const;

   private:
    size_t capacity_;
    mutable std::mutex mu_;
    std::list<std::string> order_;  // oldest first; keys are length-prefixed issuer, subject
    std::unordered_map<std::string_view, std::list<std::string>::iterator> index_;
    uint64_t known_ = 0;
  };

  struct Entry {
    std::string key;  // length-prefixed root, cabundle[0..n-1], leaf
    x509::VerifiedChain chain;
  };
  using Lru = std::list<Entry>;  // most recently used first

  size_t capacity_;
  Signatures signatures_;
  mutable std::mutex mu_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> index_;  // views into Entry::key
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace nitro_attest::internal

#endif  // NITRO_ATTEST_SRC_VERIFY_CHAIN_CACHE_H_
