// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// ES384: ECDSA over P-384 with SHA-384. The one place signatures are checked and made, so a
// faster backend can replace it behind the same functions.
#ifndef NITRO_ATTEST_SRC_ES384_ES384_H_
#define NITRO_ATTEST_SRC_ES384_ES384_H_

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nitro_attest/result.h"

namespace nitro_attest::es384 {

inline constexpr size_t kScalarSize = 48;
inline constexpr size_t kRawSignatureSize = 96;
inline constexpr size_t kPointSize = 97;  // SEC1 uncompressed: 04 || X || Y

// PublicKey is a P-384 public key, checked to be on the curve when made and held in the form
// the built backend verifies with (a Nettle point or an OpenSSL EVP_PKEY), so a key taken from
// a certificate once costs no conversion per signature. Immutable; copies share one key and may
// be used from any thread.
class PublicKey {
 public:
  struct Impl;

  // FromPoint takes a SEC1 uncompressed point. Fails (kInvalidArgument) on any other length or
  // form (compressed points are not accepted), coordinates >= p, or a point not on P-384.
  static Result<PublicKey> FromPoint(std::span<const uint8_t> point);
  // FromEvp takes an OpenSSL key; kUnsupportedAlgorithm unless it is EC on P-384.
  static Result<PublicKey> FromEvp(EVP_PKEY* key);

  // point is the SEC1 uncompressed encoding.
  const std::array<uint8_t, kPointSize>& point() const;
  const Impl& impl() const { return *impl_; }

 private:
  explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// VerifyRaw / VerifyDer (below) with a PublicKey: the fast path the verifier uses.
Status VerifyRaw(const PublicKey& key, std::span<const uint8_t> message,
                 std::span<const uint8_t> signature);
Status VerifyDer(const PublicKey& key, std::span<const uint8_t> message,
                 std::span<const uint8_t> der_signature);

// IsP384Key reports whether `key` is an EC key on P-384.
bool IsP384Key(EVP_PKEY* key);

// VerifyRaw verifies a COSE-style signature r || s (exactly 96 bytes, each half a big-endian
// unsigned integer, leading zeros allowed, high S accepted) over SHA-384(message). Returns
// kBadSignature when it does not verify or has the wrong size, kUnsupportedAlgorithm when the
// key is not P-384.
Status VerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                 std::span<const uint8_t> signature);

// VerifyDer is VerifyRaw for a DER ECDSA-Sig-Value (the X.509 form); non-canonical DER fails.
Status VerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                 std::span<const uint8_t> der_signature);

// BackendName names the verification backend chosen at build time: "nettle" (libhogweed,
// when NITRO_ATTEST_ES384_NETTLE is on) or "openssl". Both give identical verdicts.
const char* BackendName();

// SignRaw signs SHA-384(message) with a P-384 private key and returns r || s.
Result<std::array<uint8_t, kRawSignatureSize>> SignRaw(EVP_PKEY* key,
                                                       std::span<const uint8_t> message);

// RawToDer converts r || s (two big-endian scalars of `scalar_size` bytes each: 48 for P-384,
// 32 for P-256, 66 for P-521) to a DER ECDSA-Sig-Value. Fails (kBadSignature) on a wrong size.
Result<std::vector<uint8_t>> RawToDer(std::span<const uint8_t> signature,
                                      size_t scalar_size = kScalarSize);

// DerToRaw converts a DER ECDSA-Sig-Value to r || s of 2 * `scalar_size` bytes. Fails
// (kCryptoError) when it does not decode or a scalar does not fit.
Result<std::vector<uint8_t>> DerToRaw(std::span<const uint8_t> der, size_t scalar_size);

}  // namespace nitro_attest::es384

#endif  // NITRO_ATTEST_SRC_ES384_ES384_H_
