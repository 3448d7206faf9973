// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/pki/pki.h"

#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <utility>

#include "nitro_attest/encoding.h"

namespace nitro_attest::pki {
namespace {

using ossl::OsslError;
using EcGroupPtr = std::unique_ptr<EC_GROUP, ossl::Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, ossl::Deleter<EC_POINT_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, ossl::Deleter<BN_CTX_free>>;
using SecretBignumPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BN_clear_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, ossl::Deleter<ASN1_OCTET_STRING_free>>;
using AuthorityKeyidPtr = std::unique_ptr<AUTHORITY_KEYID, ossl::Deleter<AUTHORITY_KEYID_free>>;

// The AWS Nitro Enclaves root G1's validity, used for a seeded root.
constexpr TimePoint kSeededRootNotBefore{std::chrono::seconds(1572269285)};  // 2019-10-28 13:28:05
constexpr TimePoint kSeededRootNotAfter{std::chrono::seconds(2519044085)};   // 2049-10-28 14:28:05

// Lifetimes of the real chain's levels (spec §3.6).
constexpr int kRootLifetimeYears = 30;
constexpr auto kRegionalLifetime = std::chrono::days(20);
constexpr auto kZonalLifetime = std::chrono::days(6);
constexpr auto kInstanceLifetime = std::chrono::days(1);
constexpr auto kLeafLifetime = std::chrono::hours(3);

// Names keep the real RDN order, but the AWS domain in every CN becomes "emulator.insecure"
// (the root: "aws.nitro-enclaves.emulator.insecure"). A CN holds at most 64 characters (RFC 5280
// ub-common-name), which rules out simply appending it to the real names.
constexpr std::string_view kInsecureSuffix = ".emulator.insecure";
constexpr size_t kMaxCommonNameSize = 64;

// FitCn returns `preferred`, or `fallback` when `preferred` is too long for a CN (a long
// module id, instance id or region); the document itself still carries the full module id.
std::string FitCn(std::string preferred, std::string fallback) {
  return preferred.size() <= kMaxCommonNameSize ? preferred : fallback;
}

TimePoint Seconds(TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); }

// ToTimeT converts without passing through system_clock's nanoseconds (which end in 2262).
std::time_t ToTimeT(TimePoint t) {
  return static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

// AddYears moves to the same UTC date and time `years` later, as the real root's validity does.
TimePoint AddYears(TimePoint t, int years) {
  const std::time_t tt = ToTimeT(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  tm.tm_year += years;
  return TimePoint(std::chrono::seconds(timegm(&tm)));
}

Result<ossl::EvpPkeyPtr> GenerateKey(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::kP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kP521:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyType::kRsa2048:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
  }
  if (key == nullptr) {
    return OsslError(ErrorCode::kCryptoError, "key generation failed");
  }
  return ossl::EvpPkeyPtr(key);
}

Result<std::array<uint8_t, 48>> Sha384(std::string_view a, std::string_view b) {
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::array<uint8_t, 48> out{};
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha384(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return OsslError(ErrorCode::kCryptoError, "SHA-384 failed");
  }
  return out;
}

// DeriveP384Key returns the P-384 key whose scalar is SHA-384(seed || label) mod n (1 if that is
// zero, which SHA-384 will not produce in practice). The public point is computed here because
// EVP_PKEY_fromdata does not derive it from the private scalar.
Result<ossl::EvpPkeyPtr> DeriveP384Key(std::string_view seed, std::string_view label) {
  NA_ASSIGN_OR_RETURN(const auto digest, Sha384(seed, label));
  EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_secp384r1));
  BnCtxPtr bn_ctx(BN_CTX_new());
  SecretBignumPtr h(BN_bin2bn(digest.data(), static_cast<int>(digest.size()), nullptr));
  SecretBignumPtr d(BN_secure_new());
  if (group == nullptr || bn_ctx == nullptr || h == nullptr || d == nullptr ||
      BN_nnmod(d.get(), h.get(), EC_GROUP_get0_order(group.get()), bn_ctx.get()) != 1 ||
      (BN_is_zero(d.get()) && BN_one(d.get()) != 1)) {
    return OsslError(ErrorCode::kCryptoError, "cannot derive the private scalar");
  }
  EcPointPtr pub(EC_POINT_new(group.get()));
  if (pub == nullptr ||
      EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot compute the public point");
  }
  std::array<uint8_t, 97> pub_oct{};  // 04 || x || y
  if (EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pub_oct.data(),
                         pub_oct.size(), bn_ctx.get()) != pub_oct.size()) {
    return OsslError(ErrorCode::kCryptoError, "cannot encode the public point");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_secp384r1, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_oct.data(),
                                       pub_oct.size()) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot build key parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot build the derived key");
  }
  return ossl::EvpPkeyPtr(key);
}

