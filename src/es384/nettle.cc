// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// ES384 verification with Nettle's libhogweed (LGPL-3+ or GPL-2+, linked dynamically): about
// 1.8x OpenSSL 3.0's P-384 verify on these machines (issue 6; scripts/bench.sh measures it).
// Verdicts must equal the OpenSSL backend's on every input: es384_backend_test.cc checks that.
#include <gmp.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <array>
#include <atomic>

#include "src/common/der.h"
#include "src/es384/backend.h"
#include "src/es384/es384.h"

namespace nitro_attest::es384::internal {

// NettleKey owns one initialised secp384r1 point.
struct NettleKey {
  NettleKey() { ecc_point_init(&point, nettle_get_secp_384r1()); }
  ~NettleKey() { ecc_point_clear(&point); }
  NettleKey(const NettleKey&) = delete;
  NettleKey& operator=(const NettleKey&) = delete;
  ecc_point point;
};

namespace {

// Mpz is an initialised GMP integer, cleared on destruction.
class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  ~Mpz() { mpz_clear(v_); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_ptr get() { return v_; }
  // Set loads a big-endian unsigned integer.
  void Set(std::span<const uint8_t> be) {
    if (be.empty()) {
      mpz_set_ui(v_, 0);
      return;
    }
    mpz_import(v_, be.size(), 1, 1, 1, 0, be.data());
  }

 private:
  mpz_t v_;
};

std::array<uint8_t, 48> Sha384(std::span<const uint8_t> message) {
  sha384_ctx ctx;
  sha384_init(&ctx);
  if (!message.empty()) {
    sha384_update(&ctx, message.size(), message.data());
  }
  std::array<uint8_t, 48> digest{};
  sha384_digest(&ctx, digest.size(), digest.data());
  return digest;
}

Status BadSignature() {
  return MakeError(ErrorCode::kBadSignature, "ES384 signature does not verify");
}

std::atomic<uint64_t> rescued{0};

// Verify checks (r, s) over SHA-384(message). Nettle rejects r or s outside [1, n-1].
// Nettle 3.8's verify adds u1*G and u2*Q without handling u1*G == u2*Q, so it rejects those
// valid signatures (Wycheproof "PointDuplication"); only a signer who knows the key can make
// one. A signature Nettle's math rejects is therefore checked again by OpenSSL, which decides.
// Valid signatures (the fast path) never reach OpenSSL; invalid ones cost both.
Status Verify(const PublicKey& key, std::span<const uint8_t> message, std::span<const uint8_t> r,
              std::span<const uint8_t> s) {
  const std::array<uint8_t, 48> digest = Sha384(message);
  dsa_signature sig;
  dsa_signature_init(&sig);
  mpz_import(sig.r, r.size(), 1, 1, 1, 0, r.data());
  mpz_import(sig.s, s.size(), 1, 1, 1, 0, s.data());
  const int ok = ecdsa_verify(&key.impl().nettle->point, digest.size(), digest.data(), &sig);
  dsa_signature_clear(&sig);
  if (ok == 1) {
    return {};
  }
  std::array<uint8_t, kRawSignatureSize> raw{};
  std::copy(r.begin(), r.end(), raw.begin() + static_cast<std::ptrdiff_t>(kScalarSize - r.size()));
  std::copy(s.begin(), s.end(), raw.end() - static_cast<std::ptrdiff_t>(s.size()));
  NA_ASSIGN_OR_RETURN(const ossl::EvpPkeyPtr evp, OpensslKeyFromPoint(key.point()));
  Status confirmed = OpensslVerifyRaw(evp.get(), message, raw);
  if (confirmed) {
    rescued.fetch_add(1, std::memory_order_relaxed);
  }
  return confirmed;
}

}  // namespace

void NettleKeyDeleter::operator()(NettleKey* key) const noexcept { delete key; }

Result<NettleKeyPtr> NettleKeyFromPoint(std::span<const uint8_t, kPointSize> point) {
  Mpz x, y;
  x.Set(point.subspan(1, kScalarSize));
  y.Set(point.subspan(1 + kScalarSize));
  NettleKeyPtr key(new NettleKey);
  // ecc_point_set refuses coordinates outside [0, p) and points off the curve.
  if (ecc_point_set(&key->point, x.get(), y.get()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "not a point on P-384");
  }
  return key;
}

Status NettleVerifyRaw(const PublicKey& key, std::span<const uint8_t> message,
                       std::span<const uint8_t> signature) {
  if (signature.size() != kRawSignatureSize) {
    return MakeError(ErrorCode::kBadSignature, "ES384 signature must be 96 bytes");
  }
  return Verify(key, message, signature.first(kScalarSize), signature.subspan(kScalarSize));
}

Status NettleVerifyDer(const PublicKey& key, std::span<const uint8_t> message,
                       std::span<const uint8_t> der_signature) {
  // Canonical DER only, as OpenSSL's ECDSA verify demands (it re-encodes what it parsed and
  // rejects any difference, and refuses negative integers).
  der::DerReader outer(der_signature);
  std::span<const uint8_t> seq, r, s;
  if (!outer.Read(der::kSequence, &seq) || !outer.empty()) {
    return BadSignature();
  }
  der::DerReader inner(seq);
  // Magnitudes over 48 bytes are >= 2^384 > n: out of range, as OpenSSL finds.
  if (!inner.ReadUnsignedInteger(&r) || !inner.ReadUnsignedInteger(&s) || !inner.empty() ||
      r.size() > kScalarSize || s.size() > kScalarSize) {
    return BadSignature();
  }
  return Verify(key, message, r, s);
}

uint64_t NettleRejectionsOverruled() { return rescued.load(std::memory_order_relaxed); }

}  // namespace nitro_attest::es384::internal
