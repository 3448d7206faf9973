// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The ES384 verification backends behind es384::VerifyRaw / VerifyDer (internal). Each has the
// public functions' exact contract; only the build-time choice differs. Exposed for the
// differential test and the benchmarks.
#ifndef NITRO_ATTEST_SRC_ES384_BACKEND_H_
#define NITRO_ATTEST_SRC_ES384_BACKEND_H_

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "nitro_attest/result.h"
#include "src/es384/es384.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::es384::internal {

// OpensslKeyFromPoint makes an EVP_PKEY from a SEC1 uncompressed P-384 point (the 04 prefix
// checked by the caller, PublicKey::FromPoint); OpenSSL refuses
// coordinates >= p and points off the curve (kInvalidArgument).
Result<ossl::EvpPkeyPtr> OpensslKeyFromPoint(std::span<const uint8_t, kPointSize> point);

// OpenSSL 3.0 (EVP_DigestVerify).
Status OpensslVerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                        std::span<const uint8_t> signature);
Status OpensslVerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                        std::span<const uint8_t> der_signature);

#if NITRO_ATTEST_ES384_NETTLE
// NettleKey is a public key as libhogweed uses it (nettle.cc).
struct NettleKey;
struct NettleKeyDeleter {
  void operator()(NettleKey* key) const noexcept;
};
using NettleKeyPtr = std::unique_ptr<NettleKey, NettleKeyDeleter>;
// NettleKeyFromPoint is OpensslKeyFromPoint for Nettle (ecc_point_set checks range and curve).
Result<NettleKeyPtr> NettleKeyFromPoint(std::span<const uint8_t, kPointSize> point);

// Nettle's libhogweed (ecdsa_verify on secp384r1, SHA-384 from nettle). DER signatures are
// parsed strictly here, accepting exactly the encodings OpenSSL accepts (canonical DER).
Status NettleVerifyRaw(const PublicKey& key, std::span<const uint8_t> message,
                       std::span<const uint8_t> signature);
Status NettleVerifyDer(const PublicKey& key, std::span<const uint8_t> message,
                       std::span<const uint8_t> der_signature);
// NettleRejectionsOverruled counts signatures Nettle's math rejected and OpenSSL's accepted
// (the u1*G == u2*Q case Nettle 3.8 does not handle); tests check it stays at those cases.
uint64_t NettleRejectionsOverruled();
#endif

}  // namespace nitro_attest::es384::internal

namespace nitro_attest::es384 {

// The key in the built backend's form, beside its SEC1 encoding.
struct PublicKey::Impl {
  std::array<uint8_t, kPointSize> point{};
#if NITRO_ATTEST_ES384_NETTLE
  internal::NettleKeyPtr nettle;
#else
  ossl::EvpPkeyPtr evp;
#endif
};

}  // namespace nitro_attest::es384

#endif  // NITRO_ATTEST_SRC_ES384_BACKEND_H_
