// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The `verifier` binary: exit codes, JSON and input handling, on real documents.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "nitro_attest/encoding.h"
#include "src/document/builder.h"
#include "src/pki/pki.h"
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

// HostileDocumentBase64 signs a document with `module_id` under a fresh test chain.
std::string HostileDocumentBase64(const std::string& module_id) {
  auto pki = pki::GeneratePki();
  if (!pki) {
    ADD_FAILURE() << pki.error().detail;
    return {};
  }
  AttestationDocument fields;
  fields.module_id = module_id;
  fields.digest = "SHA384";
  fields.timestamp_ms = static_cast<uint64_t>(NowTime().time_since_epoch().count());
  for (uint32_t i = 0; i < 16; ++i) {
    fields.pcrs[i] = Bytes(48, static_cast<uint8_t>(i + 1));
  }
  fields.certificate = pki->leaf_der;
  fields.cabundle = pki->cabundle();
  auto doc = SignDocument(EncodePayload(fields, true), pki->leaf_key.get());
  if (!doc) {
    ADD_FAILURE() << doc.error().detail;
    return {};
  }
  return Base64Encode(*doc);
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
  auto r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--any-image"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("VERIFIED"), std::string::npos);
  EXPECT_NE(r.out.find("ANY (--any-image"), std::string::npos);

  auto j = RunProcess(
      {Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--json", "--any-image"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto json = nlohmann::json::parse(j.out);
  EXPECT_TRUE(json["verified"].get<bool>());
  EXPECT_FALSE(json.contains("valid"));
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_TRUE(json["any_image"].get<bool>());
  EXPECT_EQ(json["verified_at"], FormatTime(Time(std::chrono::seconds(std::stoll(At(*d))))));
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
  auto r = RunProcess({Tool("verifier"), "verify", "-", "--at", At(*d), "--any-image"}, b64 + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(VerifierCliTest, ReadsHexWithOrWithoutPrefix) {
  NA_REQUIRE_SHARED();
  const RealDocument* d = Find(false);
  const std::string hex = HexEncode(::nitro_attest::testing::ReadFileBytes(d->path));
  for (const std::string& input : {hex, "0x" + hex + "\n", hex.substr(0, 100) + "\n" + hex.substr(100)}) {
    auto r = RunProcess({Tool("verifier"), "verify", "-", "--at", At(*d), "--any-image"}, input);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
}

TEST(VerifierCliTest, RejectionsExitOne) {
  NA_REQUIRE_SHARED();
  const RealDocument* debug = Find(true);
  ASSERT_NE(debug, nullptr);
  auto r = RunProcess({Tool("verifier"), "verify", debug->path.string(), "--at", At(*debug),
                       "--json", "--any-image"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "debug_mode");
  EXPECT_NE(r.err.find("debug_mode"), std::string::npos);
  // With --allow-debug it verifies.
  r = RunProcess({Tool("verifier"), "verify", debug->path.string(), "--at", At(*debug),
                  "--allow-debug", "--any-image"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Without --at, the leaf expired long ago; the error names its window and a hint.
  r = RunProcess({Tool("verifier"), "verify", debug->path.string(), "--allow-debug", "--json",
                  "--any-image"});
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "certificate_expired");
  EXPECT_TRUE(j["error"].contains("hint"));
  EXPECT_TRUE(j["unverified_document"].is_object());
  EXPECT_TRUE(j["document"].is_null());
  EXPECT_TRUE(j["verified_at"].is_string());
  EXPECT_FALSE(j["verified"].get<bool>());
  // --at document: the document's own signed time.
  r = RunProcess({Tool("verifier"), "verify", debug->path.string(), "--allow-debug", "--json",
                  "--any-image", "--at", "document"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto at_doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(at_doc["at_document_time"].get<bool>());
  EXPECT_EQ(at_doc["verified_at"], at_doc["document"]["timestamp_utc"]);
  // Not a document at all, or too large to be one: exit 1, malformed_input, every time.
  for (const std::string& input : {std::string("hello, world!"), std::string(),
                                   std::string(70000, 'A'), std::string(2 << 20, '8')}) {
    r = RunProcess({Tool("verifier"), "verify", "-", "--json", "--any-image"}, input);
    EXPECT_EQ(r.exit_code, 1) << input.size();
    EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "malformed_input") << input.size();
  }
  const std::string big = TempFile("big.b64", std::string(1 << 20, 'A'));
  r = RunProcess({Tool("verifier"), "verify", big, "--any-image"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("malformed_input"), std::string::npos);
  std::remove(big.c_str());
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
  // Blue/green: either image passes, and the verdict names the one that matched.
  r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--pcrs-from",
                  bad, "--pcrs-from", good, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto both = nlohmann::json::parse(r.out);
  EXPECT_EQ(both["pcr_set"]["index"], 1);
  EXPECT_EQ(both["pcr_set"]["name"], good);
  EXPECT_FALSE(both["any_image"].get<bool>());
  // The same as a policy file.
  nlohmann::json policy = {{"version", 1},
                           {"pcr_sets", {{{"name", "green"}, {"pcrs", {{"0", pcrs["0"]},
                                                                      {"1", pcrs["1"]},
                                                                      {"2", pcrs["2"]}}}}}}};
  const std::string policy_file = TempFile("policy.json", policy.dump());
  r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--policy",
                  policy_file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("allowed PCR set 0 (green) matched"), std::string::npos) << r.out;
  std::remove(policy_file.c_str());
  // A measurements file with PCR15 alone pins nothing: a usage error.
  const std::string only15 = TempFile("only15.json", nlohmann::json{{"Measurements", {{"PCR15", pcrs["0"]}}}}.dump());
  r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--pcrs-from", only15});
  EXPECT_EQ(r.exit_code, 2);
  std::remove(only15.c_str());
  // A PCR the document lacks.
  r = RunProcess({Tool("verifier"), "verify", d->path.string(), "--at", At(*d), "--pcr",
                  "20=" + std::string(96, '0')});
  EXPECT_EQ(r.exit_code, 1);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

TEST(VerifierCliTest, UsageAndIoErrorsExitTwo) {
  auto r = RunProcess({Tool("verifier"), "verify", "/nonexistent/doc.cbor", "--any-image"});
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--nonce", "abc"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--pcr", "40=00"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--at", "yesterday"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--no-such-option"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier"), "verify", "-", "--root", "/nonexistent.pem", "--any-image"},
                 "x");
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Tool("verifier")});
  EXPECT_EQ(r.exit_code, 2);
  // Empty expected values (an unset shell variable) are usage errors, never "not checked".
  for (const char* option : {"--nonce", "--user-data", "--public-key"}) {
    for (const char* value : {"", "abc", "xyz"}) {
      r = RunProcess({Tool("verifier"), "verify", "-", "--any-image", option, value}, "x");
      EXPECT_EQ(r.exit_code, 2) << option << " '" << value << "'";
    }
  }
  r = RunProcess({Tool("verifier"), "verify", "-", "--pcr", "0="}, "x");
  EXPECT_EQ(r.exit_code, 2);
  // No PCR policy at all.
  r = RunProcess({Tool("verifier"), "verify", "-", "--nonce", "01"}, "x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no PCR policy"), std::string::npos);
  // Impossible and out-of-range times, and a --max-age too large for milliseconds.
  for (const char* at : {"2026-02-31T00:00:00Z", "10000-01-01T00:00:00Z", "-1"}) {
    r = RunProcess({Tool("verifier"), "verify", "-", "--any-image", "--at", at}, "x");
    EXPECT_EQ(r.exit_code, 2) << at;
  }
  r = RunProcess({Tool("verifier"), "verify", "-", "--any-image", "--max-age",
                  "9223372036854776"}, "x");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(VerifierCliTest, JsonOnEveryExitPath) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"verify", "-", "--json"},  // no PCR policy
        {"verify", "-", "--json", "--any-image", "--nonce", ""},
        {"verify", "-", "--json", "--no-such-option"},
        {"verify", "/nonexistent/doc.cbor", "--json", "--any-image"},
        {"verfy", "--json"},
        {"inspect", "/nonexistent/doc.cbor", "--json"},
        {"fetch", "--connect", "unix:/nonexistent.sock", "--json", "--any-image"},
        {"fetch", "--json"}}) {
    std::vector<std::string> argv = {Tool("verifier")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = RunProcess(argv, "");
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args.back();
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.out;
    EXPECT_EQ(j["schema_version"], 1);
    EXPECT_EQ(j["verified"], false);
    EXPECT_TRUE(j.contains("verified_at"));
    EXPECT_TRUE(j["error"]["code"].is_string());
  }
}

TEST(VerifierCliTest, HelpListsWhatEachCommandAccepts) {
  auto r = RunProcess({Tool("verifier"), "verify", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--root", "--at", "--nonce", "--user-data", "--public-key", "--pcr",
                          "--pcrs-from", "--policy", "--any-image", "--max-age", "--allow-debug",
                          "--json"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  }
  r = RunProcess({Tool("verifier"), "fetch", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("--nonce"), std::string::npos);
  EXPECT_EQ(r.out.find("--public-key"), std::string::npos);
  EXPECT_NE(r.out.find("--any-image"), std::string::npos);
  // fetch refuses them as unknown options, and an unknown command is named.
  EXPECT_EQ(RunProcess({Tool("verifier"), "fetch", "--connect", "unix:/x", "--nonce", "01"})
                .exit_code,
            2);
  r = RunProcess({Tool("verifier"), "verfy", "doc.cbor"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("\"verfy\""), std::string::npos) << r.err;
}

TEST(VerifierCliTest, TextFromADocumentIsEscaped) {
  // A document whose module_id carries a terminal escape sequence (signed by a test chain:
  // inspect decodes without verifying).
  const std::string hostile = "i-0\x1b]0;pwned\x07\x1b[2J\xe2\x80\xae-enc";
  const std::string doc = TempFile("hostile.b64", HostileDocumentBase64(hostile));
  auto r = RunProcess({Tool("verifier"), "inspect", doc});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.out.find('\x07'), std::string::npos);
  EXPECT_EQ(r.out.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_NE(r.out.find("\\x1b]0;pwned"), std::string::npos);
  r = RunProcess({Tool("verifier"), "inspect", doc, "--json"});
  for (const char c : r.out) {
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << static_cast<int>(c);
  }
  EXPECT_EQ(nlohmann::json::parse(r.out)["document"]["module_id"], hostile);
  std::remove(doc.c_str());
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
