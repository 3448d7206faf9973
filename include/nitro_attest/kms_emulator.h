// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// kms_emulator.h: an INSECURE KMS-compatible test service, so the KMS client, its tests, the
// benchmark and the demo run end to end with no AWS account. It speaks KMS's JSON 1.1 API over
// TLS (a generated test CA; clients trust it explicitly), checks SigV4 against configured
// credentials, holds keys, verifies each Recipient's attestation document with our verifier
// against a configured root (the NSM emulator's), evaluates the key policy's
// kms:RecipientAttestation:ImageSha384 / :PCR<n> conditions, and answers with a
// CiphertextForRecipient built as KMS builds it. Its CiphertextBlob format is its own.
#ifndef NITRO_ATTEST_KMS_EMULATOR_H_
#define NITRO_ATTEST_KMS_EMULATOR_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/export.h"
#include "nitro_attest/kms.h"
#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// KmsEmulatorFault makes the service misbehave on purpose, for tests of the client.
enum class KmsEmulatorFault : uint8_t {
  kNone,
  kOtherRecipient,   // CiphertextForRecipient encrypted to another RSA key
  kTruncatedCms,     // CiphertextForRecipient cut in half
  kAes128Cms,        // content encrypted with AES-128-CBC
  kPlaintextToo,     // the plaintext field sent beside CiphertextForRecipient
  kNoRecipientCms,   // no CiphertextForRecipient at all
  kHttp500,          // HTTP 500 KMSInternalException for everything
  kSilent,           // reads the request, never answers
  kNotHttp,          // answers bytes that are not HTTP
};

// KmsEmulatorConfig is the service's configuration; ParseKmsEmulatorConfig reads it from JSON:
// {"Region": "us-east-1", "Seed": "...",
//  "Credentials": [{"AccessKeyId", "SecretAccessKey", "Token"?, "Arn"?}],
//  "Keys": [{"KeyId", "KeySpec"?: SYMMETRIC_DEFAULT | ECC_NIST_P256 | ECC_NIST_P384,
//            "Policy": {AWS key policy}}]}
struct KmsEmulatorConfig {
  std::string region = "us-east-1";
  // Symmetric key material is HKDF(seed, key id): the same seed decrypts earlier ciphertexts.
  // Empty: random per start. ECC keys are always random.
  std::string seed;
  struct Credential {
    AwsCredentials credentials;  // a non-empty session_token must be sent and signed
    std::string arn = "arn:aws:iam::111122223333:role/nitro-attest-parent";
  };
  std::vector<Credential> credentials;
  struct Key {
    std::string key_id;
    std::string key_spec = "SYMMETRIC_DEFAULT";
    std::string policy_json;  // Version/Statement[Effect, Principal, Action, Resource, Condition]
  };
  std::vector<Key> keys;
};

// ParseKmsEmulatorConfig reads the JSON form. kInvalidArgument for anything it does not
// understand, including policy operators and condition keys it cannot evaluate (fail closed).
Result<KmsEmulatorConfig> ParseKmsEmulatorConfig(std::span<const uint8_t> json);

// KmsEmulatorOptions: the configuration and where and how to serve it.
struct KmsEmulatorOptions {
  KmsEmulatorConfig config;
  Address listen{Address::Family::kTcp, 0, 0, "127.0.0.1", ""};
  // Attestation documents must chain to this root (DER); required.
  Bytes attestation_root_der;
  // Documents older than this are refused (KMS's own limit is not published; see docs/kms.md).
  std::chrono::milliseconds max_document_age{std::chrono::minutes(5)};
  // Names in the TLS certificate; empty: kms.<region>.amazonaws.com and localhost.
  std::vector<std::string> tls_names;
  size_t workers = 4;
  KmsEmulatorFault fault = KmsEmulatorFault::kNone;
};

// KmsEmulator is a running service; it stops when destroyed.
class KmsEmulator {
 public:
  // Start validates the configuration (kInvalidArgument), makes the TLS CA and certificate and
  // the keys (kCryptoError) and starts listening (kTransportError).
  static Result<std::unique_ptr<KmsEmulator>> Start(KmsEmulatorOptions options);
  ~KmsEmulator();
  KmsEmulator(const KmsEmulator&) = delete;
  KmsEmulator& operator=(const KmsEmulator&) = delete;

  // address is where it listens (with the port the kernel chose).
  const Address& address() const;
  // CaPem is the test CA (PEM) that signed its TLS certificate: what clients pass as CA file.
  const std::string& CaPem() const;
  // Encrypt makes a CiphertextBlob as the Encrypt API does, without a request
  // (kInvalidArgument for an unknown or non-symmetric key).
  Result<Bytes> Encrypt(const std::string& key_id, std::span<const uint8_t> plaintext,
                        const std::map<std::string, std::string>& context = {}) const;
  // PublicKey returns an ECC key's SubjectPublicKeyInfo DER (kInvalidArgument otherwise).
  Result<Bytes> PublicKey(const std::string& key_id) const;
  // requests counts the HTTP requests answered.
  uint64_t requests() const;

  struct State;

 private:
  explicit KmsEmulator(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// EncryptOffline makes the same CiphertextBlob as KmsEmulator::Encrypt from the configuration
// alone (a seed is required), for scripts that prepare ciphertexts before the service runs.
Result<Bytes> EncryptOffline(const KmsEmulatorConfig& config, const std::string& key_id,
                             std::span<const uint8_t> plaintext,
                             const std::map<std::string, std::string>& context = {});

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_KMS_EMULATOR_H_