// LevelKey returns a seeded key for `label`, or a random P-384 key without a seed.
Result<ossl::EvpPkeyPtr> LevelKey(const std::optional<std::string>& seed, std::string_view label) {
  if (seed) {
    return DeriveP384Key(*seed, label);
  }
  return GenerateKey(KeyType::kP384);
}

// HexId returns 2*n lowercase hex digits, seeded or random, for names like "<16hex>.zonal...".
Result<std::string> HexId(const std::optional<std::string>& seed, std::string_view label,
                          size_t n) {
  std::array<uint8_t, 48> bytes{};
  if (seed) {
    NA_ASSIGN_OR_RETURN(bytes, Sha384(*seed, std::string(label) + "/id"));
  } else if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return OsslError(ErrorCode::kCryptoError, "RAND_bytes failed");
  }
  return HexEncode(std::span<const uint8_t>(bytes).first(std::min(n, bytes.size())));
}

Result<X509_NAME*> AddNameEntries(X509_NAME* name, const Name& entries) {
  for (const NameEntry& e : entries) {
    if (X509_NAME_add_entry_by_txt(name, e.field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(e.value.data()),
                                   static_cast<int>(e.value.size()), -1, 0) != 1) {
      return OsslError(ErrorCode::kInvalidArgument, "bad name entry " + e.field);
    }
  }
  return name;
}

Status SetSerial(X509* x, const Bytes& serial) {
  Bytes bytes = serial;
  if (bytes.empty()) {
    bytes.resize(16);
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      return OsslError(ErrorCode::kCryptoError, "RAND_bytes failed");
    }
    // Positive and of full length, as RFC 5280 §4.1.2.2 serials should be.
    bytes[0] = static_cast<uint8_t>((bytes[0] & 0x7f) | 0x40);
  }
  ossl::BignumPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  ossl::Asn1IntegerPtr serial_int(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (serial_int == nullptr || X509_set_serialNumber(x, serial_int.get()) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot set the serial number");
  }
  return {};
}

Status SetTime(ASN1_TIME* field, TimePoint t) {
  // ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime after, as RFC 5280 requires.
  if (ASN1_TIME_set(field, ToTimeT(t)) == nullptr) {
    return OsslError(ErrorCode::kInvalidArgument, "time out of range");
  }
  return {};
}

Status AddBasicConstraints(X509* x, const BasicConstraints& spec) {
  ossl::BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
  if (bc == nullptr) {
    return OsslError(ErrorCode::kCryptoError, "BASIC_CONSTRAINTS_new failed");
  }
  bc->ca = spec.ca ? 0xff : 0;
  if (spec.path_len) {
    bc->pathlen = ASN1_INTEGER_new();  // owned by bc
    if (bc->pathlen == nullptr || ASN1_INTEGER_set(bc->pathlen, *spec.path_len) != 1) {
      return OsslError(ErrorCode::kCryptoError, "cannot set pathLenConstraint");
    }
  }
  if (X509_add1_ext_i2d(x, NID_basic_constraints, bc.get(), spec.critical ? 1 : 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot add basicConstraints");
  }
  return {};
}

Status AddKeyUsage(X509* x, const KeyUsage& spec) {
  ossl::Asn1BitStringPtr bits(ASN1_BIT_STRING_new());
  // Bit numbers from RFC 5280 §4.2.1.3.
  const std::pair<uint32_t, int> positions[] = {
      {kDigitalSignature, 0}, {kNonRepudiation, 1}, {kKeyCertSign, 5}, {kCrlSign, 6}};
  if (spec.bits == 0 ||
      (spec.bits & ~(kDigitalSignature | kNonRepudiation | kKeyCertSign | kCrlSign)) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "keyUsage needs known bits, at least one");
  }
  for (const auto& [flag, bit] : positions) {
    if ((spec.bits & flag) != 0 &&
        (bits == nullptr || ASN1_BIT_STRING_set_bit(bits.get(), bit, 1) != 1)) {
      return OsslError(ErrorCode::kCryptoError, "cannot set a keyUsage bit");
    }
  }
  if (X509_add1_ext_i2d(x, NID_key_usage, bits.get(), spec.critical ? 1 : 0, X509V3_ADD_DEFAULT) !=
      1) {
    return OsslError(ErrorCode::kCryptoError, "cannot add keyUsage");
  }
  return {};
}

