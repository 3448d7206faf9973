// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// `enclave_app serve` and `verifier fetch` as processes: a secret delivered and opened, the
// rejections (PCR policy, tampered and replayed documents) with no secret sent, and exit codes.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "testing/process.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::ProcessResult;
using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::TempDir;
using ::nitro_attest::testing::Tool;
using std::chrono::milliseconds;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string Pcr(int i) {
  const Pcr48 p = ExtendedFromZero(std::vector<uint8_t>(1, static_cast<uint8_t>(i)));
  return HexEncode(p);
}

std::string Sha256Hex(const std::string& s) {
  uint8_t d[32] = {};
  EVP_Digest(s.data(), s.size(), d, nullptr, EVP_sha256(), nullptr);
  return HexEncode(d);
}

// Enclave runs `enclave_app --emulate ... serve` for `sessions` sessions on a thread.
class Enclave {
 public:
  Enclave(const TempDir& dir, const std::string& name, int sessions,
          std::vector<std::string> extra = {})
      : socket_(dir.File(name + ".sock")), root_(dir.File(name + "-root.pem")) {
    std::vector<std::string> argv = {Tool("enclave_app"), "--emulate", "--emulate-root-out", root_};
    for (int i = 0; i < 3; ++i) {
      argv.push_back("--emulate-pcr" + std::to_string(i));
      argv.push_back(Pcr(i));
    }
    argv.insert(argv.end(), {"serve", "--listen", "unix:" + socket_, "--max-sessions",
                             std::to_string(sessions)});
    argv.insert(argv.end(), extra.begin(), extra.end());
    thread_ = std::thread([this, argv] { result_ = RunProcess(argv, "", milliseconds(30000)); });
    // Ready once the socket exists (bounded: 10 s).
    for (int i = 0; i < 200 && !std::filesystem::exists(socket_); ++i) {
      std::this_thread::sleep_for(milliseconds(50));
    }
  }
  ~Enclave() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  std::string address() const { return "unix:" + socket_; }
  const std::string& root() const { return root_; }
  // Finish waits for the process to exit after its sessions.
  const ProcessResult& Finish() {
    thread_.join();
    return result_;
  }

 private:
  std::string socket_, root_;
  std::thread thread_;
  ProcessResult result_;
};

class ChallengeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    measurements_ = dir_.File("measurements.json");
    WriteText(measurements_,
              "{\"Measurements\": {\"HashAlgorithm\": \"Sha384 { ... }\", \"PCR0\": \"" + Pcr(0) +
                  "\", \"PCR1\": \"" + Pcr(1) + "\", \"PCR2\": \"" + Pcr(2) + "\"}}");
    secret_ = dir_.File("secret.txt");
    WriteText(secret_, kSecret);
  }
  ProcessResult Fetch(const Enclave& e, std::vector<std::string> extra) {
    std::vector<std::string> argv = {Tool("verifier"), "fetch",  "--connect", e.address(),
                                     "--root",         e.root(), "--timeout", "10000"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv);
  }

  static constexpr const char* kSecret = "correct horse battery staple";
  TempDir dir_;
  std::string measurements_, secret_;
};

TEST_F(ChallengeCliTest, DeliversASecretAndTheEnclaveOpensIt) {
  Enclave enclave(dir_, "ok", 2);
  const ProcessResult r = Fetch(enclave, {"--pcrs-from", measurements_, "--max-age", "60",
                                          "--send-secret", secret_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["verified"].get<bool>());
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["pcr_set"]["index"], 0);
  EXPECT_TRUE(j["session"]["secret_acknowledged"].get<bool>());
  EXPECT_EQ(j["document"]["nonce"], j["session"]["nonce"]);
  EXPECT_EQ(j["document"]["public_key"], j["session"]["enclave_public_key"]);

  const ProcessResult text = Fetch(enclave, {"--pcrs-from", measurements_});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("VERIFIED"), std::string::npos);

  const ProcessResult& served = enclave.Finish();
  EXPECT_EQ(served.exit_code, 0);
  // The enclave logs the hash of what it opened: the parent's secret.
  EXPECT_NE(
      served.err.find("secret opened inside the enclave: 28 bytes, SHA-256 " + Sha256Hex(kSecret)),
      std::string::npos)
      << served.err;
  EXPECT_EQ(served.err.find(kSecret), std::string::npos);  // never the secret itself
}

TEST_F(ChallengeCliTest, WrongPcrPolicyIsRejectedAndNoSecretIsSent) {
  Enclave enclave(dir_, "pcr", 1);
  const ProcessResult r = Fetch(enclave, {"--pcr", "0=" + Pcr(7), "--send-secret", secret_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("pcr_mismatch"), std::string::npos) << r.err;
  const ProcessResult& served = enclave.Finish();
  EXPECT_NE(served.err.find("parent rejected the document: pcr_mismatch"), std::string::npos)
      << served.err;
  EXPECT_EQ(served.err.find("secret opened"), std::string::npos);
}

TEST_F(ChallengeCliTest, TamperedDocumentIsRejected) {
  Enclave enclave(dir_, "tamper", 1, {"--demo-tamper"});
  const ProcessResult r = Fetch(enclave, {"--pcrs-from", measurements_, "--send-secret", secret_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("bad_signature"), std::string::npos) << r.err;
  EXPECT_EQ(enclave.Finish().err.find("secret opened"), std::string::npos);
}

TEST_F(ChallengeCliTest, ReplayedDocumentFailsTheNonce) {
  const std::string recorded = dir_.File("recorded.cbor");
  std::string honest_root;
  {
    Enclave honest(dir_, "honest", 1);
    const ProcessResult r = Fetch(honest, {"--save-document", recorded, "--any-image"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    honest_root = honest.root();
  }
  // The recorded document is genuine (it chains to the honest enclave's root, trusted below);
  // only its nonce belongs to the earlier session.
  Enclave replay(dir_, "replay", 1, {"--demo-replay", recorded});
  std::vector<std::string> argv = {Tool("verifier"), "fetch",     "--connect",     replay.address(),
                                   "--root",         honest_root, "--send-secret", secret_,
                                   "--any-image"};
  const ProcessResult r = RunProcess(argv);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nonce_mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No secret was sent"), std::string::npos) << r.err;
}

TEST_F(ChallengeCliTest, UsageAndTransportErrorsExitTwo) {
  // Nothing listening.
  EXPECT_EQ(
      RunProcess({Tool("verifier"), "fetch", "--connect", "unix:" + dir_.File("none"),
                  "--any-image"})
          .exit_code,
      2);
  EXPECT_EQ(RunProcess({Tool("verifier"), "fetch", "--connect", "bogus:1", "--any-image"}).exit_code,
            2);
  // fetch makes its own nonce.
  EXPECT_EQ(
      RunProcess({Tool("verifier"), "fetch", "--connect", "unix:/x", "--nonce", "00"}).exit_code,
      2);
  EXPECT_EQ(RunProcess({Tool("verifier"), "fetch", "--connect", "unix:/x", "--send-secret",
                        dir_.File("missing")})
                .exit_code,
            2);
  // The demo attacks are refused on anything but an emulated NSM.
  EXPECT_EQ(RunProcess({Tool("enclave_app"), "--device", dir_.File("no-nsm"), "serve", "--listen",
                        "unix:" + dir_.File("s.sock"), "--demo-tamper"})
                .exit_code,
            2);
  EXPECT_EQ(
      RunProcess({Tool("enclave_app"), "--emulate", "serve", "--listen", "vsock:x:1"}).exit_code,
      2);
}

}  // namespace
}  // namespace nitro_attest
