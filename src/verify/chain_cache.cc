// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/verify/chain_cache.h"

#include <utility>

namespace nitro_attest::internal {
namespace {

void Append(std::string* key, std::span<const uint8_t> bytes) {
  // A length prefix keeps the concatenation unambiguous (no bytes move between certificates).
  const uint64_t n = bytes.size();
  for (int shift = 56; shift >= 0; shift -= 8) {
    key->push_back(static_cast<char>((n >> shift) & 0xff));
  }
  key->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

Result<x509::VerifiedChain> ChainCache::Verify(std::span<const uint8_t> leaf_der,
                                               const std::vector<Bytes>& cabundle,
                                               std::span<const uint8_t> root_der, Time at) {
  if (capacity_ == 0) {
    return x509::VerifyChain(leaf_der, cabundle, root_der, at);
  }
  std::string key;
  size_t size = 8 * (cabundle.size() + 2) + root_der.size() + leaf_der.size();
  for (const Bytes& c : cabundle) {
    size += c.size();
  }
  key.reserve(size);
  Append(&key, root_der);
  for (const Bytes& c : cabundle) {
    Append(&key, c);
  }
  Append(&key, leaf_der);
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = index_.find(key);  // the map compares whole keys, never just hashes
    // Verification time is re-checked on every hit (same bounds as x509's CheckValidity).
    if (it != index_.end() && at >= it->second->chain.valid_from &&
        at <= it->second->chain.valid_to) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->chain;  // a copy; the leaf key is shared, immutable
    }
    ++misses_;
  }
  NA_ASSIGN_OR_RETURN(x509::VerifiedChain chain,
                      x509::VerifyChain(leaf_der, cabundle, root_der, at));
  std::lock_guard<std::mutex> lock(mu_);
  if (index_.find(key) == index_.end()) {           // another thread may have stored it meanwhile
    lru_.push_front(Entry{std::move(key), chain});  // a copy; the key is shared
    index_.emplace(lru_.front().key, lru_.begin());
    while (lru_.size() > capacity_) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
  }
  return chain;
}

ChainCache::Stats ChainCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{hits_, misses_, lru_.size()};
}

}  // namespace nitro_attest::internal
