// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The parent key files, made by the `openssl` CLI (Debian's openssl package, scripts/deps.sh)
// exactly as docs/protocol.md tells users to make them, and the forms that must be refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "nitro_attest/protocol.h"
#include "src/protocol/protocol_test_util.h"
#include "testing/matchers.h"
#include "testing/process.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::TempDir;

class ParentKeyFileTest : public ::testing::Test {
 protected:
  // OpenSsl runs the openssl CLI in the temporary directory's terms; fails the test on error.
  void OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    const auto r = RunProcess(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  Bytes Read(const std::string& name) {
    std::ifstream in(dir_.File(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }
  std::string F(const std::string& name) { return dir_.File(name); }

  TempDir dir_;
};

TEST_F(ParentKeyFileTest, AcceptsWhatTheOpensslCliWrites) {
  // SEC1 with its EC PARAMETERS block first, as `ecparam -genkey` writes by default.
  OpenSsl({"ecparam", "-genkey", "-name", "secp384r1", "-out", F("sec1.pem")});
  OpenSsl({"ecparam", "-genkey", "-name", "secp384r1", "-noout", "-out", F("sec1-noout.pem")});
  OpenSsl({"pkcs8", "-topk8", "-nocrypt", "-in", F("sec1.pem"), "-out", F("pkcs8.pem")});
  OpenSsl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
           F("genpkey.pem")});
  OpenSsl({"ec", "-in", F("sec1.pem"), "-pubout", "-out", F("pub.pem")});

  const Result<ParentSigningKey> sec1 = ParentSigningKey::FromPem(Read("sec1.pem"));
  const Result<ParentSigningKey> pkcs8 = ParentSigningKey::FromPem(Read("pkcs8.pem"));
  const Result<ParentPublicKey> pub = ParentPublicKey::FromPem(Read("pub.pem"));
  ASSERT_THAT(sec1, IsOk());
  ASSERT_THAT(pkcs8, IsOk());
  ASSERT_THAT(pub, IsOk());
  EXPECT_THAT(ParentSigningKey::FromPem(Read("sec1-noout.pem")), IsOk());
  EXPECT_THAT(ParentSigningKey::FromPem(Read("genpkey.pem")), IsOk());
  // One key pair, three files.
  EXPECT_EQ(sec1->public_key_der(), pub->der());
  EXPECT_EQ(pkcs8->public_key_der(), pub->der());
  EXPECT_EQ(pub->der().size(), 120u);
}

TEST_F(ParentKeyFileTest, RefusesEveryOtherKey) {
  OpenSsl({"ecparam", "-genkey", "-name", "secp384r1", "-noout", "-out", F("k.pem")});
  OpenSsl({"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:secret", "-in", F("k.pem"),
           "-out", F("encrypted.pem")});
  OpenSsl({"ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", F("p256.pem")});
  OpenSsl({"ec", "-in", F("p256.pem"), "-pubout", "-out", F("p256-pub.pem")});
  OpenSsl({"ecparam", "-genkey", "-name", "secp384r1", "-param_enc", "explicit", "-noout", "-out",
           F("explicit.pem")});
  OpenSsl({"ec", "-in", F("explicit.pem"), "-pubout", "-out", F("explicit-pub.pem")});
  OpenSsl({"genpkey", "-algorithm", "ed25519", "-out", F("ed25519.pem")});
  OpenSsl({"pkey", "-in", F("ed25519.pem"), "-pubout", "-out", F("ed25519-pub.pem")});
  OpenSsl({"ec", "-in", F("k.pem"), "-pubout", "-out", F("pub.pem")});

  for (const char* name : {"encrypted.pem", "p256.pem", "explicit.pem", "ed25519.pem", "pub.pem"}) {
    EXPECT_THAT(ParentSigningKey::FromPem(Read(name)), HasCode(ErrorCode::kInvalidArgument))
        << name;
  }
  for (const char* name : {"p256-pub.pem", "explicit-pub.pem", "ed25519-pub.pem", "k.pem"}) {
    EXPECT_THAT(ParentPublicKey::FromPem(Read(name)), HasCode(ErrorCode::kInvalidArgument))
        << name;
  }
  const std::string garbage = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  EXPECT_THAT(ParentPublicKey::FromPem(::nitro_attest::testing::AsBytes(garbage)),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParentPublicKey::FromPem({}), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParentSigningKey::FromPem({}), HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest
