// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <openssl/pem.h>

#include <ctime>
#include <optional>
#include <string>

#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"
#include "src/common/civil.h"
#include "src/ossl/ossl.h"
#include "src/x509/cert.h"

namespace nitro_attest {
namespace {

std::string NameToString(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    ossl::DrainErrors();
    return {};
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Time ToTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    return {};
  }
  return Time(std::chrono::seconds(civil::SecondsFromCivil(
      tm.tm_year + int64_t{1900}, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)));
}

std::optional<std::string> NameFromDer(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  ossl::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
  if (!name || p != der.data() + der.size()) {
    ossl::DrainErrors();
    return std::nullopt;
  }
  return NameToString(name.get());
}

// DescribeWithOwnReader describes a certificate the chain walk's reader (src/x509) accepts,
// without d2i_X509: OpenSSL decodes the public key there through its provider decoders, 1.4 M
// instructions per certificate, most of a batch's reporting time (docs/design.md, issue 15).
// nullopt for anything else (and a negative serial), which takes OpenSSL's path.
std::optional<CertificateInfo> DescribeWithOwnReader(std::span<const uint8_t> der) {
  Result<x509::Certificate> cert = x509::ParseCertificate(der);
  if (!cert || (cert->serial[0] & 0x80) != 0) {
    return std::nullopt;
  }
  std::optional<std::string> subject = NameFromDer(cert->subject);
  std::optional<std::string> issuer = NameFromDer(cert->issuer);
  if (!subject || !issuer) {
    return std::nullopt;
  }
  CertificateInfo info;
  info.subject = std::move(*subject);
  info.issuer = std::move(*issuer);
  std::span<const uint8_t> serial = cert->serial;
  while (!serial.empty() && serial[0] == 0) {
    serial = serial.subspan(1);  // as BN_bn2bin writes it: no leading zero bytes
  }
  info.serial_hex = HexEncode(serial);
  info.not_before = cert->not_before;
  info.not_after = cert->not_after;
  return info;
}

}  // namespace

Result<CertificateInfo> DescribeCertificate(std::span<const uint8_t> der) {
  if (std::optional<CertificateInfo> info = DescribeWithOwnReader(der)) {
    return std::move(*info);
  }
  const unsigned char* p = der.data();
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) {
    return ossl::OsslError(ErrorCode::kMalformedCertificate, "not one DER certificate");
  }
  CertificateInfo info;
  info.subject = NameToString(X509_get_subject_name(cert.get()));
  info.issuer = NameToString(X509_get_issuer_name(cert.get()));
  // get0: the serial stays owned by the certificate.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn) {
    std::vector<uint8_t> raw(static_cast<size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), raw.data());
    info.serial_hex = HexEncode(raw);
  }
  info.not_before = ToTime(X509_get0_notBefore(cert.get()));
  info.not_after = ToTime(X509_get0_notAfter(cert.get()));
  return info;
}

Result<Bytes> PemCertificateToDer(std::span<const uint8_t> pem) {
  if (!pem.empty() && pem[0] == 0x30) {
    NA_TRY(DescribeCertificate(pem));
    return Bytes(pem.begin(), pem.end());
  }
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "no PEM certificate found");
  }
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "cannot encode the certificate");
  }
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace nitro_attest