// KeyId returns the RFC 5280 §4.2.1.2 method (1) key identifier: SHA-1 of the subjectPublicKey.
Result<Asn1OctetStringPtr> KeyId(const X509* cert) {
  std::array<unsigned char, 20> md{};
  unsigned int len = 0;
  Asn1OctetStringPtr out(ASN1_OCTET_STRING_new());
  if (out == nullptr || X509_pubkey_digest(cert, EVP_sha1(), md.data(), &len) != 1 ||
      ASN1_OCTET_STRING_set(out.get(), md.data(), static_cast<int>(len)) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot compute a key identifier");
  }
  return out;
}

Status AddAuthorityKeyId(X509* x, const X509* issuer) {
  AuthorityKeyidPtr akid(AUTHORITY_KEYID_new());
  if (akid == nullptr) {
    return OsslError(ErrorCode::kCryptoError, "AUTHORITY_KEYID_new failed");
  }
  // The issuer's own SKI when it has one, else computed from its key, as CAs do.
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(const_cast<X509*>(issuer));
      ski != nullptr) {
    akid->keyid = ASN1_OCTET_STRING_dup(ski);  // owned by akid
  } else {
    NA_ASSIGN_OR_RETURN(Asn1OctetStringPtr id, KeyId(issuer));
    akid->keyid = id.release();  // owned by akid
  }
  if (akid->keyid == nullptr ||
      X509_add1_ext_i2d(x, NID_authority_key_identifier, akid.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot add authorityKeyIdentifier");
  }
  return {};
}

Status AddExtension(X509* x, const Extension& spec) {
  Asn1ObjectPtr oid(OBJ_txt2obj(spec.oid.c_str(), 1));
  if (oid == nullptr) {
    return OsslError(ErrorCode::kInvalidArgument, "bad extension OID " + spec.oid);
  }
  Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (value == nullptr || ASN1_OCTET_STRING_set(value.get(), spec.value.data(),
                                                static_cast<int>(spec.value.size())) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot set extension value");
  }
  ossl::X509ExtensionPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), spec.critical ? 1 : 0, value.get()));
  if (ext == nullptr || X509_add_ext(x, ext.get(), -1) != 1) {  // X509_add_ext copies
    return OsslError(ErrorCode::kCryptoError, "cannot add extension " + spec.oid);
  }
  return {};
}

void AppendDerHeader(Bytes& out, uint8_t tag, size_t len) {
  out.push_back(tag);
  if (len < 0x80) {
    out.push_back(static_cast<uint8_t>(len));
    return;
  }
  uint8_t digits[sizeof(size_t)] = {};
  size_t n = 0;
  for (size_t v = len; v != 0; v >>= 8) {
    digits[n++] = static_cast<uint8_t>(v & 0xff);
  }
  out.push_back(static_cast<uint8_t>(0x80 | n));
  while (n > 0) {
    out.push_back(digits[--n]);
  }
}

