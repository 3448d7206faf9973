// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/ossl/ossl.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "nitro_attest/document.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;

TEST(OsslErrorTest, DetailIsOursAloneAndTheQueueIsEmptied) {
  // Queue a real OpenSSL error: PEM_read_bio_X509 on text that holds no certificate.
  const char garbage[] = "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n";
  ossl::BioPtr bio(BIO_new_mem_buf(garbage, sizeof(garbage) - 1));
  ASSERT_EQ(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), nullptr);
  ASSERT_NE(ERR_peek_error(), 0u);
  const Error e = ossl::OsslError(ErrorCode::kCryptoError, "what we were doing");
  // The contract of the one helper every OpenSSL failure goes through: OpenSSL's queued text
  // (file names, function and reason strings) never reaches Error::detail.
  EXPECT_EQ(e.detail, "what we were doing");
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(OsslErrorTest, PublicCallsLeaveNoQueuedErrors) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_THAT(PemCertificateToDer(std::span(reinterpret_cast<const uint8_t*>(pem.data()),
                                            pem.size())),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_EQ(ERR_peek_error(), 0u);
  const Bytes not_der = {0x30, 0x03, 0x02, 0x01, 0x00};
  EXPECT_THAT(DescribeCertificate(not_der), HasCode(ErrorCode::kMalformedCertificate));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace nitro_attest
