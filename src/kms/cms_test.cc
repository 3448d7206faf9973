// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// CiphertextForRecipient: the public KMS samples (../shared/vectors/kms) parse, the three with
// keys decrypt to their plaintexts, the SHA-1 one is refused; our builder writes what KMS
// writes, and OpenSSL's own CMS reader agrees with ours on every sample and every build.
#include "src/kms/cms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/cms.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "nitro_attest/encoding.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::cms {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::ReadFileBytes;

std::filesystem::path KmsDir() { return *::nitro_attest::testing::SharedDir() / "vectors" / "kms"; }

ossl::EvpPkeyPtr LoadKey(const std::filesystem::path& pem) {
  const Bytes bytes = ReadFileBytes(pem);
  ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  return ossl::EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// OpensslDecrypt runs the blob through OpenSSL's CMS_decrypt: the second implementation.
std::optional<Bytes> OpensslDecrypt(std::span<const uint8_t> der, EVP_PKEY* key) {
  const unsigned char* p = der.data();
  std::unique_ptr<CMS_ContentInfo, ossl::Deleter<CMS_ContentInfo_free>> cms(
      d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (cms == nullptr || p != der.data() + der.size()) {
    return std::nullopt;
  }
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (CMS_decrypt(cms.get(), key, nullptr, nullptr, out.get(), CMS_BINARY) != 1) {
    ossl::DrainErrors();
    return std::nullopt;
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return Bytes(data, data + n);
}

// OpensslParses reports whether d2i_CMS_ContentInfo reads all of `der` as enveloped data
// with one recipient.
bool OpensslParses(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  std::unique_ptr<CMS_ContentInfo, ossl::Deleter<CMS_ContentInfo_free>> cms(
      d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  ossl::DrainErrors();
  return cms != nullptr && p == der.data() + der.size() &&
         OBJ_obj2nid(CMS_get0_type(cms.get())) == NID_pkcs7_enveloped &&
         sk_CMS_RecipientInfo_num(CMS_get0_RecipientInfos(cms.get())) == 1;
}

struct Sample {
  std::string file, key, plaintext_hex;
};

std::vector<Sample> Samples() {
  std::ifstream in(KmsDir() / "SOURCES.tsv");
  std::vector<Sample> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) {
      cols.push_back(col);
    }
    if (cols.size() == 4) {
      out.push_back({cols[0], cols[2] == "-" ? "" : cols[2],
                     cols[3] == "parse only" ? "" : cols[3]});
    }
  }
  return out;
}

TEST(CmsSamples, EveryPublicSampleParsesAndTheSha1OneIsRefused) {
  NA_REQUIRE_SHARED();
  const auto samples = Samples();
  ASSERT_EQ(samples.size(), 8u);
  int parsed = 0;
  for (const Sample& s : samples) {
    SCOPED_TRACE(s.file);
    const Bytes der = ReadFileBytes(KmsDir() / s.file);
    EXPECT_TRUE(OpensslParses(der));
    const Result<Envelope> env = Parse(der);
    if (s.file == "rockowl_oaep_empty_params.ber") {
      EXPECT_THAT(env, HasCode(ErrorCode::kUnsupportedAlgorithm));
      continue;
    }
    ASSERT_THAT(env, IsOk());
    EXPECT_EQ(env->subject_key_id.size(), 32u);
    EXPECT_EQ(env->encrypted_key.size(), 256u);  // RSA-2048
    EXPECT_TRUE(env->hash_params_null);          // KMS writes NULL parameters
    EXPECT_EQ(env->encrypted_content.size() % 16, 0u);
    ++parsed;
    if (s.file == "rustcrypto_4_chunked.ber") {
      EXPECT_EQ(env->content_chunks, 5u);
      EXPECT_EQ(env->encrypted_content.size(), 4112u);
    }
    if (s.file == "rustcrypto_3_sdkc_input_w_ctx.ber") {
      EXPECT_EQ(env->content_chunks, 0u);  // one primitive [0]
      EXPECT_EQ(env->encrypted_content.size(), 16u);
    }
  }
  EXPECT_EQ(parsed, 7);
}

TEST(CmsSamples, TheThreeWithKeysDecryptToTheirPlaintexts) {
  NA_REQUIRE_SHARED();
  int decrypted = 0;
  for (const Sample& s : Samples()) {
    if (s.key.empty()) {
      continue;
    }
    SCOPED_TRACE(s.file);
    const Bytes der = ReadFileBytes(KmsDir() / s.file);
    ossl::EvpPkeyPtr pkey = LoadKey(KmsDir() / s.key);
    ASSERT_NE(pkey, nullptr);
    const std::optional<Bytes> reference = OpensslDecrypt(der, pkey.get());
    Result<RecipientKey> key = RecipientKeyFrom(std::move(pkey));
    ASSERT_THAT(key, IsOk());
    const Result<SecretBytes> plain = Decrypt(der, *key);
    ASSERT_THAT(plain, IsOk());
    EXPECT_EQ(HexEncode(*plain), s.plaintext_hex);
    ASSERT_TRUE(reference.has_value());
    EXPECT_EQ(HexEncode(*reference), s.plaintext_hex);
    ++decrypted;
  }
  EXPECT_EQ(decrypted, 3);
}

TEST(CmsSamples, ASampleForAnotherKeyIsRecipientMismatch) {
  NA_REQUIRE_SHARED();
  Result<RecipientKey> key = RecipientKeyFrom(LoadKey(KmsDir() / "enclaver_key.pem"));
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(Decrypt(ReadFileBytes(KmsDir() / "edgebit_cfr.ber"), *key),
              HasCode(ErrorCode::kRecipientMismatch));
}

class CmsBuild : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto k = GenerateRecipientKey();
    ASSERT_THAT(k, IsOk());
    key_ = new RecipientKey(std::move(*k));
  }
  static void TearDownTestSuite() {
    delete key_;
    key_ = nullptr;
  }
  static RecipientKey* key_;
};
RecipientKey* CmsBuild::key_ = nullptr;