// DeterministicEcdsaDer signs the TBS of `x` (already signed once by X509_sign, which set both
// algorithm fields) with k = SHA-384(d || SHA-384(tbs) || label) mod n and returns the
// certificate DER: SEQUENCE { tbs, signatureAlgorithm, BIT STRING ECDSA-Sig-Value }.
Result<Bytes> DeterministicEcdsaDer(X509* x, EVP_PKEY* key, const EVP_MD* md) {
  unsigned char* tbs_buf = nullptr;
  const int tbs_len = i2d_re_X509_tbs(x, &tbs_buf);
  if (tbs_len <= 0) {
    return OsslError(ErrorCode::kCryptoError, "cannot encode the TBS");
  }
  const Bytes tbs(tbs_buf, tbs_buf + tbs_len);
  OPENSSL_free(tbs_buf);

  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(tbs.data(), tbs.size(), digest.data(), &digest_len, md, nullptr) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot hash the TBS");
  }
  char group_name[64] = {};
  size_t group_len = 0;
  BIGNUM* d_raw = nullptr;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group_name,
                                     sizeof(group_name), &group_len) != 1 ||
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d_raw) != 1) {
    return OsslError(ErrorCode::kInvalidArgument, "deterministic signing needs an EC private key");
  }
  SecretBignumPtr d(d_raw);
  EcGroupPtr group(EC_GROUP_new_by_curve_name(OBJ_sn2nid(group_name)));
  BnCtxPtr ctx(BN_CTX_new());
  if (group == nullptr || ctx == nullptr) {
    return OsslError(ErrorCode::kCryptoError, "cannot load the curve");
  }
  const BIGNUM* n = EC_GROUP_get0_order(group.get());
  const int n_bits = BN_num_bits(n);

  // e: the leftmost n_bits of the digest (SEC 1 §4.1.3 step 5).
  ossl::BignumPtr e(BN_bin2bn(digest.data(), static_cast<int>(digest_len), nullptr));
  if (e == nullptr ||
      (static_cast<int>(digest_len) * 8 > n_bits &&
       BN_rshift(e.get(), e.get(), static_cast<int>(digest_len) * 8 - n_bits) != 1)) {
    return OsslError(ErrorCode::kCryptoError, "cannot reduce the digest");
  }
  // k: secret (d) and message dependent, so equal inputs sign equally and distinct ones never
  // share a nonce. Two hash blocks (768 bits) reduced mod n leave no usable bias up to P-521.
  const int d_len = BN_num_bytes(n);
  std::vector<uint8_t> material(static_cast<size_t>(d_len));
  if (BN_bn2binpad(d.get(), material.data(), d_len) != d_len) {
    return OsslError(ErrorCode::kCryptoError, "cannot serialise the key");
  }
  material.insert(material.end(), digest.begin(), digest.begin() + digest_len);
  const std::string_view secret(reinterpret_cast<const char*>(material.data()), material.size());
  auto k_lo = Sha384(secret, "nitro-attest deterministic ECDSA nonce 0");
  auto k_hi = Sha384(secret, "nitro-attest deterministic ECDSA nonce 1");
  OPENSSL_cleanse(material.data(), material.size());
  if (!k_lo || !k_hi) {
    return OsslError(ErrorCode::kCryptoError, "cannot derive the nonce");
  }
  std::array<uint8_t, 96> k_bytes{};
  std::copy(k_lo->begin(), k_lo->end(), k_bytes.begin());
  std::copy(k_hi->begin(), k_hi->end(), k_bytes.begin() + 48);
  SecretBignumPtr k(BN_bin2bn(k_bytes.data(), static_cast<int>(k_bytes.size()), nullptr));
  OPENSSL_cleanse(k_bytes.data(), k_bytes.size());
  OPENSSL_cleanse(k_lo->data(), k_lo->size());
  OPENSSL_cleanse(k_hi->data(), k_hi->size());
  ossl::BignumPtr r(BN_new());
  ossl::BignumPtr s(BN_new());
  SecretBignumPtr k_inv(BN_secure_new());
  ossl::BignumPtr t(BN_new());
  EcPointPtr point(EC_POINT_new(group.get()));
  if (k == nullptr || r == nullptr || s == nullptr || k_inv == nullptr || t == nullptr ||
      point == nullptr || BN_nnmod(k.get(), k.get(), n, ctx.get()) != 1 || BN_is_zero(k.get())) {
    return OsslError(ErrorCode::kCryptoError, "cannot derive the nonce");
  }
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  // r = x(kG) mod n; s = k^-1 (e + r d) mod n.
  if (EC_POINT_mul(group.get(), point.get(), k.get(), nullptr, nullptr, ctx.get()) != 1 ||
      EC_POINT_get_affine_coordinates(group.get(), point.get(), r.get(), nullptr, ctx.get()) != 1 ||
      BN_nnmod(r.get(), r.get(), n, ctx.get()) != 1 || BN_is_zero(r.get()) ||
      BN_mod_inverse(k_inv.get(), k.get(), n, ctx.get()) == nullptr ||
      BN_mod_mul(t.get(), r.get(), d.get(), n, ctx.get()) != 1 ||
      BN_mod_add(t.get(), t.get(), e.get(), n, ctx.get()) != 1 ||
      BN_mod_mul(s.get(), k_inv.get(), t.get(), n, ctx.get()) != 1 || BN_is_zero(s.get())) {
    return OsslError(ErrorCode::kCryptoError, "deterministic ECDSA failed");
  }
  ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (sig == nullptr || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return OsslError(ErrorCode::kCryptoError, "ECDSA_SIG_set0 failed");
  }
  r.release();  // owned by sig
  s.release();  // owned by sig
  unsigned char* sig_buf = nullptr;
  const int sig_len = i2d_ECDSA_SIG(sig.get(), &sig_buf);
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, x);
  unsigned char* alg_buf = nullptr;
  const int alg_len = i2d_X509_ALGOR(alg, &alg_buf);
  if (sig_len <= 0 || alg_len <= 0) {
    OPENSSL_free(sig_buf);
    OPENSSL_free(alg_buf);
    return OsslError(ErrorCode::kCryptoError, "cannot encode the signature");
  }
  Bytes body(tbs);
  body.insert(body.end(), alg_buf, alg_buf + alg_len);
  AppendDerHeader(body, 0x03, static_cast<size_t>(sig_len) + 1);
  body.push_back(0x00);  // no unused bits
  body.insert(body.end(), sig_buf, sig_buf + sig_len);
  OPENSSL_free(sig_buf);
  OPENSSL_free(alg_buf);
  Bytes der;
  AppendDerHeader(der, 0x30, body.size());
  der.insert(der.end(), body.begin(), body.end());
  return der;
}

