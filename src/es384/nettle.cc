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
#include <openssl/core_names.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>

#include "src/es384/backend.h"
#include "src/es384/es384.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::es384::internal {
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

// Point is a public key on secp384r1.
class Point {
 public:
  Point() { ecc_point_init(&p_, nettle_get_secp_384r1()); }
  ~Point() { ecc_point_clear(&p_); }
  Point(const Point&) = delete;
  Point& operator=(const Point&) = delete;
  const ecc_point* get() const { return &p_; }
  // Set fails when (x, y) is not on the curve.
  bool Set(Mpz& x, Mpz& y) { return ecc_point_set(&p_, x.get(), y.get()) == 1; }

 private:
  ecc_point p_;
};

// LoadKey exports the affine coordinates of an OpenSSL P-384 key (callers have checked
// IsP384Key) into `point`.
Status LoadKey(EVP_PKEY* key, Point* point) {
  BIGNUM* bx = nullptr;
  BIGNUM* by = nullptr;
  const bool got = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1 &&
                   EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &by) == 1;
  ossl::BignumPtr x_owner(bx), y_owner(by);  // get_bn_param allocates; we own both
  std::array<uint8_t, 2 * kScalarSize> xy{};
  if (!got || BN_bn2binpad(bx, xy.data(), kScalarSize) != kScalarSize ||
      BN_bn2binpad(by, xy.data() + kScalarSize, kScalarSize) != kScalarSize) {
    return ossl::OsslError(ErrorCode::kInternal, "cannot export the P-384 public key");
  }
  Mpz x, y;
  x.Set(std::span<const uint8_t>(xy).first(kScalarSize));
  y.Set(std::span<const uint8_t>(xy).subspan(kScalarSize));
  if (!point->Set(x, y)) {
    // OpenSSL validates points when it decodes a key, so this is not reachable from a
    // certificate; fail closed anyway.
    return MakeError(ErrorCode::kInternal, "public key is not on P-384");
  }
  return {};
}

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
Status Verify(EVP_PKEY* key, std::span<const uint8_t> message, std::span<const uint8_t> r,
              std::span<const uint8_t> s) {
  Point point;
  NA_TRY(LoadKey(key, &point));
  const std::array<uint8_t, 48> digest = Sha384(message);
  dsa_signature sig;
  dsa_signature_init(&sig);
  mpz_import(sig.r, r.size(), 1, 1, 1, 0, r.data());
  mpz_import(sig.s, s.size(), 1, 1, 1, 0, s.data());
  const int ok = ecdsa_verify(point.get(), digest.size(), digest.data(), &sig);
  dsa_signature_clear(&sig);
  if (ok == 1) {
    return {};
  }
  std::array<uint8_t, kRawSignatureSize> raw{};
  std::copy(r.begin(), r.end(), raw.begin() + static_cast<std::ptrdiff_t>(kScalarSize - r.size()));
  std::copy(s.begin(), s.end(), raw.end() - static_cast<std::ptrdiff_t>(s.size()));
  Status confirmed = OpensslVerifyRaw(key, message, raw);
  if (confirmed) {
    rescued.fetch_add(1, std::memory_order_relaxed);
  }
  return confirmed;
}

// DerReader reads canonical DER, as OpenSSL's ECDSA verify demands (it re-encodes what it
// parsed and rejects any difference, and refuses negative integers).
class DerReader {
 public:
  explicit DerReader(std::span<const uint8_t> in) : in_(in) {}
  bool empty() const { return in_.empty(); }

  // Element reads one element with tag `tag` and returns its content.
  std::optional<std::span<const uint8_t>> Element(uint8_t tag) {
    if (in_.size() < 2 || in_[0] != tag) {
      return std::nullopt;
    }
    size_t len = in_[1];
    size_t header = 2;
    if (len == 0x81) {
      if (in_.size() < 3 || in_[2] < 0x80) {  // 0x81 only for lengths 128..255
        return std::nullopt;
      }
      len = in_[2];
      header = 3;
    } else if (len == 0x82) {
      if (in_.size() < 4 || in_[2] == 0) {  // 0x82 only for lengths from 256
        return std::nullopt;
      }
      len = (size_t{in_[2]} << 8) | in_[3];
      header = 4;
    } else if (len >= 0x80) {
      return std::nullopt;  // indefinite or needlessly long
    }
    if (in_.size() - header < len) {
      return std::nullopt;
    }
    const std::span<const uint8_t> content = in_.subspan(header, len);
    in_ = in_.subspan(header + len);
    return content;
  }

  // UnsignedInteger reads a non-negative INTEGER in minimal form and returns its magnitude
  // without the sign byte.
  std::optional<std::span<const uint8_t>> UnsignedInteger() {
    const auto c = Element(0x02);
    if (!c || c->empty() || ((*c)[0] & 0x80) != 0) {
      return std::nullopt;
    }
    if ((*c)[0] == 0 && c->size() > 1) {
      if (((*c)[1] & 0x80) == 0) {
        return std::nullopt;  // needless leading zero
      }
      return c->subspan(1);
    }
    return c;
  }

 private:
  std::span<const uint8_t> in_;
};

}  // namespace

Status NettleVerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                       std::span<const uint8_t> signature) {
  if (!IsP384Key(key)) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "key is not an EC P-384 key");
  }
  if (signature.size() != kRawSignatureSize) {
    return MakeError(ErrorCode::kBadSignature, "ES384 signature must be 96 bytes");
  }
  return Verify(key, message, signature.first(kScalarSize), signature.subspan(kScalarSize));
}

Status NettleVerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                       std::span<const uint8_t> der_signature) {
  if (!IsP384Key(key)) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "key is not an EC P-384 key");
  }
  DerReader outer(der_signature);
  const auto seq = outer.Element(0x30);
  if (!seq || !outer.empty()) {
    return BadSignature();
  }
  DerReader inner(*seq);
  const auto r = inner.UnsignedInteger();
  const auto s = inner.UnsignedInteger();
  // Magnitudes over 48 bytes are >= 2^384 > n: out of range, as OpenSSL finds.
  if (!r || !s || !inner.empty() || r->size() > kScalarSize || s->size() > kScalarSize) {
    return BadSignature();
  }
  return Verify(key, message, *r, *s);
}

uint64_t NettleRejectionsOverruled() { return rescued.load(std::memory_order_relaxed); }

}  // namespace nitro_attest::es384::internal
