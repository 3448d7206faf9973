// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/es384/es384.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "src/es384/backend.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::es384 {

bool IsP384Key(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return false;
  }
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) !=
      1) {
    ossl::DrainErrors();
    return false;
  }
  return std::strcmp(group, SN_secp384r1) == 0;
}

Result<std::vector<uint8_t>> RawToDer(std::span<const uint8_t> signature, size_t scalar_size) {
  if (signature.size() != 2 * scalar_size) {
    return MakeError(ErrorCode::kBadSignature,
                     "ECDSA signature must be " + std::to_string(2 * scalar_size) + " bytes, got " +
                         std::to_string(signature.size()));
  }
  const int half = static_cast<int>(scalar_size);
  ossl::BignumPtr r(BN_bin2bn(signature.data(), half, nullptr));
  ossl::BignumPtr s(BN_bin2bn(signature.data() + scalar_size, half, nullptr));
  ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig) {
    return ossl::OsslError(ErrorCode::kInternal, "out of memory building ECDSA_SIG");
  }
  // ECDSA_SIG_set0 takes ownership of r and s.
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return ossl::OsslError(ErrorCode::kInternal, "ECDSA_SIG_set0 failed");
  }
  (void)r.release();
  (void)s.release();
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) {
    return ossl::OsslError(ErrorCode::kInternal, "i2d_ECDSA_SIG failed");
  }
  std::vector<uint8_t> out(der, der + der_len);
  OPENSSL_free(der);
  return out;
}

Result<std::vector<uint8_t>> DerToRaw(std::span<const uint8_t> der, size_t scalar_size) {
  const unsigned char* p = der.data();
  ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) {
    return ossl::OsslError(ErrorCode::kCryptoError, "d2i_ECDSA_SIG failed");
  }
  std::vector<uint8_t> out(2 * scalar_size);
  const int half = static_cast<int>(scalar_size);
  // get0: r and s stay owned by sig.
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), half) != half ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + scalar_size, half) != half) {
    return ossl::OsslError(ErrorCode::kCryptoError, "signature scalar too large");
  }
  return out;
}

Status internal::OpensslVerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                                  std::span<const uint8_t> der_signature) {
  if (!IsP384Key(key)) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "key is not an EC P-384 key");
  }
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key) != 1) {
    return ossl::OsslError(ErrorCode::kInternal, "EVP_DigestVerifyInit failed");
  }
  // OpenSSL's ECDSA verify re-encodes the parsed DER and rejects non-canonical input.
  const int rc = EVP_DigestVerify(ctx.get(), der_signature.data(), der_signature.size(),
                                  message.data(), message.size());
  if (rc != 1) {
    return ossl::OsslError(ErrorCode::kBadSignature, "ES384 signature does not verify");
  }
  return {};
}

Status internal::OpensslVerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                                  std::span<const uint8_t> signature) {
  if (!IsP384Key(key)) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "key is not an EC P-384 key");
  }
  NA_ASSIGN_OR_RETURN(const std::vector<uint8_t> der, RawToDer(signature));
  return OpensslVerifyDer(key, message, der);
}

namespace {

// ExportPoint returns the SEC1 uncompressed point of a P-384 key (callers checked IsP384Key).
Result<std::array<uint8_t, kPointSize>> ExportPoint(EVP_PKEY* key) {
  BIGNUM* bx = nullptr;
  BIGNUM* by = nullptr;
  const bool got = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1 &&
                   EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &by) == 1;
  ossl::BignumPtr x_owner(bx), y_owner(by);  // get_bn_param allocates; we own both
  std::array<uint8_t, kPointSize> point{};
  point[0] = 0x04;
  if (!got || BN_bn2binpad(bx, point.data() + 1, kScalarSize) != kScalarSize ||
      BN_bn2binpad(by, point.data() + 1 + kScalarSize, kScalarSize) != kScalarSize) {
    return ossl::OsslError(ErrorCode::kInternal, "cannot export the P-384 public key");
  }
  return point;
}

}  // namespace