Result<ossl::X509Ptr> ParseCert(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x == nullptr || p != der.data() + der.size()) {
    return OsslError(ErrorCode::kInvalidArgument, "issuer certificate is not DER X.509");
  }
  return x;
}

Result<Bytes> ToDer(X509* x) {
  const int len = i2d_X509(x, nullptr);
  if (len <= 0) {
    return OsslError(ErrorCode::kCryptoError, "cannot encode the certificate");
  }
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  if (i2d_X509(x, &p) != len) {
    return OsslError(ErrorCode::kCryptoError, "cannot encode the certificate");
  }
  return der;
}

Name AwsName(std::initializer_list<std::pair<const char*, std::string>> entries) {
  Name out;
  for (const auto& [field, value] : entries) {
    out.push_back(NameEntry{field, value});
  }
  return out;
}

KeyUsage CaKeyUsage() {
  return KeyUsage{.critical = true, .bits = kDigitalSignature | kKeyCertSign | kCrlSign};
}

CertSpec CaSpec(Name subject, TimePoint now, TimePoint not_after, std::optional<int> path_len) {
  CertSpec spec;
  spec.subject = std::move(subject);
  spec.not_before = now;
  spec.not_after = not_after;
  spec.basic_constraints = BasicConstraints{.critical = true, .ca = true, .path_len = path_len};
  spec.key_usage = CaKeyUsage();
  return spec;
}

Result<Issued> IssueLeafAt(const Bytes& instance_der, EVP_PKEY* instance_key,
                           const PkiOptions& options, TimePoint now, EVP_PKEY* key) {
  CertSpec spec;
  spec.subject = AwsName({{"C", "US"},
                          {"ST", "Washington"},
                          {"L", "Seattle"},
                          {"O", "Amazon"},
                          {"OU", "AWS"},
                          {"CN", FitCn(options.module_id + std::string(kInsecureSuffix),
                                       "enclave" + std::string(kInsecureSuffix))}});
  spec.subject_key = key;
  spec.not_before = now;
  spec.not_after = now + kLeafLifetime;
  spec.basic_constraints =
      BasicConstraints{.critical = true, .ca = false, .path_len = std::nullopt};
  // The real leaf's keyUsage is not critical (spec §3.6), and it has no SKI/AKI.
  spec.key_usage = KeyUsage{.critical = false, .bits = kDigitalSignature | kNonRepudiation};
  spec.subject_key_id = false;
  spec.authority_key_id = false;
  return Issue(spec, instance_der, instance_key);
}

// IntermediateSet is regional, zonal and instance issued under one root.
struct IntermediateSet {
  std::vector<Bytes> der;
  ossl::EvpPkeyPtr instance_key;
};

