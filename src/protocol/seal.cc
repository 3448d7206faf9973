// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/protocol/seal.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include <cstring>
#include <string_view>

#include "src/es384/es384.h"
#include "src/protocol/internal.h"
#include "src/protocol/messages.h"

namespace nitro_attest::protocol {
namespace {

constexpr std::string_view kTranscriptLabel{"nitro-attest/v1 transcript\0", 27};
constexpr std::string_view kSealLabel = "nitro-attest/v1 seal";
constexpr std::string_view kAckLabel = "nitro-attest/v1 ack";
constexpr std::string_view kSignatureLabel{"nitro-attest/v1 parent signature\0", 33};
constexpr size_t kAesKeySize = 32;
constexpr size_t kIvSize = 12;
constexpr size_t kAckKeySize = 48;

template <class Buffer>
void Append(Buffer& out, std::span<const uint8_t> b) {
  out.insert(out.end(), b.begin(), b.end());
}

void AppendLengthPrefixed(Bytes& out, std::span<const uint8_t> b) {
  const auto n = static_cast<uint32_t>(b.size());
  const uint8_t len[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                          static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  Append(out, len);
  Append(out, b);
}

Digest384 Sha384(std::span<const uint8_t> data) {
  Digest384 d{};
  unsigned int len = 0;
  // EVP_Digest with SHA-384 on in-memory data fails only on allocation failure.
  if (EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha384(), nullptr) != 1) {
    ossl::DrainErrors();
  }
  return d;
}

// Keys is the HKDF output; wiped when it goes out of scope.
struct Keys {
  std::array<uint8_t, kAesKeySize + kIvSize + kAckKeySize> okm{};
  ~Keys() { OPENSSL_cleanse(okm.data(), okm.size()); }
  const uint8_t* aes_key() const { return okm.data(); }
  const uint8_t* iv() const { return okm.data() + kAesKeySize; }
  std::span<const uint8_t> ack_key() const {
    return std::span<const uint8_t>(okm).subspan(kAesKeySize + kIvSize);
  }
};

Status DeriveKeys(EVP_PKEY* own, EVP_PKEY* peer, std::span<const uint8_t> nonce,
                  const Digest384& th, Keys& keys) {
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, /*validate_peer=*/1) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "ECDH setup");
  }
  std::array<uint8_t, 48> z{};
  size_t z_len = z.size();
  if (EVP_PKEY_derive(ctx.get(), z.data(), &z_len) != 1 || z_len != z.size()) {
    OPENSSL_cleanse(z.data(), z.size());
    return ossl::OsslError(ErrorCode::kCryptoError, "ECDH");
  }
  Bytes info(kSealLabel.begin(), kSealLabel.end());
  Append(info, th);
  ossl::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  ossl::EvpKdfCtxPtr kctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  char digest[] = "SHA384";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, z.data(), z.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(nonce.data()),
                                        nonce.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end()};
  const bool ok = kctx && EVP_KDF_derive(kctx.get(), keys.okm.data(), keys.okm.size(), params) == 1;
  OPENSSL_cleanse(z.data(), z.size());
  if (!ok) {
    return ossl::OsslError(ErrorCode::kCryptoError, "HKDF-SHA384");
  }
  return {};
}

Digest384 Proof(const Keys& keys, const Digest384& th, std::span<const uint8_t> secret) {
  // The secret's hash is as good as the secret to whoever can guess it: wiped too.
  SecretBytes msg(kAckLabel.begin(), kAckLabel.end());
  Append(msg, th);
  Digest384 secret_hash = Sha384(secret);
  Append(msg, secret_hash);
  OPENSSL_cleanse(secret_hash.data(), secret_hash.size());
  Digest384 mac{};
  size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA384", nullptr, keys.ack_key().data(),
                keys.ack_key().size(), msg.data(), msg.size(), mac.data(), mac.size(),
                &len) == nullptr) {
    ossl::DrainErrors();
    mac.fill(0);  // an all-zero proof never matches a real one
  }
  return mac;
}

// SignatureInput is what the parent's long-term key signs (docs/protocol.md).
Bytes SignatureInput(const Digest384& th, std::span<const uint8_t> ciphertext) {
  Bytes input(kSignatureLabel.begin(), kSignatureLabel.end());
  Append(input, th);
  Append(input, Sha384(ciphertext));
  return input;
}

// CheckParentSignature requires `signature` to be the pinned key's over this session.
Status CheckParentSignature(const ParentPublicKey& pinned, const Digest384& th,
                            std::span<const uint8_t> ciphertext,
                            const std::optional<Bytes>& signature) {
  if (!signature) {
    return MakeError(ErrorCode::kParentNotAuthenticated,
                     "the sealed secret carries no parent signature, and a parent key is pinned");
  }
  if (Status ok = es384::VerifyRaw(pinned.impl().key.get(), SignatureInput(th, ciphertext),
                                   *signature);
      !ok) {
    return MakeError(ErrorCode::kParentNotAuthenticated,
                     "the parent signature does not verify under the pinned key for this session");
  }
  return {};
}

}  // namespace

Result<ossl::EvpPkeyPtr> GenerateP384Key() {
  ossl::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  if (!key) {
    return ossl::OsslError(ErrorCode::kCryptoError, "P-384 key generation");
  }
  return key;
}