Result<ossl::EvpPkeyPtr> internal::OpensslKeyFromPoint(std::span<const uint8_t, kPointSize> point) {
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(SN_secp384r1),
                                       0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "not a point on P-384");
  }
  return ossl::EvpPkeyPtr(key);
}

Result<PublicKey> PublicKey::FromPoint(std::span<const uint8_t> point) {
  // Only the uncompressed form: it is what AWS's certificates and our protocol carry.
  if (point.size() != kPointSize || point[0] != 0x04) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not an uncompressed P-384 point (97 bytes starting 04)");
  }
  const auto sec1 = point.first<kPointSize>();
  auto impl = std::make_shared<Impl>();
  std::copy(sec1.begin(), sec1.end(), impl->point.begin());
#if NITRO_ATTEST_ES384_NETTLE
  NA_ASSIGN_OR_RETURN(impl->nettle, internal::NettleKeyFromPoint(sec1));
#else
  NA_ASSIGN_OR_RETURN(impl->evp, internal::OpensslKeyFromPoint(sec1));
#endif
  return PublicKey(std::move(impl));
}

Result<PublicKey> PublicKey::FromEvp(EVP_PKEY* key) {
  if (!IsP384Key(key)) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "key is not an EC P-384 key");
  }
  NA_ASSIGN_OR_RETURN(const auto point, ExportPoint(key));
  return FromPoint(point);
}

const std::array<uint8_t, kPointSize>& PublicKey::point() const { return impl_->point; }

// The backend is chosen at build time (NITRO_ATTEST_ES384_NETTLE); es384_backend_test.cc runs
// both on every corpus and requires identical verdicts.
Status VerifyRaw(const PublicKey& key, std::span<const uint8_t> message,
                 std::span<const uint8_t> signature) {
#if NITRO_ATTEST_ES384_NETTLE
  return internal::NettleVerifyRaw(key, message, signature);
#else
  return internal::OpensslVerifyRaw(key.impl().evp.get(), message, signature);
#endif
}

Status VerifyDer(const PublicKey& key, std::span<const uint8_t> message,
                 std::span<const uint8_t> der_signature) {
#if NITRO_ATTEST_ES384_NETTLE
  return internal::NettleVerifyDer(key, message, der_signature);
#else
  return internal::OpensslVerifyDer(key.impl().evp.get(), message, der_signature);
#endif
}

Status VerifyRaw(EVP_PKEY* key, std::span<const uint8_t> message,
                 std::span<const uint8_t> signature) {
  NA_ASSIGN_OR_RETURN(const PublicKey k, PublicKey::FromEvp(key));
  return VerifyRaw(k, message, signature);
}

Status VerifyDer(EVP_PKEY* key, std::span<const uint8_t> message,
                 std::span<const uint8_t> der_signature) {
  NA_ASSIGN_OR_RETURN(const PublicKey k, PublicKey::FromEvp(key));
  return VerifyDer(k, message, der_signature);
}

const char* BackendName() {
#if NITRO_ATTEST_ES384_NETTLE
  return "nettle";
#else
  return "openssl";
#endif
}

Result<std::array<uint8_t, kRawSignatureSize>> SignRaw(EVP_PKEY* key,
                                                       std::span<const uint8_t> message) {
  if (!IsP384Key(key)) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "key is not an EC P-384 key");
  }
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "EVP_DigestSignInit failed");
  }
  size_t der_len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &der_len, message.data(), message.size()) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "EVP_DigestSign (size) failed");
  }
  std::vector<uint8_t> der(der_len);
  if (EVP_DigestSign(ctx.get(), der.data(), &der_len, message.data(), message.size()) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "EVP_DigestSign failed");
  }
  NA_ASSIGN_OR_RETURN(const std::vector<uint8_t> raw,
                      DerToRaw(std::span<const uint8_t>(der.data(), der_len), kScalarSize));
  std::array<uint8_t, kRawSignatureSize> out{};
  std::copy(raw.begin(), raw.end(), out.begin());
  return out;
}

}  // namespace nitro_attest::es384
