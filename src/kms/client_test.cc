// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// KmsClient against the KMS test service on 127.0.0.1, with documents from the in-process NSM
// emulator: every operation, key policies on PCRs, SigV4 refusals, key reuse, and a faulty or
// silent service (each a clear error, never a hang).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/kms.h"
#include "nitro_attest/kms_emulator.h"
#include "src/ossl/ossl.h"
#include "testing/matchers.h"
#include "testing/process.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

std::string Policy(const std::string& image_sha384) {
  const std::string condition =
      image_sha384.empty() ? ""
                           : R"(,"Condition":{"StringEqualsIgnoreCase":{"kms:RecipientAttestation:ImageSha384":")" +
                                 image_sha384 + R"("}})";
  return R"({"Version":"2012-10-17","Statement":[{"Sid":"parent encrypts","Effect":"Allow",)"
         R"("Principal":{"AWS":"*"},"Action":["kms:Encrypt"],"Resource":"*"},)"
         R"({"Sid":"enclave","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt",)"
         R"("kms:GenerateDataKey*","kms:DeriveSharedSecret"],"Resource":"*")" +
         condition + "}]}";
}

AwsCredentials Creds(const std::string& secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                     const std::string& token = "session-token-1") {
  AwsCredentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = secret;
  c.session_token = token;
  return c;
}

class KmsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto nsm = NsmEmulator::Create();
    ASSERT_THAT(nsm, IsOk());
    nsm_ = std::move(*nsm);
    nsm_client_ = std::make_unique<NsmClient>(nsm_->NewHandle());
    pcr0_ = HexEncode(EmulatorDefaultPcr(0));
  }

  void StartService(KmsEmulatorFault fault = KmsEmulatorFault::kNone,
                    std::optional<Bytes> root = std::nullopt) {
    KmsEmulatorOptions options;
    options.config.credentials.push_back({Creds(), "arn:aws:iam::111122223333:role/parent"});
    options.config.keys.push_back({"enclave-key", "SYMMETRIC_DEFAULT", Policy(pcr0_)});
    options.config.keys.push_back({"other-image", "SYMMETRIC_DEFAULT", Policy(std::string(96, 'a'))});
    options.config.keys.push_back({"agreement", "ECC_NIST_P256", Policy(pcr0_)});
    options.attestation_root_der = root ? *root : nsm_->RootDer();
    options.fault = fault;
    auto service = KmsEmulator::Start(std::move(options));
    ASSERT_THAT(service, IsOk());
    service_ = std::move(*service);
    ca_file_ = dir_.File("ca.pem");
    std::ofstream(ca_file_) << service_->CaPem();
  }

  KmsClientOptions Options() {
    KmsClientOptions o;
    o.proxy = service_->address();
    o.ca_file = ca_file_;
    o.credentials = Creds();
    o.call_timeout = std::chrono::seconds(10);
    return o;
  }

  std::unique_ptr<KmsClient> Client(KmsClientOptions o) {
    auto c = KmsClient::Create(std::move(o), NsmAttester(*nsm_client_));
    EXPECT_THAT(c, IsOk());
    return c ? std::move(*c) : nullptr;
  }
  std::unique_ptr<KmsClient> Client() { return Client(Options()); }

  Bytes Ciphertext(const std::string& text, const std::string& key = "enclave-key",
                   const std::map<std::string, std::string>& context = {}) {
    auto blob = service_->Encrypt(key, Bytes(text.begin(), text.end()), context);
    EXPECT_THAT(blob, IsOk());
    return blob ? *blob : Bytes{};
  }

  static std::string Text(const SecretBytes& s) { return std::string(s.begin(), s.end()); }

  ::nitro_attest::testing::TempDir dir_;
  std::unique_ptr<NsmEmulator> nsm_;
  std::unique_ptr<NsmClient> nsm_client_;
  std::unique_ptr<KmsEmulator> service_;
  std::string ca_file_;
  std::string pcr0_;
};

TEST_F(KmsClientTest, DecryptsOnlyThroughCiphertextForRecipient) {
  StartService();
  auto client = Client();
  const std::map<std::string, std::string> ctx = {{"purpose", "test"}};
  DecryptRequest r{Ciphertext("hello enclave", "enclave-key", ctx), "", "", ctx};
  const Result<DecryptResult> plain = client->Decrypt(r);
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(Text(plain->plaintext), "hello enclave");
  EXPECT_THAT(plain->key_id, ::testing::EndsWith(":key/enclave-key"));
  // The encryption context is authenticated: another one is InvalidCiphertextException.
  r.encryption_context = {{"purpose", "other"}};
  EXPECT_THAT(client->Decrypt(r), HasCode(ErrorCode::kKmsError));
  ASSERT_TRUE(client->last_error().has_value());
  EXPECT_EQ(client->last_error()->type, "InvalidCiphertextException");
  EXPECT_EQ(client->last_error()->http_status, 400);
  // A KeyId that did not encrypt it: IncorrectKeyException.
  r.encryption_context = ctx;
  r.key_id = "other-image";
  EXPECT_THAT(client->Decrypt(r), HasCode(ErrorCode::kKmsError));
  EXPECT_EQ(client->last_error()->type, "IncorrectKeyException");
}

