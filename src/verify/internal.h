// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#ifndef NITRO_ATTEST_SRC_VERIFY_INTERNAL_H_
#define NITRO_ATTEST_SRC_VERIFY_INTERNAL_H_

#include <functional>

#include "nitro_attest/verify.h"
#include "src/x509/x509.h"

namespace nitro_attest::internal {

// ChainVerifier has x509::VerifyChain's contract; the Verifier's cache provides another.
using ChainVerifier = std::function<Result<x509::VerifiedChain>(
    std::span<const uint8_t> leaf_der, const std::vector<Bytes>& cabundle,
    std::span<const uint8_t> root_der, Time at)>;

// VerifyWith is Verify() with the chain step supplied by the caller.
Result<VerifiedDocument> VerifyWith(std::span<const uint8_t> document,
                                    const VerifyOptions& options, VerifyTrace* trace,
                                    const ChainVerifier& verify_chain);

}  // namespace nitro_attest::internal

#endif  // NITRO_ATTEST_SRC_VERIFY_INTERNAL_H_
