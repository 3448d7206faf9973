// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/verify.h"
#include "src/verify/chain_cache.h"
#include "src/verify/internal.h"

namespace nitro_attest {

struct Verifier::Impl {
  explicit Impl(const VerifierConfig& config) : cache(config.chain_cache_entries) {}
  internal::ChainCache cache;
};

Verifier::Verifier(VerifierConfig config) : impl_(std::make_unique<Impl>(config)) {}
Verifier::~Verifier() = default;

Result<VerifiedDocument> Verifier::Verify(std::span<const uint8_t> document,
                                          const VerifyOptions& options, VerifyTrace* trace) const {
  // Only the chain step is cached; the COSE signature and the policy run for every document.
  return internal::VerifyWith(
      document, options, trace,
      [this](std::span<const uint8_t> leaf, const std::vector<Bytes>& cabundle,
             std::span<const uint8_t> root, Time at) {
        return impl_->cache.Verify(leaf, cabundle, root, at);
      });
}

Verifier::Stats Verifier::stats() const {
  const internal::ChainCache::Stats s = impl_->cache.stats();
  return Stats{s.hits, s.misses, s.entries};
}

}  // namespace nitro_attest