Result<IntermediateSet> IssueIntermediates(const Bytes& root_der, EVP_PKEY* root_key,
                                           const PkiOptions& options, TimePoint now) {
  const std::string suffix = "." + options.region + std::string(kInsecureSuffix);
  NA_ASSIGN_OR_RETURN(const std::string regional_id, HexId(options.seed, "regional", 8));
  NA_ASSIGN_OR_RETURN(const std::string zonal_id, HexId(options.seed, "zonal", 8));
  std::string instance_id;
  if (const size_t enc = options.module_id.find("-enc"); enc != std::string::npos) {
    instance_id = options.module_id.substr(0, enc);
  } else {
    NA_ASSIGN_OR_RETURN(const std::string hex, HexId(options.seed, "instance", 8));
    instance_id = "i-" + hex;
  }

  // RDN orders as encoded in the real chain (spec §3.6).
  CertSpec regional = CaSpec(
      AwsName({{"C", "US"},
               {"O", "Amazon"},
               {"OU", "AWS"},
               {"CN", FitCn(regional_id + suffix, regional_id + std::string(kInsecureSuffix))}}),
      now, now + kRegionalLifetime, 2);
  NA_ASSIGN_OR_RETURN(ossl::EvpPkeyPtr regional_key, LevelKey(options.seed, "regional"));
  regional.subject_key = regional_key.get();
  NA_ASSIGN_OR_RETURN(Issued regional_cert, Issue(regional, root_der, root_key));

  CertSpec zonal =
      CaSpec(AwsName({{"CN", FitCn(zonal_id + ".zonal" + suffix,
                                   zonal_id + ".zonal" + std::string(kInsecureSuffix))},
                      {"OU", "AWS"},
                      {"O", "Amazon"},
                      {"C", "US"},
                      {"ST", "WA"},
                      {"L", "Seattle"}}),
             now, now + kZonalLifetime, 1);
  NA_ASSIGN_OR_RETURN(ossl::EvpPkeyPtr zonal_key, LevelKey(options.seed, "zonal"));
  zonal.subject_key = zonal_key.get();
  NA_ASSIGN_OR_RETURN(Issued zonal_cert, Issue(zonal, regional_cert.der, regional_cert.key.get()));

  CertSpec instance = CaSpec(
      AwsName({{"C", "US"},
               {"ST", "Washington"},
               {"L", "Seattle"},
               {"O", "Amazon"},
               {"OU", "AWS"},
               {"CN", FitCn(instance_id + suffix, "instance" + std::string(kInsecureSuffix))}}),
      now, now + kInstanceLifetime, 0);
  instance.key_usage = KeyUsage{.critical = true, .bits = kKeyCertSign};
  NA_ASSIGN_OR_RETURN(ossl::EvpPkeyPtr instance_key, LevelKey(options.seed, "instance"));
  instance.subject_key = instance_key.get();
  NA_ASSIGN_OR_RETURN(instance.serial, [&]() -> Result<Bytes> {
    Bytes serial(20);  // the real instance certificate has a 20-byte serial
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
      return OsslError(ErrorCode::kCryptoError, "RAND_bytes failed");
    }
    serial[0] = static_cast<uint8_t>((serial[0] & 0x7f) | 0x40);
    return serial;
  }());
  NA_ASSIGN_OR_RETURN(Issued instance_cert, Issue(instance, zonal_cert.der, zonal_cert.key.get()));

  IntermediateSet out;
  out.der = {std::move(regional_cert.der), std::move(zonal_cert.der), std::move(instance_cert.der)};
  out.instance_key = std::move(instance_key);
  return out;
}

// Validity is a certificate's [not_before, not_after].
struct Validity {
  TimePoint not_before, not_after;
  // Covers reports whether a whole leaf lifetime starting at `t` lies inside.
  bool Covers(TimePoint t) const { return not_before <= t && t + kLeafLifetime <= not_after; }
};

Result<Validity> ReadValidity(std::span<const uint8_t> der) {
  NA_ASSIGN_OR_RETURN(ossl::X509Ptr x, ParseCert(der));
  std::tm before{};
  std::tm after{};
  if (ASN1_TIME_to_tm(X509_get0_notBefore(x.get()), &before) != 1 ||
      ASN1_TIME_to_tm(X509_get0_notAfter(x.get()), &after) != 1) {
    return OsslError(ErrorCode::kInternal, "unreadable validity");
  }
  return Validity{TimePoint(std::chrono::seconds(timegm(&before))),
                  TimePoint(std::chrono::seconds(timegm(&after)))};
}

}  // namespace

