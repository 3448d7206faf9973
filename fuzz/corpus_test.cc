// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Pins what the committed document seeds are: the valid ones must keep verifying under the
// seeded root at the fixed time (otherwise the fuzzer would never reach the chain and signature
// code), and each negative fails with its own code. Regenerate with build/fuzz_make_corpus.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "fuzz/fuzz_env.h"
#include "nitro_attest/verify.h"
#include "src/x509/cert.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::fuzz {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

Result<VerifiedDocument> VerifyCorpusFile(const std::string& name) {
  const auto path =
      std::filesystem::path(NITRO_ATTEST_SOURCE_DIR) / "fuzz" / "corpus" / "document" / name;
  const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(path);
  return Verify(bytes, FuzzVerifyOptions());
}

TEST(FuzzCorpusTest, ValidSeedsVerify) {
  for (const char* name :
       {"emulator-plain", "emulator-fields", "emulator-empty-fields", "emulator-tagged",
        "emulator-definite", "signed-definite", "signed-indefinite-tagged"}) {
    EXPECT_THAT(VerifyCorpusFile(name), IsOk()) << name;
  }
}

TEST(FuzzCorpusTest, NegativeSeedsFailWithTheirCode) {
  const std::pair<const char*, ErrorCode> cases[] = {
      {"neg-bad-signature", ErrorCode::kBadSignature},
      {"neg-truncated", ErrorCode::kMalformedCbor},
      {"neg-trailing-byte", ErrorCode::kMalformedCbor},
      {"neg-tag-17", ErrorCode::kMalformedCose},
      {"neg-alg-es256", ErrorCode::kUnsupportedAlgorithm},
      {"regress-unprotected-indefinite-empty-map", ErrorCode::kMalformedCose},
      {"neg-signed-from-future", ErrorCode::kDocumentFromFuture},
      {"neg-signed-debug-mode", ErrorCode::kDebugMode},
      {"neg-signed-nonce-1025", ErrorCode::kMalformedDocument},
      {"neg-signed-pcr-32-bytes", ErrorCode::kMalformedDocument},
      {"neg-signed-chain-gap", ErrorCode::kChainInvalid},
      {"neg-signed-root-differs", ErrorCode::kUntrustedRoot},
      {"neg-signed-wrong-leaf", ErrorCode::kChainInvalid},
  };
  for (const auto& [name, code] : cases) {
    EXPECT_THAT(VerifyCorpusFile(name), HasCode(code)) << name;
  }
}

TEST(FuzzCorpusTest, X509SeedsParseAndRegressionsAreRefused) {
  const auto dir = std::filesystem::path(NITRO_ATTEST_SOURCE_DIR) / "fuzz" / "corpus" / "x509";
  for (const char* name : {"root", "regional", "zonal", "instance", "leaf", "leaf-p256",
                           "leaf-compressed-key", "regress-undecodable-aki-keyusage"}) {
    EXPECT_THAT(x509::ParseCertificate(::nitro_attest::testing::ReadFileBytes(dir / name)), IsOk())
        << name;
  }
  // Each was accepted by our reader and refused by d2i_X509 when the fuzzer found it.
  for (const char* name :
       {"regress-name-value-primitive-tag-16", "regress-curve-oid-leading-zero-septet",
        "regress-subject-unique-id-bad-bit-string"}) {
    EXPECT_THAT(x509::ParseCertificate(::nitro_attest::testing::ReadFileBytes(dir / name)),
                HasCode(ErrorCode::kMalformedCertificate))
        << name;
  }
}

}  // namespace
}  // namespace nitro_attest::fuzz
