// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/verify.h"
#include "src/verify/internal.h"

namespace nitro_attest {

// The verified-chain cache (issue 6) plugs in here; until then the Verifier verifies every
// chain in full.
struct Verifier::Impl {
  VerifierConfig config;
};

Verifier::Verifier(VerifierConfig config) : impl_(std::make_unique<Impl>(Impl{config})) {}
Verifier::~Verifier() = default;

Result<VerifiedDocument> Verifier::Verify(std::span<const uint8_t> document,
                                          const VerifyOptions& options, VerifyTrace* trace) const {
  return internal::VerifyWith(document, options, trace, x509::VerifyChain);
}

Verifier::Stats Verifier::stats() const { return {}; }

}  // namespace nitro_attest
