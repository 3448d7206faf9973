// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/verify/chain_cache.h"

#include <iterator>
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

std::string PairKey(std::span<const uint8_t> issuer_der, std::span<const uint8_t> subject_der) {
  std::string key;
  key.reserve(16 + issuer_der.size() + subject_der.size());
  Append(&key, issuer_der);
  Append(&key, subject_der);
  return key;
}

}  // namespace

bool ChainCache::Signatures::Known(std::span<const uint8_t> issuer_der,
                                   std::span<const uint8_t> subject_der) {
  if (capacity_ == 0) {
    return false;
  }
  const std::string key = PairKey(issuer_der, subject_der);
  std::lock_guard<std::mutex> lock(mu_);
  if (index_.find(key) == index_.end()) {  // whole keys compared, never just hashes
    return false;
  }
  ++known_;
  return true;
}

void ChainCache::Signatures::Remember(std::span<const uint8_t> issuer_der,
                                      std::span<const uint8_t> subject_der) {
  if (capacity_ == 0) {
    return;
  }
  std::string key = PairKey(issuer_der, subject_der);
  std::lock_guard<std::mutex> lock(mu_);
  if (index_.find(key) != index_.end()) {
    return;
  }
  order_.push_back(std::move(key));
  index_.emplace(order_.back(), std::prev(order_.end()));
  while (order_.size() > capacity_) {
    index_.erase(order_.front());
    order_.pop_front();
  }
}

uint64_t ChainCache::Signatures::known() const {
  std::lock_guard<std::mutex> lock(mu_);
  return known_;
}

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
                      x509::VerifyChain(leaf_der, cabundle, root_der, at, &signatures_));
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
  return Stats{hits_, misses_, lru_.size(), signatures_.known()};
}

}  // namespace nitro_attest::internal
