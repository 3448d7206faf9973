// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The KMS test service (kms_emulator.h): KMS's JSON 1.1 API over TLS with SigV4, key policies
// with kms:RecipientAttestation conditions, and CiphertextForRecipient as KMS builds it.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "nitro_attest/encoding.h"
#include "nitro_attest/kms_emulator.h"
#include "nitro_attest/verify.h"
#include "src/channel/internal.h"
#include "src/kms/cms.h"
#include "src/kms/http.h"
#include "src/kms/internal.h"
#include "src/pki/pki.h"

namespace nitro_attest {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kBlobMagic = "NAKMSEMU";  // our CiphertextBlob: magic, key id, GCM
constexpr std::chrono::minutes kMaxClockSkew{15};    // SigV4's allowed skew

// ---- Key policies ----------------------------------------------------------------------------

struct Condition {
  bool ignore_case = true;
  std::string key;  // "kms:RecipientAttestation:ImageSha384" or "...:PCR<n>"
  std::vector<std::string> values;
};

struct Statement {
  bool allow = true;
  bool any_principal = false;
  std::vector<std::string> principals;
  std::vector<std::string> actions;  // "kms:Decrypt", "kms:*", "kms:Generate*"
  std::vector<Condition> conditions;
};

Result<std::vector<std::string>> StringOrList(const json& j, const std::string& what) {
  std::vector<std::string> out;
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_array()) {
    for (const json& v : j) {
      if (!v.is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, what + ": not a string");
      }
      out.push_back(v.get<std::string>());
    }
  } else {
    return MakeError(ErrorCode::kInvalidArgument, what + ": not a string or list");
  }
  return out;
}

bool IsRecipientKey(std::string_view key) {
  constexpr std::string_view kPrefix = "kms:RecipientAttestation:";
  if (key.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  const std::string_view rest = key.substr(kPrefix.size());
  if (rest == "ImageSha384") {
    return true;
  }
  if (rest.size() < 4 || rest.size() > 5 || rest.substr(0, 3) != "PCR") {
    return false;
  }
  const std::string_view n = rest.substr(3);
  if (!std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (n.size() == 2 && n[0] == '0')) {
    return false;
  }
  return std::stoi(std::string(n)) <= 31;
}

Result<std::vector<Statement>> ParsePolicy(const std::string& text) {
  const auto bad = [](const std::string& what) {
    return MakeError(ErrorCode::kInvalidArgument, "key policy: " + what);
  };
  const std::optional<json> j =
      kms::ParseJsonObject(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  if (!j || !j->contains("Statement")) {
    return bad("not a JSON object with a Statement");
  }
  json statements = (*j)["Statement"];
  if (statements.is_object()) {
    statements = json::array({statements});
  }
  if (!statements.is_array()) {
    return bad("Statement is not a list");
  }
  std::vector<Statement> out;
  for (const json& s : statements) {
    if (!s.is_object()) {
      return bad("a statement is not an object");
    }
    for (const auto& [k, v] : s.items()) {
      if (k != "Sid" && k != "Effect" && k != "Principal" && k != "Action" && k != "Resource" &&
          k != "Condition") {
        return bad("unsupported statement member " + k);
      }
    }
    Statement st;
    const std::string effect = s.value("Effect", "");
    if (effect != "Allow" && effect != "Deny") {
      return bad("Effect must be Allow or Deny");
    }
    st.allow = effect == "Allow";
    const json principal = s.value("Principal", json());
    if (principal.is_string() && principal.get<std::string>() == "*") {
      st.any_principal = true;
    } else if (principal.is_object() && principal.size() == 1 && principal.contains("AWS")) {
      NA_ASSIGN_OR_RETURN(st.principals, StringOrList(principal["AWS"], "Principal.AWS"));
      st.any_principal = std::find(st.principals.begin(), st.principals.end(), "*") !=
                         st.principals.end();
    } else {
      return bad("Principal must be \"*\" or {\"AWS\": ...}");
    }
    if (!s.contains("Action")) {
      return bad("Action missing");
    }
    NA_ASSIGN_OR_RETURN(st.actions, StringOrList(s["Action"], "Action"));
    if (s.contains("Resource")) {
      NA_ASSIGN_OR_RETURN(const std::vector<std::string> resources,
                          StringOrList(s["Resource"], "Resource"));
      if (resources != std::vector<std::string>{"*"}) {
        return bad("Resource must be \"*\" in a key policy");
      }
    }
    if (s.contains("Condition")) {
      if (!s["Condition"].is_object()) {
        return bad("Condition is not an object");
      }
      for (const auto& [op, keys] : s["Condition"].items()) {
        if ((op != "StringEqualsIgnoreCase" && op != "StringEquals") || !keys.is_object()) {
          return bad("unsupported condition operator " + op);
        }
        for (const auto& [key, values] : keys.items()) {
          if (!IsRecipientKey(key)) {
            return bad("unsupported condition key " + key);
          }
          Condition c;
          c.ignore_case = op == "StringEqualsIgnoreCase";
          c.key = key;
          NA_ASSIGN_OR_RETURN(c.values, StringOrList(values, key));
          st.conditions.push_back(std::move(c));
        }
      }
    }
    out.push_back(std::move(st));
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool ActionMatches(std::string_view pattern, std::string_view action) {
  if (!pattern.empty() && pattern.back() == '*') {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);
    return action.size() >= prefix.size() && EqualsIgnoreCase(action.substr(0, prefix.size()), prefix);
  }
  return EqualsIgnoreCase(pattern, action);
}

// Allowed: an explicit Deny wins, then any Allow; nothing applies means denied. A condition
// on a key the request lacks (no attestation document) is not met.
bool Allowed(const std::vector<Statement>& policy, const std::string& principal,
             const std::string& action, const std::map<std::string, std::string>& context) {
  bool allowed = false;
  for (const Statement& st : policy) {
    if (!st.any_principal &&
        std::find(st.principals.begin(), st.principals.end(), principal) == st.principals.end()) {
      continue;
    }
    if (std::none_of(st.actions.begin(), st.actions.end(),
                     [&](const std::string& a) { return ActionMatches(a, action); })) {
      continue;
    }
    const bool met = std::all_of(st.conditions.begin(), st.conditions.end(), [&](const Condition& c) {
      const auto it = context.find(c.key);
      return it != context.end() &&
             std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) {
               return c.ignore_case ? EqualsIgnoreCase(v, it->second) : v == it->second;
             });
    });
    if (!met) {
      continue;
    }
    if (!st.allow) {
      return false;
    }
    allowed = true;
  }
  return allowed;
}

// ---- Keys and the CiphertextBlob -------------------------------------------------------------

struct KeyEntry {
  KmsEmulatorConfig::Key config;
  std::string arn;
  std::vector<Statement> policy;
  SecretBytes material;   // symmetric: 32 bytes
  ossl::EvpPkeyPtr ecc;   // ECC_NIST_P256 / P384
};

Result<SecretBytes> DeriveMaterial(const std::string& seed, const std::string& key_id) {
  std::array<uint8_t, 32> out{};
  if (seed.empty()) {
    if (RAND_bytes(out.data(), 32) != 1) {
      return ossl::OsslError(ErrorCode::kCryptoError, "random key material");
    }
  } else {
    ossl::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    ossl::EvpKdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    std::string info = "nitro-attest kms-emulator key " + key_id;
    std::string digest = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(seed.data()),
                                          seed.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
      return ossl::OsslError(ErrorCode::kCryptoError, "HKDF");
    }
  }
  SecretBytes s(out.begin(), out.end());
  OPENSSL_cleanse(out.data(), out.size());
  return s;
}