Result<Bytes> PublicKeyDer(EVP_PKEY* key) {
  const int n = i2d_PUBKEY(key, nullptr);
  if (n <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "encoding the public key");
  }
  Bytes der(static_cast<size_t>(n));
  uint8_t* p = der.data();
  if (i2d_PUBKEY(key, &p) != n) {
    return ossl::OsslError(ErrorCode::kCryptoError, "encoding the public key");
  }
  return der;
}

Result<ossl::EvpPkeyPtr> ParseP384PublicKey(std::span<const uint8_t> der) {
  if (der.empty() || der.size() > kMaxPublicKeySize) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "public key size out of range");
  }
  const uint8_t* p = der.data();
  ossl::EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != der.data() + der.size()) {
    return ossl::OsslError(ErrorCode::kUnsupportedAlgorithm, "not a DER SubjectPublicKeyInfo");
  }
  if (!es384::IsP384Key(key.get())) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "not a P-384 key");
  }
  // Strict DER: the key must re-encode to the bytes that were attested.
  Result<Bytes> again = PublicKeyDer(key.get());
  if (!again || *again != Bytes(der.begin(), der.end())) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "public key is not in canonical form");
  }
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) {
    return ossl::OsslError(ErrorCode::kUnsupportedAlgorithm, "invalid P-384 point");
  }
  return key;
}

Digest384 TranscriptHash(const TranscriptInput& in) {
  Bytes t(kTranscriptLabel.begin(), kTranscriptLabel.end());
  AppendLengthPrefixed(t, in.nonce);
  const bool has_user_data = in.user_data != nullptr && in.user_data->has_value();
  AppendLengthPrefixed(
      t, has_user_data ? std::span<const uint8_t>(**in.user_data) : std::span<const uint8_t>());
  AppendLengthPrefixed(t, Sha384(in.document));
  AppendLengthPrefixed(t, in.enclave_key);
  AppendLengthPrefixed(t, in.parent_key);
  return Sha384(t);
}

Result<SealedSecret> Seal(EVP_PKEY* enclave_key, const TranscriptInput& in,
                          std::span<const uint8_t> secret, const ParentSigningKey* signer) {
  NA_ASSIGN_OR_RETURN(const ossl::EvpPkeyPtr mine, GenerateP384Key());
  SealedSecret out;
  NA_ASSIGN_OR_RETURN(out.parent_key, PublicKeyDer(mine.get()));
  TranscriptInput full = in;
  full.parent_key = out.parent_key;
  const Digest384 th = TranscriptHash(full);
  Keys keys;
  NA_TRY(DeriveKeys(mine.get(), enclave_key, in.nonce, th, keys));

  ossl::EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  out.ciphertext.resize(secret.size() + kGcmTagSize);
  int len = 0, fin = 0;
  if (!ctx ||
      EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), keys.aes_key(), keys.iv(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, th.data(), static_cast<int>(th.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.ciphertext.data(), &len, secret.data(),
                        static_cast<int>(secret.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.ciphertext.data() + len, &fin) != 1 ||
      static_cast<size_t>(len + fin) != secret.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kGcmTagSize),
                          out.ciphertext.data() + secret.size()) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "AES-256-GCM seal");
  }
  out.expected_proof = Proof(keys, th, secret);
  if (signer != nullptr) {
    NA_ASSIGN_OR_RETURN(const auto sig, es384::SignRaw(signer->impl().key.get(),
                                                       SignatureInput(th, out.ciphertext)));
    out.signature = Bytes(sig.begin(), sig.end());
  }
  return out;
}

Result<OpenedSecret> Open(EVP_PKEY* enclave_private, const TranscriptInput& in,
                          std::span<const uint8_t> ciphertext, const ParentPublicKey* pinned,
                          const std::optional<Bytes>& signature) {
  const Digest384 th = TranscriptHash(in);
  // Authentication first: nothing from an unauthenticated parent is even decrypted.
  if (pinned != nullptr) {
    NA_TRY(CheckParentSignature(*pinned, th, ciphertext, signature));
  }
  if (ciphertext.size() <= kGcmTagSize) {
    return MakeError(ErrorCode::kCryptoError, "ciphertext shorter than its tag");
  }
  NA_ASSIGN_OR_RETURN(const ossl::EvpPkeyPtr parent, ParseP384PublicKey(in.parent_key));
  Keys keys;
  NA_TRY(DeriveKeys(enclave_private, parent.get(), in.nonce, th, keys));

  const size_t n = ciphertext.size() - kGcmTagSize;
  OpenedSecret out;
  out.secret.resize(n);
  uint8_t tag[kGcmTagSize];
  std::memcpy(tag, ciphertext.data() + n, kGcmTagSize);
  ossl::EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0, fin = 0;
  if (!ctx ||
      EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), keys.aes_key(), keys.iv(), nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, th.data(), static_cast<int>(th.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.secret.data(), &len, ciphertext.data(),
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kGcmTagSize), tag) !=
          1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.secret.data() + len, &fin) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "AES-256-GCM open: authentication failed");
  }
  out.proof = Proof(keys, th, out.secret);
  return out;
}

}  // namespace nitro_attest::protocol
