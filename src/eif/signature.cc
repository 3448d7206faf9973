// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The signature section: serde_cbor's Vec<PcrSignature> holding the signing certificate (PEM
// text) and an untagged COSE_Sign1 over serde_cbor's PcrInfo{0, PCR0}, both written as CBOR
// arrays of integers (IMG src/utils/eif_signer.rs, aws-nitro-enclaves-cose src/sign.rs).
#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "nitro_attest/encoding.h"
#include "src/cbor/cbor.h"
#include "src/document/builder.h"
#include "src/eif/internal.h"
#include "src/es384/es384.h"

namespace nitro_attest::eif {
namespace {

constexpr std::string_view kCertificateKey = "signing_certificate";
constexpr std::string_view kSignatureKey = "signature";
constexpr uint8_t kCoseTag18 = 0xd2;

// Curve is what aws-nitro-enclaves-cose's curve_to_parameters picks for a key's curve.
struct Curve {
  const char* group;   // OpenSSL group name
  int64_t cose_alg;    // -7, -35, -36
  uint8_t protected_header[4];
  size_t protected_size;
  const char* digest;  // SHA-256 / 384 / 512
  size_t scalar_size;  // r and s each
};
constexpr Curve kCurves[] = {
    {SN_X9_62_prime256v1, -7, {0xa1, 0x01, 0x26}, 3, "SHA256", 32},
    {SN_secp384r1, -35, {0xa1, 0x01, 0x38, 0x22}, 4, "SHA384", 48},
    {SN_secp521r1, -36, {0xa1, 0x01, 0x38, 0x23}, 4, "SHA512", 66},
};

// CurveOf returns the parameters for an EC key on P-256, P-384 or P-521, or nullptr.
const Curve* CurveOf(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return nullptr;
  }
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &len) != 1) {
    ossl::DrainErrors();
    return nullptr;
  }
  for (const Curve& c : kCurves) {
    if (std::strcmp(group, c.group) == 0) {
      return &c;
    }
  }
  return nullptr;
}

// ByteArray reads a CBOR array of integers 0..255 (serde_cbor's Vec<u8>).
Result<Bytes> ByteArray(const cbor::Item& item, std::string_view name) {
  if (!item.is_array() || item.indefinite) {
    return MalformedImage("signature section: " + std::string(name) +
                          " is not a definite array of integers (serde_cbor's Vec<u8>)");
  }
  Bytes out;
  out.reserve(item.items.size());
  for (const cbor::Item& b : item.items) {
    if (!b.is_uint() || b.number > 0xff) {
      return MalformedImage("signature section: " + std::string(name) +
                            " holds an element that is not an integer 0..255");
    }
    out.push_back(static_cast<uint8_t>(b.number));
  }
  return out;
}

void WriteByteArray(cbor::Writer& w, std::span<const uint8_t> bytes) {
  w.ArrayHeader(bytes.size());
  for (const uint8_t b : bytes) {
    w.Uint(b);
  }
}

std::string NameEntryValue(const X509_NAME_ENTRY* entry) {
  // get0: the data stays owned by the entry.
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ossl::DrainErrors();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string ObjectLongName(const ASN1_OBJECT* obj) {
  char buf[128] = {0};
  const int len = OBJ_obj2txt(buf, sizeof(buf), obj, 0);
  return len > 0 ? std::string(buf, std::min(static_cast<size_t>(len), sizeof(buf) - 1))
                 : std::string();
}

// AsnTimeText prints a time as OpenSSL's ASN1_TIME_print does ("Jan  1 00:00:00 2024 GMT"),
// which is what nitro-cli's describe-eif shows.
std::string AsnTimeText(const ASN1_TIME* t) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || ASN1_TIME_print(bio.get(), t) != 1) {
    ossl::DrainErrors();
    return {};
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// CertificateFields fills the describe-eif fields of the certificate.
void CertificateFields(X509* cert, EifSignature* out) {
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(issuer); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(issuer, i);
    out->issuer_attributes.emplace_back(ObjectLongName(X509_NAME_ENTRY_get_object(e)),
                                        NameEntryValue(e));
  }
  const X509_ALGOR* alg = nullptr;
  const ASN1_BIT_STRING* sig = nullptr;
  X509_get0_signature(&sig, &alg, cert);  // get0: both stay owned by the certificate
  const ASN1_OBJECT* alg_obj = nullptr;
  X509_ALGOR_get0(&alg_obj, nullptr, nullptr, alg);
  out->signature_algorithm = ObjectLongName(alg_obj);
  out->certificate_signature.assign(sig->data, sig->data + sig->length);
  out->not_before_text = AsnTimeText(X509_get0_notBefore(cert));
  out->not_after_text = AsnTimeText(X509_get0_notAfter(cert));
}