Bytes ContextAad(std::string_view key_id, const std::map<std::string, std::string>& context) {
  Bytes aad(kBlobMagic.begin(), kBlobMagic.end());
  const auto put = [&aad](std::string_view s) {
    const auto n = static_cast<uint32_t>(s.size());
    aad.insert(aad.end(), {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                           static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    aad.insert(aad.end(), s.begin(), s.end());
  };
  put(key_id);
  for (const auto& [k, v] : context) {  // std::map: sorted, so the order never matters
    put(k);
    put(v);
  }
  return aad;
}

// SealBlob: magic | u8 key id length | key id | 12-byte nonce | AES-256-GCM ciphertext | tag,
// with the key id and the encryption context authenticated.
Result<Bytes> SealBlob(const KeyEntry& key, std::span<const uint8_t> plaintext,
                       const std::map<std::string, std::string>& context) {
  const std::string& id = key.config.key_id;
  Bytes out(kBlobMagic.begin(), kBlobMagic.end());
  out.push_back(static_cast<uint8_t>(id.size()));
  out.insert(out.end(), id.begin(), id.end());
  std::array<uint8_t, 12> nonce{};
  RAND_bytes(nonce.data(), 12);
  out.insert(out.end(), nonce.begin(), nonce.end());
  const Bytes aad = ContextAad(id, context);
  ossl::EvpCipherCtxPtr c(EVP_CIPHER_CTX_new());
  Bytes ct(plaintext.size() + 16);
  int n = 0, f = 0;
  if (c == nullptr ||
      EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, key.material.data(),
                         nonce.data()) != 1 ||
      EVP_EncryptUpdate(c.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(c.get(), ct.data(), &n, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.get(), ct.data() + n, &f) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, 16, ct.data() + n + f) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "AES-256-GCM");
  }
  ct.resize(static_cast<size_t>(n + f) + 16);
  out.insert(out.end(), ct.begin(), ct.end());
  return out;
}

// BlobKeyId returns the key id a CiphertextBlob names, or nullopt when it is not ours.
std::optional<std::string> BlobKeyId(std::span<const uint8_t> blob) {
  if (blob.size() < kBlobMagic.size() + 1 ||
      !std::equal(kBlobMagic.begin(), kBlobMagic.end(), blob.begin())) {
    return std::nullopt;
  }
  const size_t len = blob[kBlobMagic.size()];
  if (blob.size() < kBlobMagic.size() + 1 + len + 12 + 16) {
    return std::nullopt;
  }
  return std::string(blob.begin() + static_cast<ptrdiff_t>(kBlobMagic.size() + 1),
                     blob.begin() + static_cast<ptrdiff_t>(kBlobMagic.size() + 1 + len));
}

