// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The CiphertextForRecipient reader (src/kms/cms.cc). Invariants:
// - a refusal is kMalformedCiphertext or kUnsupportedAlgorithm;
// - whatever ours accepts, OpenSSL's CMS reader (d2i_CMS_ContentInfo) reads whole, as enveloped
//   data with one key-transport recipient whose subjectKeyIdentifier and encrypted content are
//   the ones we found;
// - decrypting with a key that is not the recipient is kRecipientMismatch, and with the rid
//   rewritten to our key it fails in the cryptography (never succeeds, never crashes).
#include <openssl/cms.h>

#include <algorithm>

#include "fuzz/fuzz.h"
#include "src/kms/cms.h"

namespace nitro_attest::fuzz {
namespace {

const cms::RecipientKey& Key() {
  static const cms::RecipientKey* key = [] {
    auto k = cms::GenerateRecipientKey();
    FUZZ_CHECK(k.has_value());
    return new cms::RecipientKey(std::move(*k));
  }();
  return *key;
}

void CheckOpenSslAgrees(std::span<const uint8_t> data, const cms::Envelope& env) {
  const unsigned char* p = data.data();
  std::unique_ptr<CMS_ContentInfo, ossl::Deleter<CMS_ContentInfo_free>> info(
      d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(data.size())));
  FUZZ_CHECK(info != nullptr);
  FUZZ_CHECK(p == data.data() + data.size());
  FUZZ_CHECK(OBJ_obj2nid(CMS_get0_type(info.get())) == NID_pkcs7_enveloped);
  STACK_OF(CMS_RecipientInfo)* ris = CMS_get0_RecipientInfos(info.get());
  FUZZ_CHECK(sk_CMS_RecipientInfo_num(ris) == 1);
  CMS_RecipientInfo* ri = sk_CMS_RecipientInfo_value(ris, 0);
  FUZZ_CHECK(CMS_RecipientInfo_type(ri) == CMS_RECIPINFO_TRANS);
  ASN1_OCTET_STRING* keyid = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  FUZZ_CHECK(CMS_RecipientInfo_ktri_get0_signer_id(ri, &keyid, &issuer, &serial) == 1);
  FUZZ_CHECK(keyid != nullptr);
  FUZZ_CHECK(std::ranges::equal(std::span(ASN1_STRING_get0_data(keyid),
                                          static_cast<size_t>(ASN1_STRING_length(keyid))),
                                env.subject_key_id));
  ASN1_OCTET_STRING** content = CMS_get0_content(info.get());
  FUZZ_CHECK(content != nullptr && *content != nullptr);
  FUZZ_CHECK(std::ranges::equal(std::span(ASN1_STRING_get0_data(*content),
                                          static_cast<size_t>(ASN1_STRING_length(*content))),
                                env.encrypted_content));
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const Result<cms::Envelope> env = cms::Parse(data);
  const Result<SecretBytes> plain = cms::Decrypt(data, Key());
  if (!env) {
    const ErrorCode code = env.error().code;
    FUZZ_CHECK(code == ErrorCode::kMalformedCiphertext || code == ErrorCode::kUnsupportedAlgorithm);
    FUZZ_CHECK(!plain && plain.error().code == code);
    return;
  }
  CheckOpenSslAgrees(data, *env);
  FUZZ_CHECK(env->subject_key_id.size() == 32 && env->iv.size() == 16);
  FUZZ_CHECK(!env->encrypted_content.empty() && !env->encrypted_key.empty());
  if (!std::ranges::equal(env->subject_key_id, Key().subject_key_id)) {
    FUZZ_CHECK(!plain && plain.error().code == ErrorCode::kRecipientMismatch);
    // Address it to us: the content key cannot unwrap under our key.
    Bytes ours(data.begin(), data.end());
    const size_t at = static_cast<size_t>(env->subject_key_id.data() - data.data());
    std::copy(Key().subject_key_id.begin(), Key().subject_key_id.end(), ours.begin() + static_cast<ptrdiff_t>(at));
    const Result<SecretBytes> retargeted = cms::Decrypt(ours, Key());
    FUZZ_CHECK(!retargeted);
    FUZZ_CHECK(retargeted.error().code == ErrorCode::kCryptoError ||
               retargeted.error().code == ErrorCode::kMalformedCiphertext);
  }
}

}  // namespace nitro_attest::fuzz