// VerifyCose checks the COSE_Sign1 and returns what failed, or an empty string.
std::string VerifyCose(std::span<const uint8_t> cose, EVP_PKEY* key, const Pcr48& pcr0,
                       EifSignature* out) {
  if (!cose.empty() && cose[0] == kCoseTag18) {
    cose = cose.subspan(1);  // aws-nitro-enclaves-cose reads tagged and untagged alike
  }
  const auto decoded = cbor::Decode(cose, cbor::Limits{.max_depth = 4, .max_items = 64});
  if (!decoded) {
    return "the signature is not CBOR: " + decoded.error().detail;
  }
  const cbor::Item& outer = *decoded;
  if (!outer.is_array() || outer.indefinite || outer.items.size() != 4 ||
      !outer.items[0].is_bytes() || !outer.items[1].is_map() || !outer.items[2].is_bytes() ||
      !outer.items[3].is_bytes()) {
    return "the signature is not a COSE_Sign1 [protected, unprotected, payload, signature]";
  }
  const std::span<const uint8_t> protected_header = outer.items[0].bytes;
  const Curve* curve = nullptr;
  for (const Curve& c : kCurves) {
    if (std::ranges::equal(protected_header,
                           std::span<const uint8_t>(c.protected_header, c.protected_size))) {
      curve = &c;
    }
  }
  if (curve == nullptr) {
    return "the COSE protected header is not {1: ES256, ES384 or ES512}";
  }
  out->cose_algorithm = curve->cose_alg;
  if (outer.items[1].map_size() != 0) {
    return "the COSE unprotected header is not empty";
  }
  const Curve* key_curve = CurveOf(key);
  if (key_curve != curve) {
    return "the COSE algorithm does not match the certificate's key";
  }
  const Bytes to_verify = BuildSigStructure(protected_header, outer.items[2].bytes);
  const std::span<const uint8_t> sig = outer.items[3].bytes;
  Status verified;
  if (curve->cose_alg == -35) {
    verified = es384::VerifyRaw(key, to_verify, sig);
  } else {
    auto der = es384::RawToDer(sig, curve->scalar_size);
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!der) {
      verified = der.error();
    } else if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, curve->digest, nullptr,
                                               nullptr, key, nullptr) != 1 ||
               EVP_DigestVerify(ctx.get(), der->data(), der->size(), to_verify.data(),
                                to_verify.size()) != 1) {
      verified = ossl::OsslError(ErrorCode::kBadSignature, "signature does not verify");
    }
  }
  if (!verified) {
    return "the COSE signature does not verify under the certificate's key";
  }
  out->signature_valid = true;
  out->payload_matches_pcr0 = std::ranges::equal(outer.items[2].bytes, EncodePcrInfo(pcr0));
  if (!out->payload_matches_pcr0) {
    return "the signature is valid but signs another PCR0 than this image's";
  }
  return {};
}

}  // namespace

Bytes EncodePcrInfo(const Pcr48& pcr0) {
  cbor::Writer w;
  w.MapHeader(2);
  w.Text("register_index");
  w.Uint(0);
  w.Text("register_value");
  WriteByteArray(w, pcr0);
  return w.Take();
}

Result<SignatureSection> ParseSignatureSection(std::span<const uint8_t> data) {
  // Every byte may be an item of its own; 2 per byte bounds it with room for the framing.
  const auto decoded = cbor::Decode(
      data, cbor::Limits{.max_depth = 4, .max_items = 2 * kEifMaxSignatureSize + 16});
  if (!decoded) {
    return MalformedImage("signature section: " + decoded.error().detail);
  }
  const cbor::Item& list = *decoded;
  if (!list.is_array() || list.indefinite || list.items.size() != 1) {
    return MalformedImage("signature section: not a definite array of exactly one signature");
  }
  const cbor::Item& entry = list.items[0];
  if (!entry.is_map() || entry.indefinite || entry.map_size() != 2 ||
      !entry.key(0).IsText(kCertificateKey) || !entry.key(1).IsText(kSignatureKey)) {
    return MalformedImage("signature section: the signature is not the map "
                          "{\"signing_certificate\", \"signature\"} in that order");
  }
  SignatureSection out;
  NA_ASSIGN_OR_RETURN(out.certificate_pem, ByteArray(entry.val(0), kCertificateKey));
  NA_ASSIGN_OR_RETURN(out.cose_sign1, ByteArray(entry.val(1), kSignatureKey));
  // nitro-cli reads the certificate with X509::from_pem only; DER would be read by us alone.
  if (!out.certificate_pem.empty() && out.certificate_pem[0] == 0x30) {
    return MalformedImage("signature section: the signing certificate is DER, not PEM");
  }
  return out;
}