Result<Issued> Issue(const CertSpec& spec, std::span<const uint8_t> issuer_der,
                     EVP_PKEY* issuer_key) {
  const bool self_signed = issuer_der.empty();
  if (!self_signed && issuer_key == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "an issuer certificate needs an issuer key");
  }
  Issued out;
  if (spec.subject_key != nullptr) {
    if (EVP_PKEY_up_ref(spec.subject_key) != 1) {
      return OsslError(ErrorCode::kCryptoError, "EVP_PKEY_up_ref failed");
    }
    out.key.reset(spec.subject_key);  // the reference taken just above
  } else {
    NA_ASSIGN_OR_RETURN(out.key, GenerateKey(spec.key_type));
  }
  ossl::X509Ptr issuer;
  if (!self_signed) {
    NA_ASSIGN_OR_RETURN(issuer, ParseCert(issuer_der));
  }

  ossl::X509Ptr x(X509_new());
  if (x == nullptr || X509_set_version(x.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(x.get(), out.key.get()) != 1) {
    return OsslError(ErrorCode::kCryptoError, "cannot start the certificate");
  }
  NA_TRY(SetSerial(x.get(), spec.serial));
  NA_TRY(AddNameEntries(X509_get_subject_name(x.get()), spec.subject));  // owned by x
  if (spec.issuer_name) {
    ossl::X509NamePtr name(X509_NAME_new());
    if (name == nullptr) {
      return OsslError(ErrorCode::kCryptoError, "X509_NAME_new failed");
    }
    NA_TRY(AddNameEntries(name.get(), *spec.issuer_name));
    if (X509_set_issuer_name(x.get(), name.get()) != 1) {  // copies
      return OsslError(ErrorCode::kCryptoError, "cannot set the issuer name");
    }
  } else if (X509_set_issuer_name(x.get(),
                                  X509_get_subject_name(self_signed ? x.get() : issuer.get())) !=
             1) {  // copies
    return OsslError(ErrorCode::kCryptoError, "cannot set the issuer name");
  }
  NA_TRY(SetTime(X509_getm_notBefore(x.get()), Seconds(spec.not_before)));
  NA_TRY(SetTime(X509_getm_notAfter(x.get()), Seconds(spec.not_after)));

  if (spec.basic_constraints) {
    NA_TRY(AddBasicConstraints(x.get(), *spec.basic_constraints));
  }
  if (spec.key_usage) {
    NA_TRY(AddKeyUsage(x.get(), *spec.key_usage));
  }
  if (spec.subject_key_id) {
    NA_ASSIGN_OR_RETURN(Asn1OctetStringPtr ski, KeyId(x.get()));
    if (X509_add1_ext_i2d(x.get(), NID_subject_key_identifier, ski.get(), 0, X509V3_ADD_DEFAULT) !=
        1) {
      return OsslError(ErrorCode::kCryptoError, "cannot add subjectKeyIdentifier");
    }
  }
  if (spec.authority_key_id) {
    NA_TRY(AddAuthorityKeyId(x.get(), self_signed ? x.get() : issuer.get()));
  }
  if (spec.extra_extension) {
    NA_TRY(AddExtension(x.get(), *spec.extra_extension));
  }

  EVP_PKEY* signer = self_signed ? out.key.get() : issuer_key;
  const EVP_MD* md = spec.digest == Digest::kSha384 ? EVP_sha384() : EVP_sha256();
  if (X509_sign(x.get(), signer, md) <= 0) {
    return OsslError(ErrorCode::kCryptoError, "cannot sign the certificate");
  }
  if (spec.deterministic_signature) {
    NA_ASSIGN_OR_RETURN(out.der, DeterministicEcdsaDer(x.get(), signer, md));
    // Self-check: the hand-assembled certificate must parse and verify.
    auto parsed = ParseCert(out.der);
    if (!parsed || X509_verify(parsed->get(), signer) != 1) {
      return OsslError(ErrorCode::kInternal, "deterministic signature does not verify");
    }
    return out;
  }
  NA_ASSIGN_OR_RETURN(out.der, ToDer(x.get()));
  return out;
}

