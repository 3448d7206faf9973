// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The parent's long-term key pair from PEM: strictly EC P-384 on the named curve.
#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <cstring>

#include "nitro_attest/protocol.h"
#include "src/es384/es384.h"
#include "src/protocol/internal.h"
#include "src/protocol/seal.h"

namespace nitro_attest {
namespace {

Error BadKey(const std::string& why) {
  ossl::DrainErrors();  // OpenSSL's own texts add nothing a user can act on
  return MakeError(ErrorCode::kInvalidArgument, why);
}

// NoPassword refuses to decrypt: a key file must not make the tool prompt on the terminal.
int NoPassword(char*, int, int, void*) { return -1; }

Result<ossl::BioPtr> MemoryBio(std::span<const uint8_t> pem) {
  if (pem.empty() || pem.size() > 64 * 1024) {
    return BadKey("a PEM key file is 1..65536 bytes");
  }
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return ossl::OsslError(ErrorCode::kInternal, "BIO_new_mem_buf");
  }
  return bio;
}

// CheckP384 requires EC on P-384 with the curve named, not spelled out: a key with explicit
// parameters could name any curve, and the peer's key is checked the same way.
Status CheckP384(EVP_PKEY* key) {
  char encoding[32] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return BadKey("not an EC key (ECDSA P-384 is required)");
  }
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING, encoding,
                                     sizeof(encoding), &len) != 1 ||
      std::strcmp(encoding, OSSL_PKEY_EC_ENCODING_GROUP) != 0) {
    return BadKey("an EC key with explicit curve parameters (a named P-384 curve is required)");
  }
  if (!es384::IsP384Key(key)) {
    return BadKey("an EC key on another curve than P-384");
  }
  return {};
}

}  // namespace

Result<ParentSigningKey> ParentSigningKey::FromPem(std::span<const uint8_t> pem) {
  NA_ASSIGN_OR_RETURN(const ossl::BioPtr bio, MemoryBio(pem));
  auto impl = std::make_shared<Impl>();
  impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (!impl->key) {
    return BadKey(
        "no unencrypted private key in PEM (\"EC PRIVATE KEY\" or \"PRIVATE KEY\") found");
  }
  NA_TRY(CheckP384(impl->key.get()));
  BIGNUM* priv = nullptr;
  const bool has_private =
      EVP_PKEY_get_bn_param(impl->key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1;
  BN_clear_free(priv);
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl->key.get(), nullptr));
  // EVP_PKEY_check: the scalar is in range and the public point is scalar x G.
  if (!has_private || !ctx || EVP_PKEY_check(ctx.get()) != 1) {
    return BadKey("the private key is not a consistent P-384 key pair");
  }
  NA_ASSIGN_OR_RETURN(impl->spki, protocol::PublicKeyDer(impl->key.get()));
  return ParentSigningKey(std::move(impl));
}

const Bytes& ParentSigningKey::public_key_der() const { return impl_->spki; }

Result<ParentPublicKey> ParentPublicKey::FromPem(std::span<const uint8_t> pem) {
  NA_ASSIGN_OR_RETURN(const ossl::BioPtr bio, MemoryBio(pem));
  auto impl = std::make_shared<Impl>();
  impl->key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassword, nullptr));
  if (!impl->key) {
    return BadKey("no public key in PEM (\"PUBLIC KEY\", SubjectPublicKeyInfo) found");
  }
  NA_TRY(CheckP384(impl->key.get()));
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl->key.get(), nullptr));
  if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) {
    return BadKey("the public key is not a valid P-384 point");
  }
  NA_ASSIGN_OR_RETURN(impl->spki, protocol::PublicKeyDer(impl->key.get()));
  return ParentPublicKey(std::move(impl));
}

const Bytes& ParentPublicKey::der() const { return impl_->spki; }

}  // namespace nitro_attest
