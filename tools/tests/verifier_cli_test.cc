// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The `verifier` binary: exit codes, JSON and input handling, on real documents.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "nitro_attest/encoding.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::RealDocument;
using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::Tool;

std::string At(const RealDocument& d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            ::nitro_attest::testing::InsideWindow(d).time_since_epoch())
                            .count());
}

const RealDocument* Find(bool debug) {
  static const auto docs = ::nitro_attest::testing::RealDocuments();
  for (const auto& d : docs) {
    if (d.debug == debug) {
      return &d;
    }
  }
  return nullptr;
}

std::string TempFile(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nitro_attest_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(VerifierCliTest, VerifiesARealDocumentAtItsTime) {
  NA_REQUIRE_SHARED();
  const RealDocument* d = Find(false);
  ASSERT_NE(d, nullptr);
  auto r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("VERIFIED"), std::string::npos);

  auto j = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto json = nlohmann::json::parse(j.out);
  EXPECT_TRUE(json["valid"].get<bool>());
  EXPECT_EQ(json["document"]["module_id"], d->module_id);
  EXPECT_EQ(json["document"]["pcrs"].size(), d->pcr_indices.size());
  EXPECT_EQ(json["document"]["certificate"]["subject"], d->leaf_subject);
  EXPECT_EQ(json["checks"][0], "cose");
}

TEST(VerifierCliTest, ReadsBase64FromStdin) {
  NA_REQUIRE_SHARED();
  const RealDocument* d = Find(false);
  const auto bytes = ::nitro_attest::testing::ReadFileBytes(d->path);
  std::string b64 = Base64Encode(bytes);
  for (size_t i = 76; i < b64.size(); i += 77) {
    b64.insert(i, "\n");
  }
  auto r = RunProcess({Tool("verifier"), "verify", "-", "--at", At(*d)}, b64 + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(VerifierCliTest, RejectionsExitOne) {
  NA_REQUIRE_SHARED();
  const RealDocument* debug = Find(true);
  ASSERT_NE(debug, nullptr);
  auto r = RunProcess(
      {Tool("verifier"), "verify", debug->path.string(), "--at", At(*debug), "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "debug_mode");
  EXPECT_NE(r.err.find("debug_mode"), std::string::npos);
  // With --allow-debug it verifies.
  r = RunProcess({Tool("verifier"), "verify", debug->path.string(), "--at", At(*debug),
                  "--allow-debug"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Without --at, the leaf expired long ago.
  r = RunProcess({Tool("verifier"), "verify", debug->path.string(), "--allow-debug", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "certificate_expired");
  EXPECT_TRUE(j.contains("unverified_document"));
  EXPECT_FALSE(j.contains("document"));
  // Not a document at all.
  r = RunProcess({Tool("verifier"), "verify", "-"}, "hello, world!");
  EXPECT_EQ(r.exit_code, 1);
  r = RunProcess({Tool("verifier"), "verify", "-", "--json"}, "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "malformed_input");
}

TEST(VerifierCliTest, PcrPolicyFromNitroCliJson) {
  NA_REQUIRE_SHARED();
  const RealDocument* d = Find(false);
  auto inspect = RunProcess({Tool("verifier"), "inspect", d->path.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0);
  const auto doc = nlohmann::json::parse(inspect.out);
  EXPECT_FALSE(doc["verified"].get<bool>());
  const auto pcrs = doc["document"]["pcrs"];
  nlohmann::json m;
  m["Measurements"] = {{"HashAlgorithm", "Sha384 { ... }"},
                       {"PCR0", pcrs["0"]},
                       {"PCR1", pcrs["1"]},
                       {"PCR2", pcrs["2"]}};
  const std::string good = TempFile("good.json", m.dump());
  auto r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d),
                       "--pcrs-from", good, "--pcr", "4=" + pcrs["4"].get<std::string>()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  m["Measurements"]["PCR2"] = std::string(96, '0');
  const std::string bad = TempFile("bad.json", m.dump());
  r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--pcrs-from",
                  bad, "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "pcr_mismatch");
  // A PCR the document lacks.
  r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--pcr",
                  "20=" + std::string(96, '0')});
  EXPECT_EQ(r.exit_code, 1);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

TEST(VerifierCliTest, UsageAndIoErrorsExitTwo) {
  auto r = RunProcess({Tool("verifier"), "verify", "/nonexistent/doc.cbor"});
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--nonce", "abc"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--pcr", "40=00"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--at", "yesterday"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--no-such-option"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--root", "/nonexistent.pem"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier")});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(VerifierCliTest, HelpListsEveryOption) {
  auto r = RunProcess({Tool("verifier"), "verify", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--root", "--at", "--nonce", "--user-data", "--public-key", "--pcr",
                          "--pcrs-from", "--max-age", "--allow-debug", "--json"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  }
}

TEST(VerifierCliTest, InspectSaysItDidNotVerify) {
  NA_REQUIRE_SHARED();
  const RealDocument* d = Find(true);
  auto r = RunProcess({Tool("verifier"), "inspect", d->path.string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("NOT VERIFIED"), std::string::npos);
  r = RunProcess({Tool("verifier"), "inspect", "-"}, "garbage!");
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace nitro_attest