std::vector<Bytes> Pki::cabundle() const {
  std::vector<Bytes> out;
  out.reserve(1 + intermediates.size());
  out.push_back(root_der);
  out.insert(out.end(), intermediates.begin(), intermediates.end());
  return out;
}

std::string Pki::RootPem() const { return CertificatePem(root_der); }

namespace {

// BioText returns what a memory BIO holds (owned by the BIO).
std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

}  // namespace

std::string CertificatePem(std::span<const uint8_t> der) {
  auto x = ParseCert(der);
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!x || bio == nullptr || PEM_write_bio_X509(bio.get(), x->get()) != 1) {
    ossl::DrainErrors();
    return std::string();
  }
  return BioText(bio.get());
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ossl::DrainErrors();
    return std::string();
  }
  return BioText(bio.get());
}

Result<Pki> GeneratePki(const PkiOptions& options) {
  Pki pki;
  pki.options = options;
  const TimePoint now = Seconds(options.now.value_or(NowTime()));
  pki.options.now = now;

  CertSpec root = CaSpec(
      AwsName({{"C", "US"}, {"O", "Amazon"}, {"OU", "AWS"}, {"CN", std::string(kRootCommonName)}}),
      now, AddYears(now, kRootLifetimeYears), std::nullopt);
  root.authority_key_id = false;  // the real root has SKI only
  if (options.seed) {
    // Nothing in a seeded root depends on `now`, so its DER (and a pin of it) survives restarts.
    root.not_before = kSeededRootNotBefore;
    root.not_after = kSeededRootNotAfter;
    NA_ASSIGN_OR_RETURN(const auto serial, Sha384(*options.seed, "root/serial"));
    root.serial.assign(serial.begin(), serial.begin() + 16);
    root.serial[0] = static_cast<uint8_t>((root.serial[0] & 0x7f) | 0x40);
    root.deterministic_signature = true;
  }
  NA_ASSIGN_OR_RETURN(pki.root_key, LevelKey(options.seed, "root"));
  root.subject_key = pki.root_key.get();
  NA_ASSIGN_OR_RETURN(Issued root_cert, Issue(root));
  pki.root_der = std::move(root_cert.der);

  NA_ASSIGN_OR_RETURN(IntermediateSet set,
                      IssueIntermediates(pki.root_der, pki.root_key.get(), pki.options, now));
  pki.intermediates = std::move(set.der);
  pki.instance_key = std::move(set.instance_key);

  NA_ASSIGN_OR_RETURN(ossl::EvpPkeyPtr leaf_key, LevelKey(options.seed, "leaf"));
  NA_ASSIGN_OR_RETURN(Issued leaf, IssueLeafAt(pki.intermediates.back(), pki.instance_key.get(),
                                               pki.options, now, leaf_key.get()));
  pki.leaf_der = std::move(leaf.der);
  pki.leaf_key = std::move(leaf.key);
  return pki;
}

Result<Issued> IssueLeaf(const Pki& pki, TimePoint now) {
  if (pki.intermediates.empty() || pki.instance_key == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the PKI has no instance certificate");
  }
  now = Seconds(now);
  NA_ASSIGN_OR_RETURN(const Validity instance, ReadValidity(pki.intermediates.back()));
  if (!instance.Covers(now)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the instance certificate does not cover the new leaf's lifetime");
  }
  return IssueLeafAt(pki.intermediates.back(), pki.instance_key.get(), pki.options, now, nullptr);
}

Status RotateLeaf(Pki& pki, TimePoint now) {
  now = Seconds(now);
  bool renew = pki.intermediates.empty();
  for (const Bytes& der : pki.intermediates) {
    NA_ASSIGN_OR_RETURN(const Validity validity, ReadValidity(der));
    renew = renew || !validity.Covers(now);  // expiring, or the clock went back before them
  }
  if (renew) {
    NA_ASSIGN_OR_RETURN(IntermediateSet set,
                        IssueIntermediates(pki.root_der, pki.root_key.get(), pki.options, now));
    pki.intermediates = std::move(set.der);
    pki.instance_key = std::move(set.instance_key);
    pki.options.now = now;
  }
  NA_ASSIGN_OR_RETURN(Issued leaf, IssueLeaf(pki, now));
  pki.leaf_der = std::move(leaf.der);
  pki.leaf_key = std::move(leaf.key);
  return {};
}

}  // namespace nitro_attest::pki
