// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// docs/protocol.md against the code: the message table and limits carry the codec's numbers,
// and the key schedule, followed step by step with OpenSSL as the document writes it, opens
// what Seal sealed, predicts its proof and verifies its signature.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>

#include <filesystem>
#include <string>

#include "nitro_attest/channel.h"
#include "nitro_attest/protocol.h"
#include "src/es384/es384.h"
#include "src/protocol/messages.h"
#include "src/protocol/protocol_test_util.h"
#include "src/protocol/seal.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::protocol {
namespace {

using ::nitro_attest::testing::IsOk;

std::string ProtocolDoc() {
  const auto bytes = ::nitro_attest::testing::ReadFileBytes(
      std::filesystem::path(NITRO_ATTEST_SOURCE_DIR) / "docs" / "protocol.md");
  return std::string(bytes.begin(), bytes.end());
}

std::string Range(size_t lo, size_t hi) { return std::to_string(lo) + ".." + std::to_string(hi); }

TEST(ProtocolDocTest, TheMessageTableAndLimitsCarryTheCodesNumbers) {
  const std::string doc = ProtocolDoc();
  const std::vector<std::string> expected = {
      "`version`: uint = " + std::to_string(kProtocolVersion),
      "`nonce`: bstr " + Range(kMinNonceSize, kMaxNonceSize),
      "`user_data`?: bstr " + Range(0, kMaxUserDataSize),
      "`document`: bstr " + Range(1, kMaxDocumentSize),
      "`ephemeral_key`: bstr " + Range(1, kMaxPublicKeySize),
      "`ciphertext`: bstr " + Range(kGcmTagSize + 1, kMaxSecretSize + kGcmTagSize),
      "`signature`?: bstr " + std::to_string(kParentSignatureSize),
      "`proof`: bstr " + std::to_string(kProofSize),
      "`code`: uint 1..255",
      "frame | " + Range(1, kDefaultMaxFrameSize) + " bytes",
      "nonce / user_data / secret | " + Range(kMinNonceSize, kMaxNonceSize) + " / " +
          Range(0, kMaxUserDataSize) + " / " + Range(1, kMaxSecretSize) + " bytes",
      "document | " + Range(1, kMaxDocumentSize) + " bytes",
      "sends a " + std::to_string(kChallengeNonceSize) + "-byte nonce",
  };
  for (const std::string& row : expected) {
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/protocol.md lacks: " << row;
  }
}

// The key schedule, written out from docs/protocol.md.
constexpr char kTranscriptLabel[] = "nitro-attest/v1 transcript\0";        // with its NUL
constexpr char kSignatureLabel[] = "nitro-attest/v1 parent signature\0";  // with its NUL
constexpr char kSealLabel[] = "nitro-attest/v1 seal";
constexpr char kAckLabel[] = "nitro-attest/v1 ack";

void Put(Bytes& out, const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}
void PutLp(Bytes& out, std::span<const uint8_t> x) {
  const auto n = static_cast<uint32_t>(x.size());
  const uint8_t len[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                          static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  Put(out, len, 4);
  Put(out, x.data(), x.size());
}
Bytes Sha384(std::span<const uint8_t> x) {
  Bytes d(48);
  EVP_Digest(x.data(), x.size(), d.data(), nullptr, EVP_sha384(), nullptr);
  return d;
}

TEST(ProtocolDocTest, TheKeyScheduleIsTheDocumentedOne) {
  const std::string doc = ProtocolDoc();
  for (const char* label : {"nitro-attest/v1 transcript\\0", "nitro-attest/v1 parent signature\\0",
                            "\"nitro-attest/v1 seal\"", "\"nitro-attest/v1 ack\"", "L = 92",
                            "aes_key = okm[0:32], iv = okm[32:44], ack_key = okm[44:92]"}) {
    EXPECT_NE(doc.find(label), std::string::npos) << label;
  }

  const ossl::EvpPkeyPtr enclave = std::move(*GenerateP384Key());
  const Bytes enclave_spki = *PublicKeyDer(enclave.get());
  const Bytes nonce(32, 0x5a), document(300, 0xd0);
  const std::optional<Bytes> user_data = Bytes{'u', 'd'};
  const Bytes secret = {'s', 'e', 'c', 'r', 'e', 't', '!'};
  const ::nitro_attest::testing::ParentKeyPair parent = ::nitro_attest::testing::NewParentKeyPair();
  TranscriptInput in;
  in.nonce = nonce;
  in.user_data = &user_data;
  in.document = document;
  in.enclave_key = enclave_spki;
  const Result<SealedSecret> sealed = Seal(enclave.get(), in, secret, &parent.signing);
  ASSERT_THAT(sealed, IsOk());

  // th
  Bytes t;
  Put(t, kTranscriptLabel, sizeof(kTranscriptLabel) - 1);
  PutLp(t, nonce);
  PutLp(t, *user_data);
  PutLp(t, Sha384(document));
  PutLp(t, enclave_spki);
  PutLp(t, sealed->parent_key);
  const Bytes th = Sha384(t);
  // z = ECDH(enclave private, parent ephemeral public): the same z from the other side.
  const uint8_t* p = sealed->parent_key.data();
  ossl::EvpPkeyPtr parent_eph(d2i_PUBKEY(nullptr, &p, static_cast<long>(sealed->parent_key.size())));
  ASSERT_TRUE(parent_eph);
  ossl::EvpPkeyCtxPtr dh(EVP_PKEY_CTX_new(enclave.get(), nullptr));
  Bytes z(48);
  size_t z_len = z.size();
  ASSERT_EQ(EVP_PKEY_derive_init(dh.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive_set_peer(dh.get(), parent_eph.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive(dh.get(), z.data(), &z_len), 1);
  // okm = HKDF-SHA384(ikm = z, salt = nonce, info = label || th, L = 92)
  Bytes info;
  Put(info, kSealLabel, sizeof(kSealLabel) - 1);
  Put(info, th.data(), th.size());
  Bytes okm(92);
  ossl::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  ossl::EvpKdfCtxPtr kctx(EVP_KDF_CTX_new(kdf.get()));
  char digest[] = "SHA384";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, z.data(), z.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(nonce.data()),
                                        nonce.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end()};
  ASSERT_EQ(EVP_KDF_derive(kctx.get(), okm.data(), okm.size(), params), 1);
  // ciphertext = AES-256-GCM(aes_key, iv, aad = th, secret) || tag
  ASSERT_EQ(sealed->ciphertext.size(), secret.size() + 16);
  ossl::EvpCipherCtxPtr gcm(EVP_CIPHER_CTX_new());
  Bytes plain(secret.size());
  int len = 0;
  Bytes tag(sealed->ciphertext.end() - 16, sealed->ciphertext.end());
  ASSERT_EQ(EVP_DecryptInit_ex2(gcm.get(), EVP_aes_256_gcm(), okm.data(), okm.data() + 32, nullptr), 1);
  ASSERT_EQ(EVP_DecryptUpdate(gcm.get(), nullptr, &len, th.data(), static_cast<int>(th.size())), 1);
  ASSERT_EQ(EVP_DecryptUpdate(gcm.get(), plain.data(), &len, sealed->ciphertext.data(),
                              static_cast<int>(secret.size())),
            1);
  ASSERT_EQ(EVP_CIPHER_CTX_ctrl(gcm.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag.data()), 1);
  ASSERT_EQ(EVP_DecryptFinal_ex(gcm.get(), plain.data() + len, &len), 1);
  EXPECT_EQ(plain, secret);
  // proof = HMAC-SHA384(ack_key, label || th || SHA-384(secret))
  Bytes msg;
  Put(msg, kAckLabel, sizeof(kAckLabel) - 1);
  Put(msg, th.data(), th.size());
  const Bytes secret_hash = Sha384(secret);
  Put(msg, secret_hash.data(), secret_hash.size());
  uint8_t proof[48];
  size_t proof_len = 0;
  ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA384", nullptr, okm.data() + 44, 48, msg.data(),
                      msg.size(), proof, sizeof(proof), &proof_len),
            nullptr);
  EXPECT_TRUE(std::equal(proof, proof + 48, sealed->expected_proof.begin()));
  // sig = ECDSA-P384-SHA384(parent key, label || th || SHA-384(ciphertext)), r || s
  Bytes signed_bytes;
  Put(signed_bytes, kSignatureLabel, sizeof(kSignatureLabel) - 1);
  Put(signed_bytes, th.data(), th.size());
  const Bytes ct_hash = Sha384(sealed->ciphertext);
  Put(signed_bytes, ct_hash.data(), ct_hash.size());
  ASSERT_TRUE(sealed->signature.has_value());
  ASSERT_EQ(sealed->signature->size(), 96u);
  const Bytes der = *es384::RawToDer(*sealed->signature);
  const ossl::BioPtr pem(BIO_new_mem_buf(parent.public_pem.data(),
                                          static_cast<int>(parent.public_pem.size())));
  const ossl::EvpPkeyPtr parent_key(PEM_read_bio_PUBKEY(pem.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(parent_key);
  ossl::EvpMdCtxPtr verify(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(verify.get(), nullptr, EVP_sha384(), nullptr, parent_key.get()),
            1);
  EXPECT_EQ(EVP_DigestVerify(verify.get(), der.data(), der.size(), signed_bytes.data(),
                             signed_bytes.size()),
            1);
}

}  // namespace
}  // namespace nitro_attest::protocol