TEST_F(CmsBuild, RoundTripsInKmsShapeAndOpensslAgrees) {
  for (const size_t size : {size_t{0}, size_t{1}, size_t{32}, size_t{4096}}) {
    for (const BuildOptions& options :
         {BuildOptions{}, BuildOptions{0, true, false}, BuildOptions{1000, false, false}}) {
      SCOPED_TRACE(std::to_string(size) + " bytes, chunk " + std::to_string(options.chunk_size));
      Bytes plaintext(size);
      for (size_t i = 0; i < size; ++i) {
        plaintext[i] = static_cast<uint8_t>(i * 7);
      }
      const Result<Bytes> der = Build(plaintext, key_->spki_der, options);
      ASSERT_THAT(der, IsOk());
      EXPECT_EQ((*der)[1], 0x80);  // indefinite outer length, as KMS
      const Result<Envelope> env = Parse(*der);
      ASSERT_THAT(env, IsOk());
      EXPECT_EQ(env->hash_params_null, options.hash_params_null);
      const size_t padded = (size / 16 + 1) * 16;
      EXPECT_EQ(env->content_chunks, options.chunk_size == 0 ? 0 : (padded + 999) / 1000);
      const Result<SecretBytes> plain = Decrypt(*der, *key_);
      ASSERT_THAT(plain, IsOk());
      EXPECT_TRUE(std::ranges::equal(*plain, plaintext));
      EXPECT_TRUE(OpensslParses(*der));
      EXPECT_EQ(OpensslDecrypt(*der, key_->key.get()), plaintext);
    }
  }
}

TEST_F(CmsBuild, AnotherKeyCipherOrCorruptionIsAClearError) {
  const Bytes plaintext(32, 0x42);
  auto other = GenerateRecipientKey();
  ASSERT_THAT(other, IsOk());
  const Result<Bytes> for_other = Build(plaintext, other->spki_der);
  ASSERT_THAT(for_other, IsOk());
  EXPECT_THAT(Decrypt(*for_other, *key_), HasCode(ErrorCode::kRecipientMismatch));

  const Result<Bytes> aes128 = Build(plaintext, key_->spki_der, BuildOptions{1000, true, true});
  ASSERT_THAT(aes128, IsOk());
  EXPECT_THAT(Decrypt(*aes128, *key_), HasCode(ErrorCode::kUnsupportedAlgorithm));

  const Result<Bytes> good = Build(plaintext, key_->spki_der, BuildOptions{0, true, false});
  ASSERT_THAT(good, IsOk());
  const Result<Envelope> env = Parse(*good);
  ASSERT_THAT(env, IsOk());
  // Flip a bit of the wrapped key: OAEP refuses it.
  Bytes bad_key = *good;
  bad_key[static_cast<size_t>(env->encrypted_key.data() - good->data()) + 100] ^= 1;
  EXPECT_THAT(Decrypt(bad_key, *key_), HasCode(ErrorCode::kCryptoError));
  // 32 bytes of plaintext end in a full padding block of 0x10; flipping the last byte of the
  // block before it makes that 0x11: the padding is wrong, deterministically.
  Bytes bad_pad = *good;
  const size_t content_at = static_cast<size_t>(good->size() - 8 - 48);  // 3 blocks + 4 EOCs
  bad_pad[content_at + 31] ^= 1;
  EXPECT_THAT(Decrypt(bad_pad, *key_), HasCode(ErrorCode::kCryptoError));
  // Trailing bytes and every truncation are malformed, never a crash.
  Bytes trailing = *good;
  trailing.push_back(0);
  EXPECT_THAT(Decrypt(trailing, *key_), HasCode(ErrorCode::kMalformedCiphertext));
  for (size_t n = 0; n < good->size(); ++n) {
    EXPECT_THAT(Parse(std::span(*good).first(n)), HasCode(ErrorCode::kMalformedCiphertext)) << n;
  }
}

TEST(Cms, BuildRefusesANonRsaRecipient) {
  EXPECT_THAT(Build(Bytes{1}, Bytes{0x30, 0x00}), HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest::cms
