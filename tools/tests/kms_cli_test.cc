// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// `enclave_app kms` against a running `kms-emulator` and `nsm-emulator`: kmstool_enclave_cli's
// flags and exact output, the commands beyond it, exit codes, refusals and a silent service.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

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
using ::nitro_attest::testing::StartProcess;
using ::nitro_attest::testing::TempDir;
using ::nitro_attest::testing::Tool;

// Background runs a tool until the test ends, once `ready_file` exists.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& ready_file,
             const std::string& log)
      : pid_(StartProcess(argv, log)) {
    for (int i = 0; i < 3000 && !std::filesystem::exists(ready_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~Background() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

 private:
  int pid_;
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && s.back() == '\n') {
    s.pop_back();
  }
  return s;
}

class KmsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    nsm_ = std::make_unique<Background>(
        std::vector<std::string>{Tool("nsm-emulator"), "--listen", dir_.File("nsm.sock"),
                                 "--root-out", dir_.File("root.pem")},
        dir_.File("root.pem"), "/dev/null");
    const std::string pcr0 = HexEncode(EmulatorDefaultPcr(0));
    const auto policy = [](const std::string& image) {
      return nlohmann::json{
          {"Version", "2012-10-17"},
          {"Statement",
           {{{"Effect", "Allow"},
             {"Principal", {{"AWS", "*"}}},
             {"Action", {"kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
                         "kms:DeriveSharedSecret"}},
             {"Resource", "*"},
             {"Condition",
              {{"StringEqualsIgnoreCase", {{"kms:RecipientAttestation:ImageSha384", image}}}}}}}}};
    };
    const nlohmann::json config = {
        {"Seed", "kms-cli-test"},
        {"Credentials",
         {{{"AccessKeyId", "AKIDTEST"}, {"SecretAccessKey", "secret"}, {"Token", "token"}}}},
        {"Keys",
         {{{"KeyId", "enclave"}, {"Policy", policy(pcr0)}},
          {{"KeyId", "other-image"}, {"Policy", policy(std::string(96, 'b'))}},
          {{"KeyId", "agreement"}, {"KeySpec", "ECC_NIST_P384"}, {"Policy", policy(pcr0)}}}}};
    std::ofstream(dir_.File("kms.json")) << config.dump(2);
  }

  void StartKms(const std::string& fault = "") {
    std::vector<std::string> argv = {Tool("kms-emulator"), "serve", "--config", dir_.File("kms.json"),
                                     "--attestation-root", dir_.File("root.pem"), "--ca-out",
                                     dir_.File("ca.pem"), "--public-keys-out",
                                     dir_.File("public.json"), "--address-out", dir_.File("addr")};
    if (!fault.empty()) {
      argv.insert(argv.end(), {"--fault", fault});
    }
    kms_ = std::make_unique<Background>(argv, dir_.File("addr"), "/dev/null");
    ASSERT_TRUE(std::filesystem::exists(dir_.File("addr")));
  }

  // Kms runs `enclave_app --emulator ... kms <args>` with kmstool's credential flags (or,
  // with `credentials_file`, that file instead).
  ProcessResult Kms(std::vector<std::string> args, const std::string& credentials_file = "") {
    std::vector<std::string> argv = {Tool("enclave_app"), "--emulator",
                                     "unix:" + dir_.File("nsm.sock"), "kms"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--region", "us-east-1", "--proxy", ReadText(dir_.File("addr")),
                             "--ca-file", dir_.File("ca.pem")});
    if (credentials_file.empty()) {
      argv.insert(argv.end(), {"--aws-access-key-id", "AKIDTEST", "--aws-secret-access-key",
                               "secret", "--aws-session-token", "token"});
    } else {
      argv.insert(argv.end(), {"--credentials-file", credentials_file});
    }
    return RunProcess(argv);
  }

  std::string Encrypt(const std::string& key, const std::string& plaintext) {
    const ProcessResult r = RunProcess({Tool("kms-emulator"), "encrypt", "--config",
                                        dir_.File("kms.json"), "--key-id", key},
                                       plaintext);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  TempDir dir_;
  std::unique_ptr<Background> nsm_, kms_;
};

TEST_F(KmsCli, DecryptPrintsExactlyWhatKmstoolPrints) {
  StartKms();
  const ProcessResult r = Kms({"decrypt", "--ciphertext", Encrypt("enclave", "top secret")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "PLAINTEXT: " + Base64Encode(Bytes{'t', 'o', 'p', ' ', 's', 'e', 'c', 'r', 'e', 't'}) + "\n");
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("top secret")));
}