std::optional<SecretBytes> OpenBlob(const KeyEntry& key, std::span<const uint8_t> blob,
                                    const std::map<std::string, std::string>& context) {
  const size_t at = kBlobMagic.size() + 1 + key.config.key_id.size();
  const std::span<const uint8_t> nonce = blob.subspan(at, 12);
  const std::span<const uint8_t> body = blob.subspan(at + 12, blob.size() - at - 12 - 16);
  Bytes tag(blob.end() - 16, blob.end());
  const Bytes aad = ContextAad(key.config.key_id, context);
  ossl::EvpCipherCtxPtr c(EVP_CIPHER_CTX_new());
  Bytes plain(body.size() + 16);
  int n = 0, f = 0;
  if (c == nullptr ||
      EVP_DecryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, key.material.data(),
                         nonce.data()) != 1 ||
      EVP_DecryptUpdate(c.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(c.get(), plain.data(), &n, body.data(), static_cast<int>(body.size())) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(c.get(), plain.data() + n, &f) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    ossl::DrainErrors();
    return std::nullopt;
  }
  plain.resize(static_cast<size_t>(n + f));
  return TakeSecret(plain);
}

Result<ossl::EvpPkeyPtr> GenerateEc(const char* curve) {
  ossl::EvpPkeyPtr key(EVP_EC_gen(curve));
  if (key == nullptr) {
    return ossl::OsslError(ErrorCode::kCryptoError, "EC key generation");
  }
  return key;
}

Result<Bytes> Spki(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "SPKI");
  }
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<std::map<std::string, KeyEntry>> MakeKeys(const KmsEmulatorConfig& config) {
  std::map<std::string, KeyEntry> keys;
  for (const KmsEmulatorConfig::Key& k : config.keys) {
    if (k.key_id.empty() || k.key_id.size() > 200 || keys.count(k.key_id) != 0) {
      return MakeError(ErrorCode::kInvalidArgument, "key ids must be 1..200 bytes and unique");
    }
    KeyEntry e;
    e.config = k;
    e.arn = "arn:aws:kms:" + config.region + ":" + std::string(kAccount) + ":key/" + k.key_id;
    NA_ASSIGN_OR_RETURN(e.policy, ParsePolicy(k.policy_json));
    if (k.key_spec == "SYMMETRIC_DEFAULT") {
      NA_ASSIGN_OR_RETURN(e.material, DeriveMaterial(config.seed, k.key_id));
    } else if (k.key_spec == "ECC_NIST_P256" || k.key_spec == "ECC_NIST_P384") {
      NA_ASSIGN_OR_RETURN(e.ecc, GenerateEc(k.key_spec == "ECC_NIST_P256" ? "P-256" : "P-384"));
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "unsupported KeySpec " + k.key_spec);
    }
    keys.emplace(k.key_id, std::move(e));
  }
  return keys;
}

// ---- The TLS certificate ---------------------------------------------------------------------

struct TlsIdentity {
  std::string ca_pem, cert_pem, key_pem;
};

std::string PemOf(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<Bytes> SubjectAltNames(const std::vector<std::string>& names) {
  GENERAL_NAMES* gens = sk_GENERAL_NAME_new_null();
  for (const std::string& n : names) {
    GENERAL_NAME* gen = GENERAL_NAME_new();
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    ASN1_STRING_set(ia5, n.data(), static_cast<int>(n.size()));
    GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);  // gen owns ia5 from here
    sk_GENERAL_NAME_push(gens, gen);              // gens owns gen from here
  }
  unsigned char* der = nullptr;
  const int len = i2d_GENERAL_NAMES(gens, &der);
  GENERAL_NAMES_free(gens);
  if (len <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "subjectAltName");
  }
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<TlsIdentity> MakeTlsIdentity(const std::vector<std::string>& names) {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  pki::CertSpec ca;
  ca.subject = {{"CN", "nitro-attest kms-emulator test CA (INSECURE)"}};
  ca.key_type = pki::KeyType::kP256;
  ca.digest = pki::Digest::kSha256;
  ca.not_before = now - std::chrono::hours(1);
  ca.not_after = now + std::chrono::hours(24 * 30);
  ca.basic_constraints = pki::BasicConstraints{true, true, std::nullopt};
  ca.key_usage = pki::KeyUsage{true, pki::kKeyCertSign | pki::kCrlSign};
  NA_ASSIGN_OR_RETURN(pki::Issued root, pki::Issue(ca));
  pki::CertSpec leaf;
  leaf.subject = {{"CN", names.front()}};
  leaf.key_type = pki::KeyType::kP256;
  leaf.digest = pki::Digest::kSha256;
  leaf.not_before = ca.not_before;
  leaf.not_after = ca.not_after;
  leaf.basic_constraints = pki::BasicConstraints{true, false, std::nullopt};
  leaf.key_usage = pki::KeyUsage{true, pki::kDigitalSignature};
  NA_ASSIGN_OR_RETURN(Bytes san, SubjectAltNames(names));
  leaf.extra_extension = pki::Extension{"2.5.29.17", false, san};
  NA_ASSIGN_OR_RETURN(pki::Issued cert, pki::Issue(leaf, root.der, root.key.get()));
  TlsIdentity id;
  id.ca_pem = PemOf(root.der);
  id.cert_pem = PemOf(cert.der);
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), cert.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  id.key_pem.assign(data, static_cast<size_t>(n));
  return id;
}