TEST_F(KmsClientTest, EveryOtherOperation) {
  StartService();
  auto client = Client();
  // Encrypt (no Recipient) then Decrypt.
  const Result<Bytes> blob = client->Encrypt({"enclave-key", Bytes{'s', 'e', 'c'}, {}});
  ASSERT_THAT(blob, IsOk());
  const Result<DecryptResult> back = client->Decrypt({*blob, "enclave-key", "SYMMETRIC_DEFAULT", {}});
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(Text(back->plaintext), "sec");
  // GenerateDataKey: the plaintext key and its ciphertext agree.
  const Result<DataKey> dk = client->GenerateDataKey({"enclave-key", "AES_256", std::nullopt, {}});
  ASSERT_THAT(dk, IsOk());
  EXPECT_EQ(dk->plaintext.size(), 32u);
  const Result<DecryptResult> dk_back = client->Decrypt({dk->ciphertext_blob, "", "", {}});
  ASSERT_THAT(dk_back, IsOk());
  EXPECT_TRUE(std::ranges::equal(dk_back->plaintext, dk->plaintext));
  const Result<DataKey> dk128 = client->GenerateDataKey({"enclave-key", "AES_128", std::nullopt, {}});
  ASSERT_THAT(dk128, IsOk());
  EXPECT_EQ(dk128->plaintext.size(), 16u);
  // GenerateRandom.
  const Result<SecretBytes> random = client->GenerateRandom(64);
  ASSERT_THAT(random, IsOk());
  EXPECT_EQ(random->size(), 64u);
  // GenerateDataKeyPair: the private key (PKCS#8) matches the public key.
  const Result<DataKeyPair> pair = client->GenerateDataKeyPair({"enclave-key", "ECC_NIST_P256", {}});
  ASSERT_THAT(pair, IsOk());
  const unsigned char* p = pair->private_key.data();
  ossl::EvpPkeyPtr priv(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pair->private_key.size())));
  ASSERT_NE(priv, nullptr);
  unsigned char* spki = nullptr;
  const int n = i2d_PUBKEY(priv.get(), &spki);
  EXPECT_EQ(Bytes(spki, spki + n), pair->public_key);
  OPENSSL_free(spki);
  // DeriveSharedSecret: the same secret as our own ECDH with the KMS key's public key.
  ossl::EvpPkeyPtr mine(EVP_EC_gen("P-256"));
  unsigned char* mine_der = nullptr;
  const int mine_len = i2d_PUBKEY(mine.get(), &mine_der);
  const Bytes mine_spki(mine_der, mine_der + mine_len);
  OPENSSL_free(mine_der);
  const Result<SecretBytes> shared = client->DeriveSharedSecret({"agreement", "ECDH", mine_spki});
  ASSERT_THAT(shared, IsOk());
  const Result<Bytes> kms_pub = service_->PublicKey("agreement");
  ASSERT_THAT(kms_pub, IsOk());
  const unsigned char* kp = kms_pub->data();
  ossl::EvpPkeyPtr peer(d2i_PUBKEY(nullptr, &kp, static_cast<long>(kms_pub->size())));
  ossl::EvpPkeyCtxPtr dctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine.get(), nullptr));
  size_t len = 0;
  ASSERT_EQ(EVP_PKEY_derive_init(dctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive_set_peer(dctx.get(), peer.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive(dctx.get(), nullptr, &len), 1);
  Bytes expected(len);
  ASSERT_EQ(EVP_PKEY_derive(dctx.get(), expected.data(), &len), 1);
  EXPECT_TRUE(std::ranges::equal(*shared, expected));
  EXPECT_EQ(client->stats().connections, 1u);  // one kept-alive TLS connection for all calls
}

TEST_F(KmsClientTest, WrongImageIsAccessDeniedWithThePcrsWeSent) {
  StartService();
  auto client = Client();
  const Result<DecryptResult> r = client->Decrypt({Ciphertext("x", "other-image"), "", "", {}});
  EXPECT_THAT(r, HasCode(ErrorCode::kKmsError));
  ASSERT_TRUE(client->last_error().has_value());
  const KmsErrorInfo& e = *client->last_error();
  EXPECT_EQ(e.type, "AccessDeniedException");
  EXPECT_EQ(e.http_status, 400);
  ASSERT_EQ(e.document_pcrs.size(), 4u);
  EXPECT_EQ(e.document_pcrs.at(0), pcr0_);
  EXPECT_EQ(e.document_pcrs.at(1), HexEncode(EmulatorDefaultPcr(1)));
  EXPECT_EQ(e.document_pcrs.at(8), std::string(96, '0'));
  EXPECT_THAT(r.error().detail, ::testing::HasSubstr(pcr0_));
}

TEST_F(KmsClientTest, ADocumentFromAnotherRootIsRefused) {
  auto other = NsmEmulator::Create();
  ASSERT_THAT(other, IsOk());
  StartService(KmsEmulatorFault::kNone, (*other)->RootDer());
  auto client = Client();
  EXPECT_THAT(client->GenerateRandom(8), HasCode(ErrorCode::kKmsError));
  EXPECT_EQ(client->last_error()->type, "ValidationException");
}

TEST_F(KmsClientTest, KeyAndDocumentReusedOnlyWhenAsked) {
  StartService();
  auto per_call = Client();
  KmsClientOptions o = Options();
  o.key_reuse = std::chrono::seconds(60);
  auto reusing = Client(std::move(o));
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(per_call->GenerateRandom(16), IsOk());
    ASSERT_THAT(reusing->GenerateRandom(16), IsOk());
  }
  EXPECT_EQ(per_call->stats().keys_generated, 3u);
  EXPECT_EQ(per_call->stats().documents, 3u);
  EXPECT_EQ(reusing->stats().keys_generated, 1u);
  EXPECT_EQ(reusing->stats().documents, 1u);
  KmsClientOptions expired = Options();
  expired.credentials.expiration = std::chrono::system_clock::now() - std::chrono::seconds(1);
  EXPECT_THAT(KmsClient::Create(std::move(expired), nullptr), HasCode(ErrorCode::kInvalidArgument));
  KmsClientOptions too_long = Options();
  too_long.key_reuse = std::chrono::seconds(301);
  EXPECT_THAT(KmsClient::Create(std::move(too_long), nullptr), HasCode(ErrorCode::kInvalidArgument));
}

