// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/protocol/seal.h"

#include <gmock/gmock.h>
#include <openssl/core_names.h>
#include <gtest/gtest.h>

#include "nitro_attest/encoding.h"
#include "src/protocol/messages.h"
#include "testing/matchers.h"

namespace nitro_attest::protocol {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

struct Session {
  ossl::EvpPkeyPtr enclave;
  Bytes enclave_der;
  Bytes nonce = Bytes(32, 0x11);
  std::optional<Bytes> user_data = Bytes{1, 2, 3};
  Bytes document = Bytes(100, 0x22);

  TranscriptInput Input() const {
    TranscriptInput in;
    in.nonce = nonce;
    in.user_data = &user_data;
    in.document = document;
    in.enclave_key = enclave_der;
    return in;
  }
};

Session NewSession() {
  Session s;
  s.enclave = std::move(*GenerateP384Key());
  s.enclave_der = *PublicKeyDer(s.enclave.get());
  return s;
}

TEST(SealTest, OpensAndProvesWhatWasSealed) {
  const Session s = NewSession();
  const Bytes secret = {'s', 'e', 'c', 'r', 'e', 't'};
  const Result<SealedSecret> sealed = Seal(s.enclave.get(), s.Input(), secret);
  ASSERT_THAT(sealed, IsOk());
  EXPECT_EQ(sealed->ciphertext.size(), secret.size() + kGcmTagSize);
  EXPECT_EQ(sealed->parent_key.size(), 120u);  // P-384 SPKI
  TranscriptInput in = s.Input();
  in.parent_key = sealed->parent_key;
  const Result<OpenedSecret> opened = Open(s.enclave.get(), in, sealed->ciphertext);
  ASSERT_THAT(opened, IsOk());
  EXPECT_TRUE(std::ranges::equal(opened->secret, secret));
  EXPECT_EQ(opened->proof, sealed->expected_proof);
}

TEST(SealTest, AnyChangeToTheSessionFailsToOpen) {
  const Session s = NewSession();
  const Bytes secret(64, 0x5a);
  const SealedSecret sealed = *Seal(s.enclave.get(), s.Input(), secret);
  auto open_with = [&](Session t, Bytes ct, Bytes parent_key) {
    TranscriptInput in = t.Input();
    in.parent_key = parent_key;
    return Open(t.enclave.get(), in, ct);
  };
  auto copy = [&] {
    Session t;
    t.enclave = ossl::EvpPkeyPtr(s.enclave.get());
    EVP_PKEY_up_ref(s.enclave.get());
    t.enclave_der = s.enclave_der;
    return t;
  };
  {
    Session t = copy();
    t.nonce[0] ^= 1;
    EXPECT_THAT(open_with(std::move(t), sealed.ciphertext, sealed.parent_key),
                HasCode(ErrorCode::kCryptoError));
  }
  {
    Session t = copy();
    t.user_data = std::nullopt;
    EXPECT_THAT(open_with(std::move(t), sealed.ciphertext, sealed.parent_key),
                HasCode(ErrorCode::kCryptoError));
  }
  {
    Session t = copy();
    t.document.back() ^= 1;
    EXPECT_THAT(open_with(std::move(t), sealed.ciphertext, sealed.parent_key),
                HasCode(ErrorCode::kCryptoError));
  }
  {
    Bytes ct = sealed.ciphertext;
    ct[0] ^= 1;
    EXPECT_THAT(open_with(copy(), ct, sealed.parent_key), HasCode(ErrorCode::kCryptoError));
    ct = sealed.ciphertext;
    ct.back() ^= 1;  // the tag
    EXPECT_THAT(open_with(copy(), ct, sealed.parent_key), HasCode(ErrorCode::kCryptoError));
    EXPECT_THAT(open_with(copy(), Bytes(16, 0), sealed.parent_key),
                HasCode(ErrorCode::kCryptoError));
  }
  {
    // Another enclave key (not the attested one) cannot open it.
    Session other = NewSession();
    other.enclave_der = s.enclave_der;
    EXPECT_THAT(open_with(std::move(other), sealed.ciphertext, sealed.parent_key),
                HasCode(ErrorCode::kCryptoError));
  }
  {
    // A substituted parent key changes the ECDH secret and the transcript.
    const Bytes mallory = *PublicKeyDer(GenerateP384Key()->get());
    EXPECT_THAT(open_with(copy(), sealed.ciphertext, mallory), HasCode(ErrorCode::kCryptoError));
  }
}

TEST(SealTest, EachSealIsFresh) {
  const Session s = NewSession();
  const Bytes secret(8, 1);
  const SealedSecret a = *Seal(s.enclave.get(), s.Input(), secret);
  const SealedSecret b = *Seal(s.enclave.get(), s.Input(), secret);
  EXPECT_NE(a.parent_key, b.parent_key);
  EXPECT_NE(a.ciphertext, b.ciphertext);
  EXPECT_NE(a.expected_proof, b.expected_proof);
}

TEST(SealTest, TranscriptSeparatesFields) {
  // Moving a byte from the nonce to user_data must change th (length prefixes).
  const Bytes key(120, 1);
  std::optional<Bytes> ud1 = Bytes{9};
  std::optional<Bytes> ud2 = Bytes{};
  const Bytes n1(16, 9), n2(17, 9);
  TranscriptInput a{n1, &ud1, {}, key, key};
  TranscriptInput b{n2, &ud2, {}, key, key};
  EXPECT_NE(TranscriptHash(a), TranscriptHash(b));
  // An absent user_data hashes like an empty one: the document says which it was.
  std::optional<Bytes> none;
  TranscriptInput c{n1, &none, {}, key, key};
  TranscriptInput d{n1, &ud2, {}, key, key};
  EXPECT_EQ(TranscriptHash(c), TranscriptHash(d));
}

TEST(SealTest, ParsesOnlyCanonicalP384Keys) {
  ossl::EvpPkeyPtr key = std::move(*GenerateP384Key());
  const Bytes der = *PublicKeyDer(key.get());
  EXPECT_THAT(ParseP384PublicKey(der), IsOk());
  EXPECT_THAT(ParseP384PublicKey(Bytes{}), HasCode(ErrorCode::kUnsupportedAlgorithm));
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_THAT(ParseP384PublicKey(trailing), HasCode(ErrorCode::kUnsupportedAlgorithm));
  Bytes off_curve = der;
  off_curve.back() ^= 1;
  EXPECT_THAT(ParseP384PublicKey(off_curve), HasCode(ErrorCode::kUnsupportedAlgorithm));
  ossl::EvpPkeyPtr p256(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_THAT(ParseP384PublicKey(*PublicKeyDer(p256.get())),
              HasCode(ErrorCode::kUnsupportedAlgorithm));
  ossl::EvpPkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  EXPECT_THAT(ParseP384PublicKey(*PublicKeyDer(ed.get())),
              HasCode(ErrorCode::kUnsupportedAlgorithm));
  // P-384's own parameters spelled out instead of named: OpenSSL still calls the group
  // secp384r1, but the key is not in the one form a session key takes.
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                           OSSL_PKEY_EC_ENCODING_EXPLICIT),
            1);
  const Bytes explicit_der = *PublicKeyDer(key.get());
  EXPECT_GT(explicit_der.size(), der.size());
  EXPECT_THAT(ParseP384PublicKey(explicit_der), HasCode(ErrorCode::kUnsupportedAlgorithm));
}

}  // namespace
}  // namespace nitro_attest::protocol