Result<EifSignature> CheckSignature(const SignatureSection& section, const Pcr48& pcr0,
                                    Time now) {
  EifSignature out;
  out.certificate_pem = section.certificate_pem;
  auto der = PemCertificateToDer(section.certificate_pem);
  if (!der) {
    return MalformedImage("signature section: the signing certificate does not parse");
  }
  out.certificate_der = std::move(*der);
  NA_ASSIGN_OR_RETURN(out.certificate, DescribeCertificate(out.certificate_der));
  const unsigned char* p = out.certificate_der.data();
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(out.certificate_der.size())));
  if (!cert) {
    return MalformedImage("signature section: the signing certificate does not parse");
  }
  CertificateFields(cert.get(), &out);
  out.certificate_valid = out.certificate.not_before <= now && now <= out.certificate.not_after;
  // get0: the key stays owned by the certificate.
  out.problem = VerifyCose(section.cose_sign1, X509_get0_pubkey(cert.get()), pcr0, &out);
  if (out.problem.empty() && !out.certificate_valid) {
    out.problem = "the signing certificate is not valid at the check time";
  }
  ossl::DrainErrors();
  return out;
}

Result<LoadedSigner> LoadSigner(const EifSigner& signer) {
  LoadedSigner out;
  ossl::BioPtr key_bio(BIO_new_mem_buf(signer.private_key_pem.data(),
                                       static_cast<int>(signer.private_key_pem.size())));
  out.key.reset(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                        : nullptr);
  if (!out.key) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "the private key is not a PEM key");
  }
  if (CurveOf(out.key.get()) == nullptr) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm,
                     "the private key is not an EC key on P-256, P-384 or P-521");
  }
  if (!signer.certificate_pem.empty() && signer.certificate_pem[0] == 0x30) {
    return MakeError(ErrorCode::kInvalidArgument, "the signing certificate must be PEM");
  }
  ossl::BioPtr cert_bio(BIO_new_mem_buf(signer.certificate_pem.data(),
                                        static_cast<int>(signer.certificate_pem.size())));
  ossl::X509Ptr cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)
                              : nullptr);
  if (!cert) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "the signing certificate is not PEM");
  }
  // get0: the key stays owned by the certificate.
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), out.key.get()) != 1) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kInvalidArgument,
                     "the signing certificate is not the private key's certificate");
  }
  out.certificate_pem = signer.certificate_pem;
  return out;
}

Result<Bytes> MakeSignatureSection(const LoadedSigner& signer, const Pcr48& pcr0) {
  const Curve* curve = CurveOf(signer.key.get());
  if (curve == nullptr) {
    return MakeError(ErrorCode::kUnsupportedAlgorithm, "unsupported signing key");
  }
  const std::span<const uint8_t> protected_header(curve->protected_header,
                                                  curve->protected_size);
  const Bytes payload = EncodePcrInfo(pcr0);
  const Bytes to_sign = BuildSigStructure(protected_header, payload);
  Bytes signature;
  if (curve->cose_alg == -35) {
    NA_ASSIGN_OR_RETURN(const auto raw, es384::SignRaw(signer.key.get(), to_sign));
    signature.assign(raw.begin(), raw.end());
  } else {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    size_t der_len = 0;
    if (!ctx ||
        EVP_DigestSignInit_ex(ctx.get(), nullptr, curve->digest, nullptr, nullptr,
                              signer.key.get(), nullptr) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &der_len, to_sign.data(), to_sign.size()) != 1) {
      return ossl::OsslError(ErrorCode::kCryptoError, "cannot sign");
    }
    Bytes der(der_len);
    if (EVP_DigestSign(ctx.get(), der.data(), &der_len, to_sign.data(), to_sign.size()) != 1) {
      return ossl::OsslError(ErrorCode::kCryptoError, "cannot sign");
    }
    NA_ASSIGN_OR_RETURN(signature, es384::DerToRaw(std::span<const uint8_t>(der.data(), der_len),
                                                   curve->scalar_size));
  }
  // Untagged, as CoseSign1::as_bytes(false) writes it.
  const Bytes cose = AssembleCoseSign1(protected_header, payload, signature, false);
  cbor::Writer w;
  w.ArrayHeader(1);
  w.MapHeader(2);
  w.Text(kCertificateKey);
  WriteByteArray(w, signer.certificate_pem);
  w.Text(kSignatureKey);
  WriteByteArray(w, cose);
  Bytes section = w.Take();
  if (section.size() > kEifMaxSignatureSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the signature section would be " + std::to_string(section.size()) +
                         " bytes, over 32768: the certificate file is too large");
  }
  return section;
}

}  // namespace nitro_attest::eif