// ---- Requests ----------------------------------------------------------------------------------

// Reply is one answer: HTTP status and JSON body.
struct Reply {
  int status = 200;
  json body = json::object();
};

Reply KmsError(int status, std::string_view type, const std::string& message) {
  return Reply{status, {{"__type", std::string(type)}, {"message", message}}};
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// RecipientCheck verifies a Recipient's document. It is the one place that calls Verify, so
// the verifier's policy options stay in one small function.
Result<VerifiedDocument> VerifyRecipientDocument(std::span<const uint8_t> document,
                                                 std::span<const uint8_t> root_der,
                                                 std::chrono::milliseconds max_age) {
  VerifyOptions options;
  options.roots = {Bytes(root_der.begin(), root_der.end())};
  options.max_age = max_age;
  // KMS accepts any image, debug mode included, at this stage: the key policy decides.
  options.allow_any_image = true;
  options.allow_debug = true;
  return Verify(document, options);
}

}  // namespace

struct KmsEmulator::State {
  KmsEmulatorOptions options;
  std::map<std::string, KeyEntry> keys;
  TlsIdentity tls;
  http::SslCtxPtr ctx;
  std::unique_ptr<Server> server;
  std::atomic<uint64_t> requests{0};

  const KmsEmulatorConfig::Credential* FindCredential(const std::string& id) const {
    for (const auto& c : options.config.credentials) {
      if (c.credentials.access_key_id == id) {
        return &c;
      }
    }
    return nullptr;
  }
  const KeyEntry* FindKey(const std::string& id) const {
    for (const auto& [k, e] : keys) {
      if (k == id || e.arn == id) {
        return &e;
      }
    }
    return nullptr;
  }

  Status Serve(Connection& conn);
  Reply Handle(const http::Message& request);
  Reply Authenticate(const http::Message& request, const KmsEmulatorConfig::Credential** who);
  Reply Dispatch(const std::string& op, json& body, const KmsEmulatorConfig::Credential& who);
};

namespace {

// RecipientInfo is a verified Recipient: its key and the condition keys its document yields.
struct RecipientInfo {
  bool present = false;
  Bytes public_key;
  std::map<std::string, std::string> context;
};

Result<RecipientInfo> ReadRecipient(const json& body, const KmsEmulatorOptions& options,
                                    Reply* error) {
  RecipientInfo out;
  const auto it = body.find("Recipient");
  if (it == body.end() || it->is_null()) {
    return out;
  }
  const auto invalid = [error](const std::string& message) {
    *error = KmsError(400, "ValidationException", message);
    return MakeError(ErrorCode::kInvalidArgument, message);
  };
  if (!it->is_object() || it->value("KeyEncryptionAlgorithm", "") != kms::kRsaesOaepSha256 ||
      !(*it)["AttestationDocument"].is_string()) {
    return invalid("Recipient must have KeyEncryptionAlgorithm RSAES_OAEP_SHA_256 and an "
                   "AttestationDocument");
  }
  Result<Bytes> doc = Base64Decode((*it)["AttestationDocument"].get<std::string>());
  if (!doc || doc->empty() || doc->size() > 262144) {
    return invalid("AttestationDocument is not base64 of 1..262144 bytes");
  }
  Result<VerifiedDocument> verified =
      VerifyRecipientDocument(*doc, options.attestation_root_der, options.max_document_age);
  if (!verified) {
    return invalid("The attestation document is not valid: " +
                   std::string(to_string(verified.error().code)));
  }
  const AttestationDocument& d = verified->document();
  if (!d.public_key || d.public_key->empty()) {
    return invalid("The attestation document carries no public key");
  }
  out.present = true;
  out.public_key = *d.public_key;
  for (const auto& [index, value] : d.pcrs) {
    out.context["kms:RecipientAttestation:PCR" + std::to_string(index)] = HexEncode(value);
  }
  if (d.pcrs.count(0) != 0) {
    out.context["kms:RecipientAttestation:ImageSha384"] = HexEncode(d.pcrs.at(0));
  }
  return out;
}

Result<std::map<std::string, std::string>> ReadContext(const json& body) {
  std::map<std::string, std::string> out;
  const auto it = body.find("EncryptionContext");
  if (it == body.end() || it->is_null()) {
    return out;
  }
  if (!it->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "EncryptionContext is not an object");
  }
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, "EncryptionContext values must be strings");
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace

