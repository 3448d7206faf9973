// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The ES384 verification backends behind es384::VerifyRaw / VerifyDer (internal). Each has the
// public functions' exact contract; only the build-time choice differs. Exposed for the
// differential test and the benchmarks.
#ifndef NITRO_ATTEST_SRC_ES384_BACKEND_H_
#define NITRO_ATTEST_SRC_ES384_BACKEND_H_

#include <openssl/evp.h>

#include <cstdint>
#include <span>

#include "nitro_attest/result.h"

namespace nitro_attest::es384::internal {

// OpenSSL 3.0 (EVP_DigestVerify).
Status OpensslVerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                        std::span<const uint8_t> signature);
Status OpensslVerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                        std::span<const uint8_t> der_signature);

#if NITRO_ATTEST_ES384_NETTLE
// Nettle's libhogweed (ecdsa_verify on secp384r1, SHA-384 from nettle). The key still comes
// as an OpenSSL EVP_PKEY (its point is exported); DER signatures are parsed strictly here,
// accepting exactly the encodings OpenSSL accepts (canonical DER).
Status NettleVerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                       std::span<const uint8_t> signature);
Status NettleVerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                       std::span<const uint8_t> der_signature);
// NettleRejectionsOverruled counts signatures Nettle's math rejected and OpenSSL's accepted
// (the u1*G == u2*Q case Nettle 3.8 does not handle); tests check it stays at those cases.
uint64_t NettleRejectionsOverruled();
#endif

}  // namespace nitro_attest::es384::internal

#endif  // NITRO_ATTEST_SRC_ES384_BACKEND_H_