TEST_F(KmsCli, GenkeyGenrandomAndTheCommandsBeyondKmstool) {
  StartKms();
  const ProcessResult key = Kms({"genkey", "--key-id", "enclave", "--key-spec", "AES-256"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_THAT(key.out, ::testing::MatchesRegex("CIPHERTEXT: [A-Za-z0-9+/=]+\nPLAINTEXT: [A-Za-z0-9+/=]{44}\n"));
  // The data key's ciphertext decrypts to the same plaintext.
  const std::string ct = key.out.substr(12, key.out.find('\n') - 12);
  const ProcessResult back = Kms({"decrypt", "--ciphertext", ct, "--key-id", "enclave",
                                  "--encryption-algorithm", "SYMMETRIC_DEFAULT"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(back.out, key.out.substr(key.out.find('\n') + 1));

  const ProcessResult random = Kms({"genrandom", "--length", "32"});
  ASSERT_EQ(random.exit_code, 0) << random.err;
  EXPECT_THAT(random.out, ::testing::MatchesRegex("PLAINTEXT: [A-Za-z0-9+/=]{44}\n"));

  const ProcessResult pair = Kms({"genkeypair", "--key-id", "enclave", "--key-pair-spec",
                                  "ECC_NIST_P256", "--json"});
  ASSERT_EQ(pair.exit_code, 0) << pair.err;
  const auto j = nlohmann::json::parse(pair.out);
  EXPECT_TRUE(j.contains("PUBLIC_KEY") && j.contains("PRIVATE_KEY_CIPHERTEXT") &&
              j.contains("PRIVATE_KEY_PLAINTEXT"));

  const std::string kms_pub =
      nlohmann::json::parse(ReadText(dir_.File("public.json")))["agreement"];
  const ProcessResult shared = Kms({"derive-shared-secret", "--key-id", "agreement",
                                    "--public-key", kms_pub});
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  EXPECT_THAT(shared.out, ::testing::MatchesRegex("SHARED_SECRET: [A-Za-z0-9+/=]{64}\n"));
}

TEST_F(KmsCli, EncryptionContextMustMatch) {
  StartKms();
  const ProcessResult ct = RunProcess({Tool("kms-emulator"), "encrypt", "--config",
                                       dir_.File("kms.json"), "--key-id", "enclave",
                                       "--encryption-context", "app=demo"},
                                      "x");
  ASSERT_EQ(ct.exit_code, 0) << ct.err;
  const std::string blob = ct.out.substr(0, ct.out.find('\n'));
  EXPECT_EQ(Kms({"decrypt", "--ciphertext", blob, "--encryption-context", "app=demo"}).exit_code, 0);
  const ProcessResult wrong = Kms({"decrypt", "--ciphertext", blob});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, ::testing::HasSubstr("InvalidCiphertextException"));
}

TEST_F(KmsCli, AnotherImageIsRefusedWithThePcrsShown) {
  StartKms();
  const ProcessResult r = Kms({"decrypt", "--ciphertext", Encrypt("other-image", "x"), "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::HasSubstr("AccessDeniedException"));
  EXPECT_THAT(r.err, ::testing::HasSubstr("PCR0=" + HexEncode(EmulatorDefaultPcr(0))));
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "kms_error");
  EXPECT_EQ(j["error"]["http_status"], 400);
  EXPECT_EQ(j["error"]["document_pcrs"]["0"], HexEncode(EmulatorDefaultPcr(0)));
}

TEST_F(KmsCli, UsageErrorsAreExitTwo) {
  StartKms();
  EXPECT_EQ(Kms({"decrypt"}).exit_code, 2);  // --ciphertext is required, as in kmstool
  EXPECT_EQ(Kms({"genrandom", "--length", "2000"}).exit_code, 2);
  EXPECT_EQ(Kms({"genkey", "--key-id", "enclave", "--key-spec", "AES-512"}).exit_code, 2);
  EXPECT_EQ(Kms({"decrypt", "--ciphertext", "not base64!"}).exit_code, 2);
  EXPECT_EQ(Kms({"decrypt", "--ciphertext", "AAAA", "--encryption-context", "novalue"}).exit_code, 2);
  EXPECT_EQ(Kms({"decrypt", "--ciphertext", "AAAA", "--credentials-file", dir_.File("missing.json"),
                 "--aws-access-key-id", ""})
                .exit_code,
            2);
}

TEST_F(KmsCli, ASilentServiceTimesOutWithExitOne) {
  StartKms("silent");
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = Kms({"genrandom", "--length", "8", "--timeout", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::HasSubstr("transport_error"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(KmsCli, ACmsForAnotherKeyIsExitOne) {
  StartKms("other-recipient");
  const ProcessResult r = Kms({"decrypt", "--ciphertext", Encrypt("enclave", "x")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::HasSubstr("recipient_mismatch"));
  EXPECT_EQ(r.out, "");
}

TEST_F(KmsCli, CredentialsArriveThroughTheSealedChannel) {
  StartKms();
  const std::string stored = dir_.File("enclave-creds.json");
  Background enclave({Tool("enclave_app"), "--emulator", "unix:" + dir_.File("nsm.sock"), "serve",
                      "--listen", "unix:" + dir_.File("enclave.sock"), "--kms-credentials-out",
                      stored},
                     dir_.File("enclave.sock"), dir_.File("serve.log"));
  std::ofstream(dir_.File("imds.json"))
      << R"({"Code":"Success","AccessKeyId":"AKIDTEST","SecretAccessKey":"secret",)"
      << R"("Token":"token","Expiration":"2099-01-01T00:00:00Z"})";
  const ProcessResult fetch =
      RunProcess({Tool("verifier"), "fetch", "--connect", "unix:" + dir_.File("enclave.sock"),
                  "--root", dir_.File("root.pem"), "--any-image",  // this test is about the credentials
                  "--send-secret", dir_.File("imds.json")});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  for (int i = 0; i < 500 && !std::filesystem::exists(stored); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(std::filesystem::exists(stored));
  EXPECT_EQ(std::filesystem::status(stored).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const ProcessResult r = Kms({"decrypt", "--ciphertext", Encrypt("enclave", "via serve")}, stored);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "PLAINTEXT: " + Base64Encode(Bytes{'v', 'i', 'a', ' ', 's', 'e', 'r', 'v', 'e'}) + "\n");
}

}  // namespace
}  // namespace nitro_attest