Reply KmsEmulator::State::Authenticate(const http::Message& request,
                                       const KmsEmulatorConfig::Credential** who) {
  const std::string* authorization = request.Find("authorization");
  if (authorization == nullptr) {
    return KmsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  Result<sigv4::Authorization> auth = sigv4::ParseAuthorization(*authorization);
  const std::string* amz_date = request.Find("x-amz-date");
  if (!auth || amz_date == nullptr) {
    return KmsError(400, "IncompleteSignatureException",
                    "Authorization header or X-Amz-Date is malformed or missing");
  }
  const KmsEmulatorConfig::Credential* cred = FindCredential(auth->access_key_id);
  if (cred == nullptr) {
    return KmsError(400, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
  }
  Result<std::chrono::system_clock::time_point> when = sigv4::ParseAmzDate(*amz_date);
  if (!when) {
    return KmsError(400, "IncompleteSignatureException", "X-Amz-Date is not YYYYMMDDTHHMMSSZ");
  }
  const auto now = std::chrono::system_clock::now();
  if (*when > now + kMaxClockSkew || *when < now - kMaxClockSkew) {
    return KmsError(400, "InvalidSignatureException",
                    "Signature expired: " + *amz_date + " is not within 15 minutes of now");
  }
  if (auth->scope.date != amz_date->substr(0, 8) || auth->scope.region != options.config.region ||
      auth->scope.service != "kms") {
    return KmsError(400, "InvalidSignatureException",
                    "Credential should be scoped to a valid date, region " +
                        options.config.region + " and service kms");
  }
  const std::string* token = request.Find("x-amz-security-token");
  const std::string& expected_token = cred->credentials.session_token;
  const bool token_signed = std::find(auth->signed_headers.begin(), auth->signed_headers.end(),
                                      "x-amz-security-token") != auth->signed_headers.end();
  if (!expected_token.empty() &&
      (token == nullptr || !token_signed ||
       !ConstantTimeEqual(AsBytes(*token), AsBytes(expected_token)))) {
    return KmsError(400, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
  }
  if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), "host") ==
      auth->signed_headers.end()) {
    return KmsError(400, "IncompleteSignatureException", "the Host header must be signed");
  }
  const size_t q = request.target.find('?');
  sigv4::Request r{request.method, request.target.substr(0, q),
                   q == std::string::npos ? "" : request.target.substr(q + 1), request.headers,
                   request.body};
  Result<std::string> expected =
      sigv4::Expected(r, *auth, cred->credentials.secret_access_key, *amz_date, true);
  if (!expected || !ConstantTimeEqual(AsBytes(*expected), AsBytes(auth->signature))) {
    return KmsError(400, "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you "
                    "provided.");
  }
  *who = cred;
  return Reply{0, {}};
}

Reply KmsEmulator::State::Handle(const http::Message& request) {
  if (options.fault == KmsEmulatorFault::kHttp500) {
    return KmsError(500, "KMSInternalException", "test service fault: internal error");
  }
  if (request.method != "POST" || request.target != "/") {
    return KmsError(404, "UnknownOperationException", "POST / only");
  }
  const KmsEmulatorConfig::Credential* who = nullptr;
  Reply auth = Authenticate(request, &who);
  if (who == nullptr) {
    return auth;
  }
  const std::string* target = request.Find("x-amz-target");
  constexpr std::string_view kPrefix = "TrentService.";
  if (target == nullptr || target->substr(0, kPrefix.size()) != kPrefix) {
    return KmsError(400, "UnknownOperationException", "X-Amz-Target must be TrentService.<Op>");
  }
  std::optional<json> body = kms::ParseJsonObject(request.body);
  if (!body) {
    return KmsError(400, "SerializationException", "the body is not a JSON object");
  }
  return Dispatch(target->substr(kPrefix.size()), *body, *who);
}