TEST_F(KmsClientTest, SigV4Refusals) {
  StartService();
  struct Case {
    KmsClientOptions options;
    const char* type;
  };
  std::vector<Case> cases;
  cases.push_back({Options(), "InvalidSignatureException"});
  cases.back().options.credentials = Creds("wrong-secret");
  cases.push_back({Options(), "UnrecognizedClientException"});
  cases.back().options.credentials = Creds("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "");
  cases.push_back({Options(), "UnrecognizedClientException"});
  cases.back().options.credentials.access_key_id = "AKIDUNKNOWN";
  cases.push_back({Options(), "InvalidSignatureException"});  // scope names another region
  cases.back().options.region = "eu-west-1";
  cases.back().options.endpoint = "kms.us-east-1.amazonaws.com";
  cases.push_back({Options(), "InvalidSignatureException"});  // signed an hour ago
  cases.back().options.clock = [] { return std::chrono::system_clock::now() - std::chrono::hours(1); };
  for (Case& c : cases) {
    SCOPED_TRACE(c.type);
    auto client = Client(std::move(c.options));
    EXPECT_THAT(client->GenerateRandom(8), HasCode(ErrorCode::kKmsError));
    ASSERT_TRUE(client->last_error().has_value());
    EXPECT_EQ(client->last_error()->type, c.type);
    EXPECT_EQ(client->last_error()->http_status, 400);
  }
}

TEST_F(KmsClientTest, TlsIsCheckedAgainstTheCaAndTheHostName) {
  StartService();
  KmsClientOptions system_store = Options();
  system_store.ca_file.clear();
  EXPECT_THAT(Client(std::move(system_store))->GenerateRandom(8),
              HasCode(ErrorCode::kTransportError));
  KmsClientOptions other_host = Options();
  other_host.endpoint = "kms.example.com";
  EXPECT_THAT(Client(std::move(other_host))->GenerateRandom(8), HasCode(ErrorCode::kTransportError));
}

TEST_F(KmsClientTest, AFaultyServiceIsAClearErrorNeverACrashOrAHang) {
  const std::vector<std::pair<KmsEmulatorFault, ErrorCode>> faults = {
      {KmsEmulatorFault::kOtherRecipient, ErrorCode::kRecipientMismatch},
      {KmsEmulatorFault::kTruncatedCms, ErrorCode::kMalformedCiphertext},
      {KmsEmulatorFault::kAes128Cms, ErrorCode::kUnsupportedAlgorithm},
      {KmsEmulatorFault::kPlaintextToo, ErrorCode::kProtocolError},
      {KmsEmulatorFault::kNoRecipientCms, ErrorCode::kProtocolError},
      {KmsEmulatorFault::kHttp500, ErrorCode::kKmsError},
      {KmsEmulatorFault::kNotHttp, ErrorCode::kTransportError},
      {KmsEmulatorFault::kSilent, ErrorCode::kTransportError},
  };
  for (const auto& [fault, code] : faults) {
    SCOPED_TRACE(static_cast<int>(fault));
    StartService(fault);
    KmsClientOptions o = Options();
    // Only the silent service must run into the deadline; the others answer (RSA key
    // generation on a loaded machine can take a second).
    o.call_timeout = fault == KmsEmulatorFault::kSilent ? std::chrono::milliseconds(1500)
                                                        : std::chrono::milliseconds(30000);
    const auto bound = o.call_timeout + std::chrono::seconds(5);
    {
      auto client = Client(std::move(o));
      const auto start = std::chrono::steady_clock::now();
      EXPECT_THAT(client->Decrypt({Ciphertext("secret"), "", "", {}}), HasCode(code));
      EXPECT_LT(std::chrono::steady_clock::now() - start, bound);
    }  // the client closes its connection first, so the service stops at once
    service_.reset();
  }
}

TEST_F(KmsClientTest, NothingListeningIsATransportError) {
  StartService();
  KmsClientOptions o = Options();
  o.proxy = Address{Address::Family::kUnix, 0, 0, "", dir_.File("nobody.sock")};
  EXPECT_THAT(Client(std::move(o))->GenerateRandom(8), HasCode(ErrorCode::kTransportError));
}

TEST(KmsEndpoint, PartitionSuffixes) {
  EXPECT_EQ(*KmsEndpointHost("us-east-1"), "kms.us-east-1.amazonaws.com");
  EXPECT_EQ(*KmsEndpointHost("cn-north-1"), "kms.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(*KmsEndpointHost("us-iso-east-1"), "kms.us-iso-east-1.c2s.ic.gov");
  EXPECT_EQ(*KmsEndpointHost("us-isob-east-1"), "kms.us-isob-east-1.sc2s.sgov.gov");
  EXPECT_EQ(*KmsEndpointHost("eu-isoe-west-1"), "kms.eu-isoe-west-1.cloud.adc-e.uk");
  EXPECT_EQ(*KmsEndpointHost("eusc-de-east-1"), "kms.eusc-de-east-1.amazonaws.eu");
  EXPECT_THAT(KmsEndpointHost("US-EAST-1"), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(KmsEndpointHost(""), HasCode(ErrorCode::kInvalidArgument));
}

TEST(KmsCredentials, ImdsJsonEnvironmentAndRoundTrip) {
  const std::string imds = R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLE",)"
                           R"("SecretAccessKey":"s3cr3t","Token":"tok","Expiration":"2026-12-08T05:00:00Z"})";
  const auto c = ParseCredentialsJson(std::span(reinterpret_cast<const uint8_t*>(imds.data()), imds.size()));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c->session_token, "tok");
  ASSERT_TRUE(c->expiration.has_value());
  const SecretBytes json = CredentialsToJson(*c);
  const auto back = ParseCredentialsJson(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->secret_access_key, "s3cr3t");
  EXPECT_EQ(back->expiration, c->expiration);
  for (const char* bad : {"", "[]", "{}", R"({"AccessKeyId":"a"})", R"({"AccessKeyId":1,"SecretAccessKey":"b"})",
                          R"({"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"tomorrow"})"}) {
    EXPECT_THAT(ParseCredentialsJson(std::span(reinterpret_cast<const uint8_t*>(bad), strlen(bad))),
                HasCode(ErrorCode::kInvalidArgument))
        << bad;
  }
}

TEST(KmsEmulatorConfigTest, PoliciesItCannotEvaluateAreRefused) {
  const auto parse = [](const std::string& policy) {
    const std::string cfg = R"({"Credentials":[{"AccessKeyId":"a","SecretAccessKey":"b"}],)"
                            R"("Keys":[{"KeyId":"k","Policy":)" + policy + "}]}";
    return ParseKmsEmulatorConfig(std::span(reinterpret_cast<const uint8_t*>(cfg.data()), cfg.size()));
  };
  EXPECT_THAT(parse(Policy("")), IsOk());
  EXPECT_THAT(parse(Policy(std::string(96, '0'))), IsOk());
  for (const char* bad : {
           R"({"Statement":[{"Effect":"Maybe","Principal":"*","Action":"kms:*"}]})",
           R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"StringLike":{"kms:RecipientAttestation:PCR0":"a*"}}}]})",
           R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"StringEquals":{"kms:ViaService":"x"}}}]})",
           R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Condition":{"StringEquals":{"kms:RecipientAttestation:PCR32":"x"}}}]})",
           R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"arn:x"}]})",
           R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","NotAction":"x"}]})",
           R"({"NoStatement":[]})"}) {
    EXPECT_THAT(parse(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

}  // namespace
}  // namespace nitro_attest
