// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// kms.h: AWS KMS from inside a Nitro Enclave. Each operation that can return a secret sends a
// Recipient {RSAES_OAEP_SHA_256, attestation document whose public_key is our RSA-2048 key};
// KMS checks the document against the key policy (kms:RecipientAttestation:ImageSha384,
// :PCR<n>) and returns the secret only as CiphertextForRecipient, a CMS EnvelopedData that only
// this process can open. Requests are HTTPS (TLS inside the enclave, the host name checked)
// over a byte stream to the parent, by default vsock CID 3 port 8000 where AWS's vsock-proxy
// forwards to KMS; signed with SigV4. docs/kms.md has the production set-up.
#ifndef NITRO_ATTEST_KMS_H_
#define NITRO_ATTEST_KMS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/export.h"
#include "nitro_attest/protocol.h"
#include "nitro_attest/result.h"
#include "nitro_attest/secret.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// AwsCredentials are an access key, its secret and an optional session token. Wiped when
// destroyed; never logged by this library.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;
  AwsCredentials() = default;
  AwsCredentials(const AwsCredentials&) = default;
  AwsCredentials(AwsCredentials&&) = default;
  AwsCredentials& operator=(const AwsCredentials&) = default;
  AwsCredentials& operator=(AwsCredentials&&) = default;
  ~AwsCredentials();
};

// ParseCredentialsJson reads the JSON the instance metadata service returns for a role
// ({"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}; other members ignored).
// kInvalidArgument when it is not JSON, a member has the wrong type, the key or secret is
// missing, or Expiration is not RFC 3339.
Result<AwsCredentials> ParseCredentialsJson(std::span<const uint8_t> json);
// CredentialsToJson writes the same shape (for sending credentials to an enclave).
SecretBytes CredentialsToJson(const AwsCredentials& credentials);
// CredentialsFromEnvironment reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN; kInvalidArgument when the first two are not both set.
Result<AwsCredentials> CredentialsFromEnvironment();

// KmsEndpointHost returns KMS's host name for `region` with its partition's DNS suffix
// (kms.us-east-1.amazonaws.com, kms.cn-north-1.amazonaws.com.cn, ...); kInvalidArgument for a
// region that is not lowercase letters, digits and dashes.
Result<std::string> KmsEndpointHost(std::string_view region);

// KmsErrorInfo is what KMS said when it refused: the HTTP status, its __type and Message, and
// for AccessDeniedException the PCR0/1/2/8 of the document we sent (lowercase hex), to compare
// with the key policy.
struct KmsErrorInfo {
  int http_status = 0;
  std::string type;
  std::string message;
  std::map<uint32_t, std::string> document_pcrs;
};

// KmsClientOptions: where KMS is, how to reach it and with what credentials.
struct KmsClientOptions {
  std::string region = "us-east-1";
  // "HOST[:PORT]" for TLS name checks and the Host header; empty: KmsEndpointHost(region):443.
  std::string endpoint;
  // The byte stream the TLS connection runs over: vsock:3:8000 (the parent's vsock-proxy) by
  // default; unix: or tcp: for tests.
  Address proxy{Address::Family::kVsock, 3, 8000, "", ""};
  // PEM file of trusted CAs; empty: the system store.
  std::string ca_file;
  AwsCredentials credentials;
  std::chrono::milliseconds connect_timeout{10000};
  // The whole call, retries included.
  std::chrono::milliseconds call_timeout{30000};
  // How long one recipient key and its document are reused; 0: a new RSA-2048 key and
  // document for every call (kmstool's way). See docs/kms.md for why reuse is safe and bounded.
  std::chrono::seconds key_reuse{0};
  // Signing time; unset: the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  // The largest HTTP response accepted.
  size_t max_response_size = 256 * 1024;
};

// Requests and results of the operations. Encryption contexts are sent as given; an empty
// string field is not sent.
struct DecryptRequest {
  Bytes ciphertext_blob;
  std::string key_id;
  std::string encryption_algorithm;  // SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256
  std::map<std::string, std::string> encryption_context;
};
struct DecryptResult {
  SecretBytes plaintext;
  std::string key_id;
};
struct GenerateDataKeyRequest {
  std::string key_id;
  std::string key_spec = "AES_256";            // or AES_128; ignored when number_of_bytes set
  std::optional<uint32_t> number_of_bytes;     // 1..1024
  std::map<std::string, std::string> encryption_context;
};
struct DataKey {
  Bytes ciphertext_blob;
  SecretBytes plaintext;
  std::string key_id;
};
struct GenerateDataKeyPairRequest {
  std::string key_id;
  std::string key_pair_spec;  // RSA_2048, ECC_NIST_P256, ECC_NIST_P384, ...
  std::map<std::string, std::string> encryption_context;
};
struct DataKeyPair {
  Bytes private_key_ciphertext_blob;
  SecretBytes private_key;  // PKCS#8 DER
  Bytes public_key;         // SubjectPublicKeyInfo DER
  std::string key_id;
  std::string key_pair_spec;
};
struct DeriveSharedSecretRequest {
  std::string key_id;
  std::string key_agreement_algorithm = "ECDH";
  Bytes public_key;  // the peer's SubjectPublicKeyInfo DER
};
struct EncryptRequest {
  std::string key_id;
  Bytes plaintext;
  std::map<std::string, std::string> encryption_context;
};

// KmsClient calls KMS. The secret-returning calls attest through `attest` (an NSM, see
// NsmAttester) and accept the secret only from CiphertextForRecipient: a response with a
// non-empty plaintext field beside it, or without it, is kProtocolError. Failures: kKmsError
// when KMS refused (last_error() has what it said), kTransportError (connect, TLS, timeouts,
// a response that is not HTTP or too large), kProtocolError (HTTP 200 but not the expected
// JSON), kMalformedCiphertext / kRecipientMismatch / kUnsupportedAlgorithm / kCryptoError from
// the CiphertextForRecipient, kInvalidArgument for bad requests. Not thread-safe.
class KmsClient {
 public:
  // Create checks the options (kInvalidArgument: region, endpoint, missing or expired
  // credentials, key reuse above 300 s; kIoError: CA file). `attest` may be empty for a client that only encrypts.
  static Result<std::unique_ptr<KmsClient>> Create(KmsClientOptions options, Attester attest);
  ~KmsClient();
  KmsClient(const KmsClient&) = delete;
  KmsClient& operator=(const KmsClient&) = delete;

  Result<DecryptResult> Decrypt(const DecryptRequest& request);
  Result<DataKey> GenerateDataKey(const GenerateDataKeyRequest& request);
  Result<SecretBytes> GenerateRandom(uint32_t number_of_bytes);
  Result<DataKeyPair> GenerateDataKeyPair(const GenerateDataKeyPairRequest& request);
  Result<SecretBytes> DeriveSharedSecret(const DeriveSharedSecretRequest& request);
  // Encrypt (no Recipient: KMS does not take one here) returns the CiphertextBlob.
  Result<Bytes> Encrypt(const EncryptRequest& request);

  // last_error is KMS's refusal of the last call that got one (cleared at each call).
  const std::optional<KmsErrorInfo>& last_error() const;
  // Stats counts what the client did, for tests and benchmarks.
  struct Stats {
    uint64_t calls = 0, keys_generated = 0, documents = 0, connections = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  explicit KmsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_KMS_H_