Reply KmsEmulator::State::Dispatch(const std::string& op, json& body,
                                   const KmsEmulatorConfig::Credential& who) {
  const auto validation = [](const std::string& m) { return KmsError(400, "ValidationException", m); };
  const bool takes_recipient = op == "Decrypt" || op == "GenerateDataKey" ||
                               op == "GenerateRandom" || op == "GenerateDataKeyPair" ||
                               op == "DeriveSharedSecret";
  if (!takes_recipient && op != "Encrypt") {
    return KmsError(400, "UnknownOperationException", "unsupported operation " + op);
  }
  Reply error;
  Result<RecipientInfo> recipient = RecipientInfo{};
  if (takes_recipient) {
    recipient = ReadRecipient(body, options, &error);
    if (!recipient) {
      return error;
    }
  }
  Result<std::map<std::string, std::string>> context = ReadContext(body);
  if (!context) {
    return validation(context.error().detail);
  }

  // Which key: named by KeyId, or for Decrypt by the CiphertextBlob.
  Bytes blob;
  const KeyEntry* key = nullptr;
  const std::string key_id = body.value("KeyId", "");
  if (op == "Decrypt") {
    Result<Bytes> b = Base64Decode(body.value("CiphertextBlob", ""));
    std::optional<std::string> blob_key = b ? BlobKeyId(*b) : std::nullopt;
    key = blob_key ? FindKey(*blob_key) : nullptr;
    if (key == nullptr || key->material.empty()) {
      return KmsError(400, "InvalidCiphertextException", "");
    }
    if (!key_id.empty() && FindKey(key_id) != key) {
      return KmsError(400, "IncorrectKeyException",
                      "The key ID in the request does not identify the key that encrypted the "
                      "ciphertext.");
    }
    const std::string alg = body.value("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    if (alg != "SYMMETRIC_DEFAULT") {
      return KmsError(400, "InvalidCiphertextException",
                      "EncryptionAlgorithm " + alg + " does not match the key");
    }
    blob = std::move(*b);
  } else if (op != "GenerateRandom") {
    key = FindKey(key_id);
    if (key == nullptr) {
      return KmsError(400, "NotFoundException", "Key '" + key_id + "' does not exist");
    }
  }
  if (key != nullptr && !Allowed(key->policy, who.arn, "kms:" + op, recipient->context)) {
    return KmsError(400, "AccessDeniedException",
                    "User: " + who.arn + " is not authorized to perform: kms:" + op +
                        " on resource: " + key->arn +
                        " because no resource-based policy allows the kms:" + op + " action");
  }

  Reply reply;
  SecretBytes secret;              // what goes to the recipient (or in the clear without one)
  std::string plaintext_field = "Plaintext";
  if (key != nullptr) {
    reply.body["KeyId"] = key->arn;
  }
  if (op == "Encrypt" || op == "GenerateDataKey" || op == "GenerateDataKeyPair") {
    if (key->material.empty()) {
      return validation("the key is not a symmetric encryption key");
    }
  }
  if (op == "Encrypt") {
    Result<Bytes> plain = Base64Decode(body.value("Plaintext", ""));
    if (!plain || plain->empty() || plain->size() > 4096) {
      return validation("Plaintext must be base64 of 1..4096 bytes");
    }
    const SecretBytes p = TakeSecret(*plain);
    Result<Bytes> sealed = SealBlob(*key, p, *context);
    if (!sealed) {
      return KmsError(500, "KMSInternalException", "encryption failed");
    }
    reply.body["CiphertextBlob"] = Base64Encode(*sealed);
    reply.body["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
    return reply;
  }
  if (op == "Decrypt") {
    std::optional<SecretBytes> plain = OpenBlob(*key, blob, *context);
    if (!plain) {
      return KmsError(400, "InvalidCiphertextException", "");
    }
    secret = std::move(*plain);
    reply.body["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
  } else if (op == "GenerateRandom" || op == "GenerateDataKey") {
    size_t n = 0;
    if (op == "GenerateDataKey" && body.contains("KeySpec") == body.contains("NumberOfBytes")) {
      return validation("exactly one of KeySpec and NumberOfBytes is required");
    }
    if (body.contains("NumberOfBytes")) {
      const json& nb = body["NumberOfBytes"];
      if (!nb.is_number_unsigned() || nb.get<uint64_t>() < 1 || nb.get<uint64_t>() > 1024) {
        return validation("NumberOfBytes must be 1..1024");
      }
      n = nb.get<size_t>();
    } else {
      const std::string spec = body.value("KeySpec", "");
      if (spec != "AES_256" && spec != "AES_128") {
        return validation("KeySpec must be AES_256 or AES_128");
      }
      n = spec == "AES_256" ? 32 : 16;
    }
    Bytes r(n);
    RAND_bytes(r.data(), static_cast<int>(n));
    secret = TakeSecret(r);
    if (op == "GenerateDataKey") {
      Result<Bytes> sealed = SealBlob(*key, secret, *context);
      if (!sealed) {
        return KmsError(500, "KMSInternalException", "encryption failed");
      }
      reply.body["CiphertextBlob"] = Base64Encode(*sealed);
    }
  } else if (op == "GenerateDataKeyPair") {
    const std::string spec = body.value("KeyPairSpec", "");
    ossl::EvpPkeyPtr pair;
    if (spec == "RSA_2048" || spec == "RSA_3072" || spec == "RSA_4096") {
      pair.reset(EVP_RSA_gen(spec == "RSA_2048" ? 2048u : spec == "RSA_3072" ? 3072u : 4096u));
    } else if (spec == "ECC_NIST_P256" || spec == "ECC_NIST_P384" || spec == "ECC_NIST_P521") {
      pair.reset(EVP_EC_gen(spec == "ECC_NIST_P256" ? "P-256" : spec == "ECC_NIST_P384" ? "P-384" : "P-521"));
    } else {
      return validation("unsupported KeyPairSpec " + spec);
    }
    Result<Bytes> pub = pair ? Spki(pair.get()) : Result<Bytes>(MakeError(ErrorCode::kCryptoError, ""));
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!pub || i2d_PKCS8PrivateKey_bio(bio.get(), pair.get(), nullptr, nullptr, 0, nullptr,
                                        nullptr) != 1) {
      return KmsError(500, "KMSInternalException", "key pair generation failed");
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    secret = SecretBytes(data, data + len);
    OPENSSL_cleanse(data, static_cast<size_t>(len));
    Result<Bytes> sealed = SealBlob(*key, secret, *context);
    if (!sealed) {
      return KmsError(500, "KMSInternalException", "encryption failed");
    }
    reply.body["PrivateKeyCiphertextBlob"] = Base64Encode(*sealed);
    reply.body["PublicKey"] = Base64Encode(*pub);
    reply.body["KeyPairSpec"] = spec;
    plaintext_field = "PrivateKeyPlaintext";
  } else if (op == "DeriveSharedSecret") {
    if (key->ecc == nullptr) {
      return KmsError(400, "InvalidKeyUsageException", "the key is not a key agreement key");
    }
    if (body.value("KeyAgreementAlgorithm", "") != "ECDH") {
      return validation("KeyAgreementAlgorithm must be ECDH");
    }
    Result<Bytes> peer_der = Base64Decode(body.value("PublicKey", ""));
    const unsigned char* p = peer_der ? peer_der->data() : nullptr;
    ossl::EvpPkeyPtr peer(peer_der ? d2i_PUBKEY(nullptr, &p, static_cast<long>(peer_der->size()))
                                   : nullptr);
    ossl::EvpPkeyCtxPtr dctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key->ecc.get(), nullptr));
    size_t len = 0;
    if (peer == nullptr || dctx == nullptr || EVP_PKEY_derive_init(dctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(dctx.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(dctx.get(), nullptr, &len) != 1) {
      ossl::DrainErrors();
      return validation("PublicKey is not a public key on the KMS key's curve");
    }
    Bytes shared(len);
    if (EVP_PKEY_derive(dctx.get(), shared.data(), &len) != 1) {
      return KmsError(500, "KMSInternalException", "derivation failed");
    }
    secret = TakeSecret(shared);
    reply.body["KeyAgreementAlgorithm"] = "ECDH";
    reply.body["KeyOrigin"] = "AWS_KMS";
    plaintext_field = "SharedSecret";
  }

  if (!recipient->present) {
    reply.body[plaintext_field] = Base64Encode(secret);
    return reply;
  }
  // As KMS: the secret only for the attested key, the plaintext field absent.
  cms::BuildOptions build;
  Bytes to = recipient->public_key;
  if (options.fault == KmsEmulatorFault::kOtherRecipient) {
    if (Result<cms::RecipientKey> other = cms::GenerateRecipientKey()) {
      to = other->spki_der;
    }
  }
  build.aes128 = options.fault == KmsEmulatorFault::kAes128Cms;
  Result<Bytes> cfr = cms::Build(secret, to, build);
  if (!cfr) {
    return validation("the attested public key is not an RSA key");
  }
  if (options.fault == KmsEmulatorFault::kTruncatedCms) {
    cfr->resize(cfr->size() / 2);
  }
  if (options.fault != KmsEmulatorFault::kNoRecipientCms) {
    reply.body["CiphertextForRecipient"] = Base64Encode(*cfr);
  }
  if (options.fault == KmsEmulatorFault::kPlaintextToo) {
    reply.body[plaintext_field] = Base64Encode(secret);
  }
  return reply;
}

Status KmsEmulator::State::Serve(Connection& conn) {
  const auto deadline =
      ChannelAccess::Deadline(conn).value_or(Clock::now() + std::chrono::seconds(30));
  NA_ASSIGN_OR_RETURN(std::unique_ptr<http::TlsStream> stream,
                      http::TlsStream::Accept(ctx.get(), conn, deadline));
  while (true) {
    Result<http::Message> request =
        stream->ReadMessage(http::Kind::kRequest, http::Limits{16 * 1024, 64, 512 * 1024}, deadline);
    if (!request) {
      return {};  // the client closed, or sent what is not HTTP: nothing more to say
    }
    ++requests;
    if (options.fault == KmsEmulatorFault::kSilent) {
      while (Clock::now() < deadline && stream->ReadSome(std::span<uint8_t>(), deadline)) {
      }
      return {};
    }
    if (options.fault == KmsEmulatorFault::kNotHttp) {
      const std::string junk = "this is not HTTP\r\n\r\n";
      return stream->WriteAll(AsBytes(junk), deadline);
    }
    Reply reply = Handle(*request);
    OPENSSL_cleanse(request->body.data(), request->body.size());
    http::Message response;
    response.status = reply.status;
    std::string text = reply.body.dump();
    response.headers = {{"x-amzn-RequestId", "00000000-0000-0000-0000-" +
                                                 std::to_string(100000000000 + requests.load())},
                        {"Content-Type", std::string(kms::kAmzJson)}};
    response.body.assign(text.begin(), text.end());
    Wipe(text);
    Bytes wire = http::Serialize(response, http::Kind::kResponse);
    OPENSSL_cleanse(response.body.data(), response.body.size());
    const Status sent = stream->WriteAll(wire, deadline);
    OPENSSL_cleanse(wire.data(), wire.size());
    NA_TRY(sent);
  }
}

KmsEmulator::KmsEmulator(std::unique_ptr<State> state) : state_(std::move(state)) {}

KmsEmulator::~KmsEmulator() {
  if (state_->server) {
    state_->server->Shutdown();
  }
}

Result<std::unique_ptr<KmsEmulator>> KmsEmulator::Start(KmsEmulatorOptions options) {
  if (options.attestation_root_der.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the attestation root is required");
  }
  if (options.config.credentials.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "at least one credential is required");
  }
  NA_ASSIGN_OR_RETURN(const std::string host, KmsEndpointHost(options.config.region));
  auto state = std::make_unique<State>();
  NA_ASSIGN_OR_RETURN(state->keys, MakeKeys(options.config));
  if (options.tls_names.empty()) {
    options.tls_names = {host, "localhost"};
  }
  NA_ASSIGN_OR_RETURN(state->tls, MakeTlsIdentity(options.tls_names));
  NA_ASSIGN_OR_RETURN(state->ctx, http::ServerContext(state->tls.cert_pem, state->tls.key_pem));
  Wipe(state->tls.key_pem);
  NA_ASSIGN_OR_RETURN(Listener listener, Listener::Bind(options.listen));
  ServerOptions server_options;
  server_options.workers = std::max<size_t>(1, options.workers);
  server_options.connection_deadline = std::chrono::seconds(30);
  state->options = std::move(options);
  State* s = state.get();
  NA_ASSIGN_OR_RETURN(state->server,
                      Server::Start(std::move(listener), server_options,
                                    [s](Connection& conn) { return s->Serve(conn); }));
  return std::unique_ptr<KmsEmulator>(new KmsEmulator(std::move(state)));
}

const Address& KmsEmulator::address() const { return state_->server->address(); }
const std::string& KmsEmulator::CaPem() const { return state_->tls.ca_pem; }
uint64_t KmsEmulator::requests() const { return state_->requests.load(); }

Result<Bytes> KmsEmulator::Encrypt(const std::string& key_id, std::span<const uint8_t> plaintext,
                                   const std::map<std::string, std::string>& context) const {
  const KeyEntry* key = state_->FindKey(key_id);
  if (key == nullptr || key->material.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no symmetric key " + key_id);
  }
  return SealBlob(*key, plaintext, context);
}

Result<Bytes> KmsEmulator::PublicKey(const std::string& key_id) const {
  const KeyEntry* key = state_->FindKey(key_id);
  if (key == nullptr || key->ecc == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "no ECC key " + key_id);
  }
  return Spki(key->ecc.get());
}

