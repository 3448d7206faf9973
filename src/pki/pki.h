// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Test and emulator PKI (internal): certificates shaped like AWS's Nitro chains, whose names say
// "emulator.insecure". Nothing issued here is trusted unless a caller pins its root explicitly.
#ifndef NITRO_ATTEST_SRC_PKI_PKI_H_
#define NITRO_ATTEST_SRC_PKI_PKI_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::pki {

using TimePoint = Time;

// KeyType is the subject key to generate. Only kP384 is valid in a Nitro chain; the others exist
// for negative tests.
enum class KeyType { kP384, kP256, kP521, kRsa2048 };

// Digest is the signature hash. Only kSha384 is valid in a Nitro chain.
enum class Digest { kSha384, kSha256 };

// NameEntry is one RDN of a distinguished name, e.g. {"CN", "aws.nitro-enclaves"}.
struct NameEntry {
  std::string field;
  std::string value;
};
using Name = std::vector<NameEntry>;  // in encoding order

// BasicConstraints describes the basicConstraints extension.
struct BasicConstraints {
  bool critical = true;
  bool ca = false;
  std::optional<int> path_len;
};

// Key usage bits for KeyUsage::bits (RFC 5280 §4.2.1.3 names).
inline constexpr uint32_t kDigitalSignature = 1u << 0;
inline constexpr uint32_t kNonRepudiation = 1u << 1;
inline constexpr uint32_t kKeyCertSign = 1u << 2;
inline constexpr uint32_t kCrlSign = 1u << 3;

// KeyUsage describes the keyUsage extension: `bits` is an OR of the constants above.
struct KeyUsage {
  bool critical = true;
  uint32_t bits = 0;
};

// Extension is an arbitrary extension: OID in dotted form, criticality and the DER that goes in
// its OCTET STRING (default: ASN.1 NULL).
struct Extension {
  std::string oid;
  bool critical = false;
  Bytes value = {0x05, 0x00};
};

// CertSpec says everything about one certificate to issue.
struct CertSpec {
  Name subject;
  // nullopt: the issuer's subject (or `subject` when self-signed). Set to forge a wrong issuer.
  std::optional<Name> issuer_name;
  KeyType key_type = KeyType::kP384;
  // When set, this key (not owned; must outlive the call) is the subject key instead of a new one.
  EVP_PKEY* subject_key = nullptr;
  Bytes serial;  // big-endian; empty: 16 random bytes
  TimePoint not_before, not_after;
  std::optional<BasicConstraints> basic_constraints;
  std::optional<KeyUsage> key_usage;
  bool subject_key_id = true;
  bool authority_key_id = true;
  std::optional<Extension> extra_extension;
  Digest digest = Digest::kSha384;
  // ECDSA only: derive the signature nonce from the signing key and the TBS (in the spirit of
  // RFC 6979, which OpenSSL 3.0 lacks), so the same spec and keys always give the same DER.
  bool deterministic_signature = false;
};

// Issued is a new certificate and its subject's private key.
struct Issued {
  Bytes der;
  ossl::EvpPkeyPtr key;
};

// Issue builds and signs the certificate described by `spec`. With `issuer_der` empty it is
// self-signed by its own key; otherwise it names `issuer_der`'s subject as issuer and is signed
// with `issuer_key` (not owned), which tests may set to a key that does not match. Returns
// kInvalidArgument for a bad spec, kCryptoError when OpenSSL fails.
Result<Issued> Issue(const CertSpec& spec, std::span<const uint8_t> issuer_der = {},
                     EVP_PKEY* issuer_key = nullptr);

// PkiOptions configures GeneratePki.
struct PkiOptions {
  std::optional<TimePoint> now;  // issuance time; nullopt: the system clock
  std::string module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  std::string region = "us-east-1";
  // With a seed, every private key is derived from it (SHA-384(seed || level) mod n), so the
  // same seed always yields the same keys, and the root certificate is byte-identical whatever
  // `now` is (fixed serial, the AWS G1 root's validity 2019-10-28 .. 2049-10-28, deterministic
  // signature): a restarted emulator keeps its pinned root. Without a seed, keys are random.
  std::optional<std::string> seed;
};

// Pki is a generated chain root -> regional -> zonal -> instance -> leaf with the profile of real
// Nitro chains (spec §3.6).
struct Pki {
  PkiOptions options;  // what it was generated with (now = issuance time of the intermediates)
  Bytes root_der;
  std::vector<Bytes> intermediates;  // regional, zonal, instance
  Bytes leaf_der;
  ossl::EvpPkeyPtr root_key;
  ossl::EvpPkeyPtr instance_key;
  ossl::EvpPkeyPtr leaf_key;

  // cabundle returns the document's cabundle: root first, then the intermediates.
  std::vector<Bytes> cabundle() const;
  // RootPem returns the root certificate as PEM text.
  std::string RootPem() const;
};

// CertificatePem returns a DER certificate as PEM text (empty when it does not parse).
std::string CertificatePem(std::span<const uint8_t> der);

// PrivateKeyPem returns a private key as unencrypted PKCS#8 PEM text (empty on failure).
std::string PrivateKeyPem(EVP_PKEY* key);

// GeneratePki issues a fresh chain at `options.now`. Returns kCryptoError when OpenSSL fails.
Result<Pki> GeneratePki(const PkiOptions& options = {});

// IssueLeaf issues a new 3-hour leaf for pki.options.module_id under pki's instance certificate,
// valid from `now`, with a new random key; the caller installs it (leaf_der / leaf_key). Returns
// kInvalidArgument when the instance certificate does not cover the whole new leaf lifetime.
Result<Issued> IssueLeaf(const Pki& pki, TimePoint now);

// RotateLeaf replaces pki's leaf with one issued at `now`. When the intermediates would not
// cover it, it first reissues regional, zonal and instance under the unchanged root (same keys
// when seeded), so a pinned root stays valid. Returns kCryptoError when OpenSSL fails.
Status RotateLeaf(Pki& pki, TimePoint now);

// Profile names used by GeneratePki, exposed so tests can compare against them.
inline constexpr std::string_view kRootCommonName = "aws.nitro-enclaves.emulator.insecure";

}  // namespace nitro_attest::pki

#endif  // NITRO_ATTEST_SRC_PKI_PKI_H_