Result<Bytes> EncryptOffline(const KmsEmulatorConfig& config, const std::string& key_id,
                             std::span<const uint8_t> plaintext,
                             const std::map<std::string, std::string>& context) {
  if (config.seed.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "offline encryption needs a Seed");
  }
  NA_ASSIGN_OR_RETURN(const auto keys, MakeKeys(config));
  const auto it = keys.find(key_id);
  if (it == keys.end() || it->second.material.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no symmetric key " + key_id);
  }
  return SealBlob(it->second, plaintext, context);
}

Result<KmsEmulatorConfig> ParseKmsEmulatorConfig(std::span<const uint8_t> bytes) {
  const auto bad = [](const std::string& what) {
    return MakeError(ErrorCode::kInvalidArgument, "kms-emulator config: " + what);
  };
  std::optional<json> j = kms::ParseJsonObject(bytes);
  if (!j) {
    return bad("not a JSON object");
  }
  KmsEmulatorConfig out;
  for (const auto& [k, v] : j->items()) {
    if (k != "Region" && k != "Seed" && k != "Credentials" && k != "Keys") {
      return bad("unknown member " + k);
    }
  }
  if (j->contains("Region")) {
    if (!(*j)["Region"].is_string()) {
      return bad("Region is not a string");
    }
    out.region = (*j)["Region"].get<std::string>();
  }
  if (j->contains("Seed")) {
    if (!(*j)["Seed"].is_string()) {
      return bad("Seed is not a string");
    }
    out.seed = (*j)["Seed"].get<std::string>();
  }
  const json creds = j->value("Credentials", json::array());
  if (!creds.is_array()) {
    return bad("Credentials is not a list");
  }
  for (const json& c : creds) {
    const std::string text = c.dump();
    NA_ASSIGN_OR_RETURN(AwsCredentials parsed, ParseCredentialsJson(AsBytes(text)));
    KmsEmulatorConfig::Credential cred;
    cred.credentials = std::move(parsed);
    if (c.contains("Arn")) {
      if (!c["Arn"].is_string()) {
        return bad("Arn is not a string");
      }
      cred.arn = c["Arn"].get<std::string>();
    }
    out.credentials.push_back(std::move(cred));
  }
  const json keys = j->value("Keys", json::array());
  if (!keys.is_array()) {
    return bad("Keys is not a list");
  }
  for (const json& k : keys) {
    if (!k.is_object() || !k.contains("KeyId") || !k["KeyId"].is_string() ||
        !k.contains("Policy") || !k["Policy"].is_object()) {
      return bad("each key needs a KeyId string and a Policy object");
    }
    KmsEmulatorConfig::Key key;
    key.key_id = k["KeyId"].get<std::string>();
    key.key_spec = k.value("KeySpec", "SYMMETRIC_DEFAULT");
    key.policy_json = k["Policy"].dump();
    NA_ASSIGN_OR_RETURN(const std::vector<Statement> checked, ParsePolicy(key.policy_json));
    (void)checked;  // parsed again when the service starts; refused here already
    out.keys.push_back(std::move(key));
  }
  return out;
}

}  // namespace nitro_attest
