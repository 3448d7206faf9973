// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// RFC 5280 §4.1 in DER, for the profile of a Nitro attestation chain. What is read is checked
// strictly (DER only, v3 only, no duplicate extensions, DER forms of BOOLEAN DEFAULT FALSE);
// extensions other than basicConstraints and keyUsage are opaque (only their criticality
// matters to the chain walk).
#include "src/x509/cert.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "src/common/civil.h"
#include "src/common/der.h"
#include "src/common/utf8.h"

namespace nitro_attest::x509 {
namespace {

using der::DerReader;
using Span = std::span<const uint8_t>;

constexpr uint8_t kOidBasicConstraints[] = {0x55, 0x1d, 0x13};  // 2.5.29.19
constexpr uint8_t kOidKeyUsage[] = {0x55, 0x1d, 0x0f};          // 2.5.29.15

Error Malformed(std::string what) {
  return MakeError(ErrorCode::kMalformedCertificate, std::move(what));
}

// ValidOid checks an OBJECT IDENTIFIER's content: non-empty, base-128 subidentifiers in
// minimal form, the last one complete.
bool ValidOid(Span oid) {
  if (oid.empty() || (oid.back() & 0x80) != 0) {
    return false;
  }
  bool start = true;
  for (const uint8_t b : oid) {
    if (start && b == 0x80) {
      return false;  // a leading zero septet
    }
    start = (b & 0x80) == 0;
  }
  return true;
}

// ReadAlgorithm reads an AlgorithmIdentifier { OID, parameters ANY OPTIONAL } and returns the
// whole element (compared byte for byte by the chain walk).
bool ReadAlgorithm(DerReader* in, Span* whole) {
  Span content, oid, params;
  uint8_t tag = 0;
  if (!in->Read(der::kSequence, &content, whole)) {
    return false;
  }
  DerReader r(content);
  if (!r.Read(der::kOid, &oid) || !ValidOid(oid)) {
    return false;
  }
  // Parameters, when present, are NULL (RSA, ECDSA by mistake), a named curve or a SEQUENCE
  // (explicit curve, RSASSA-PSS); the chain walk accepts exactly one form anyway.
  if (!r.empty() &&
      (!r.ReadAny(&tag, &params) || (tag != 0x05 && tag != der::kOid && tag != der::kSequence) ||
       (tag == 0x05 && !params.empty()) || (tag == der::kOid && !ValidOid(params)))) {
    return false;
  }
  return r.empty();
}

// IsNameString accepts the string types attribute values use (X.520 DirectoryString, and
// IA5String for emailAddress and domainComponent, NumericString).
bool IsNameString(uint8_t tag) {
  switch (tag) {
    case 0x0c:  // UTF8String
    case 0x12:  // NumericString
    case 0x13:  // PrintableString
    case 0x14:  // TeletexString
    case 0x16:  // IA5String
    case 0x1c:  // UniversalString
    case 0x1e:  // BMPString
      return true;
    default:
      return false;
  }
}

bool IsScalarValue(uint32_t c) { return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff); }

// ValidWide accepts BMPString (UCS-2, 2 bytes) and UniversalString (UCS-4, 4 bytes) contents
// of whole characters that are Unicode scalar values, as OpenSSL demands when it reads a name.
bool ValidWide(Span s, size_t width) {
  if (s.size() % width != 0) {
    return false;
  }
  for (size_t i = 0; i < s.size(); i += width) {
    uint32_t c = 0;
    for (size_t k = 0; k < width; ++k) {
      c = (c << 8) | s[i + k];
    }
    if (!IsScalarValue(c)) {
      return false;
    }
  }
  return true;
}

// ValidNameString checks the content of an attribute value's string type.
bool ValidNameString(uint8_t tag, Span value) {
  switch (tag) {
    case 0x0c:
      return ValidUtf8(value);
    case 0x1e:
      return ValidWide(value, 2);
    case 0x1c:
      return ValidWide(value, 4);
    default:
      return true;  // byte strings, read by OpenSSL as Latin-1
  }
}

// ReadName reads a Name: SEQUENCE OF RelativeDistinguishedName, each a non-empty SET OF
// { type OID, value: a string type }. Returns the whole element: names chain by byte equality.
bool ReadName(DerReader* in, Span* whole) {
  Span rdns;
  if (!in->Read(der::kSequence, &rdns, whole)) {
    return false;
  }
  DerReader r(rdns);
  while (!r.empty()) {
    Span set;
    if (!r.Read(der::kSet, &set) || set.empty()) {
      return false;
    }
    DerReader s(set);
    while (!s.empty()) {
      Span atv, type, value;
      uint8_t tag = 0;
      if (!s.Read(der::kSequence, &atv)) {
        return false;
      }
      DerReader a(atv);
      if (!a.Read(der::kOid, &type) || !ValidOid(type) || !a.ReadAny(&tag, &value) || !a.empty() ||
          !IsNameString(tag) || !ValidNameString(tag, value)) {
        return false;
      }
    }
  }
  return true;
}

// Digits reads `n` ASCII digits as a number.
std::optional<int> Digits(Span s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return std::nullopt;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool ReadTime(DerReader* in, Time* out) {
  Span content;
  uint8_t tag = 0;
  if (!in->ReadAny(&tag, &content)) {
    return false;
  }
  const auto t = ParseTime(tag, content);
  if (!t) {
    return false;
  }
  *out = *t;
  return true;
}

// ReadBitString reads a BIT STRING and returns its content, unused-bit count byte included.
// DER: the count is 0..7, 0 for an empty string, and the unused bits are zero.
bool ReadBitString(DerReader* in, Span* content) {
  Span c;
  if (!in->Read(der::kBitString, &c) || c.empty() || c[0] > 7 || (c.size() == 1 && c[0] != 0)) {
    return false;
  }
  if (c.size() > 1 && (c.back() & ((1u << c[0]) - 1)) != 0) {
    return false;
  }
  *content = c;
  return true;
}

// ParseBasicConstraints reads BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
// pathLenConstraint INTEGER (0..MAX) OPTIONAL }.
bool ParseBasicConstraints(Span value, Certificate* c) {
  DerReader outer(value);
  Span seq;
  if (!outer.Read(der::kSequence, &seq) || !outer.empty()) {
    return false;
  }
  DerReader r(seq);
  if (r.PeekTag(der::kBoolean)) {
    // DER omits a DEFAULT value, so an explicit cA is TRUE.
    if (!r.ReadBoolean(&c->ca) || !c->ca) {
      return false;
    }
  }
  if (r.PeekTag(der::kInteger)) {
    Span magnitude;
    if (!r.ReadUnsignedInteger(&magnitude)) {
      return false;  // negative
    }
    uint64_t v = 0;
    for (const uint8_t b : magnitude) {
      v = v > (std::numeric_limits<uint64_t>::max() >> 8) ? std::numeric_limits<uint64_t>::max()
                                                          : (v << 8) | b;
    }
    c->path_len = v;
  }
  c->has_basic_constraints = true;
  return r.empty();
}

// ParseKeyUsage reads KeyUsage ::= BIT STRING; named bits 0..8 are kept.
bool ParseKeyUsage(Span value, Certificate* c) {
  DerReader outer(value);
  Span bits;
  if (!ReadBitString(&outer, &bits) || !outer.empty()) {
    return false;
  }
  uint32_t usage = 0;
  for (size_t i = 0; i < 9 && i / 8 + 1 < bits.size(); ++i) {
    if ((bits[1 + i / 8] & (0x80 >> (i % 8))) != 0) {
      usage |= 1u << i;
    }
  }
  c->has_key_usage = true;
  c->key_usage = usage;
  return true;
}

// ParseExtensions reads [3] EXPLICIT SEQUENCE SIZE (1..MAX) OF Extension.
Status ParseExtensions(Span explicit_content, Certificate* c) {
  DerReader wrapper(explicit_content);
  Span list;
  if (!wrapper.Read(der::kSequence, &list) || !wrapper.empty() || list.empty()) {
    return Malformed("malformed extensions");
  }
  std::vector<Span> seen;
  DerReader r(list);
  while (!r.empty()) {
    Span ext, oid, value;
    if (!r.Read(der::kSequence, &ext)) {
      return Malformed("malformed extension");
    }
    DerReader e(ext);
    bool critical = false;
    if (!e.Read(der::kOid, &oid) || !ValidOid(oid)) {
      return Malformed("malformed extension identifier");
    }
    // critical BOOLEAN DEFAULT FALSE: DER omits FALSE, so an explicit one is TRUE.
    if (e.PeekTag(der::kBoolean) && (!e.ReadBoolean(&critical) || !critical)) {
      return Malformed("extension criticality is not DER");
    }
    if (!e.Read(der::kOctetString, &value) || !e.empty()) {
      return Malformed("malformed extension");
    }
    for (const Span& s : seen) {
      if (std::ranges::equal(s, oid)) {
        return Malformed("duplicate extension");  // RFC 5280 §4.2
      }
    }
    seen.push_back(oid);
    if (std::ranges::equal(oid, kOidBasicConstraints)) {
      if (!ParseBasicConstraints(value, c)) {
        return Malformed("malformed basicConstraints");
      }
      c->basic_constraints_critical = critical;
    } else if (std::ranges::equal(oid, kOidKeyUsage)) {
      if (!ParseKeyUsage(value, c)) {
        return Malformed("malformed keyUsage");
      }
    } else if (critical) {
      c->unknown_critical_extension = true;
    }
  }
  return {};
}

// The content of the id-ecPublicKey OID (1.2.840.10045.2.1).
constexpr uint8_t kIdEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};

}  // namespace

KeyAlgorithm ClassifyKeyAlgorithm(Span algorithm) {
  if (std::ranges::equal(algorithm, kEcP384KeyAlgorithm)) {
    return KeyAlgorithm::kP384;
  }
  DerReader outer(algorithm);
  Span content, oid;
  if (!outer.Read(der::kSequence, &content) || !outer.empty()) {
    return KeyAlgorithm::kNotEc;
  }
  DerReader r(content);
  if (!r.Read(der::kOid, &oid) || !std::ranges::equal(oid, kIdEcPublicKey)) {
    return KeyAlgorithm::kNotEc;
  }
  if (r.PeekTag(der::kSequence)) {
    return KeyAlgorithm::kExplicitCurve;
  }
  if (r.PeekTag(der::kOid)) {
    return KeyAlgorithm::kOtherNamedCurve;
  }
  return KeyAlgorithm::kEcWithoutCurve;
}

std::optional<Time> ParseTime(uint8_t tag, Span s) {
  int year = 0;
  size_t pos = 0;
  if (tag == der::kUtcTime && s.size() == 13) {
    const auto yy = Digits(s, 0, 2);
    if (!yy) {
      return std::nullopt;
    }
    year = *yy >= 50 ? 1900 + *yy : 2000 + *yy;  // RFC 5280 §4.1.2.5.1
    pos = 2;
  } else if (tag == der::kGeneralizedTime && s.size() == 15) {
    const auto yyyy = Digits(s, 0, 4);
    if (!yyyy) {
      return std::nullopt;
    }
    year = *yyyy;
    pos = 4;
  } else {
    return std::nullopt;  // wrong type, fractions, offsets or missing seconds: not DER
  }
  const auto month = Digits(s, pos, 2), day = Digits(s, pos + 2, 2), hour = Digits(s, pos + 4, 2),
             minute = Digits(s, pos + 6, 2), second = Digits(s, pos + 8, 2);
  if (!month || !day || !hour || !minute || !second || s[pos + 10] != 'Z' ||
      !civil::ValidDateTime(year, *month, *day, *hour, *minute, *second)) {
    return std::nullopt;
  }
  // Years 0000..9999 in milliseconds are far inside 64 bits: 99991231235959Z, RFC 5280's "no
  // well-defined expiration", is an ordinary time.
  return Time(std::chrono::seconds(
      civil::SecondsFromCivil(year, *month, *day, *hour, *minute, *second)));
}

Result<Certificate> ParseCertificate(Span der) {
  if (der.empty()) {
    return Malformed("empty certificate");
  }
  Certificate c;
  c.der = der;
  DerReader in(der);
  Span cert;
  if (!in.Read(der::kSequence, &cert)) {
    return Malformed("certificate is not a DER SEQUENCE");
  }
  if (!in.empty()) {
    return Malformed("trailing bytes after certificate");
  }
  DerReader outer(cert);
  Span tbs;
  if (!outer.Read(der::kSequence, &tbs, &c.tbs)) {
    return Malformed("tbsCertificate is not a DER SEQUENCE");
  }
  if (!ReadAlgorithm(&outer, &c.signature_algorithm) || !ReadBitString(&outer, &c.signature) ||
      !outer.empty()) {
    return Malformed("malformed signatureAlgorithm or signatureValue");
  }

  DerReader t(tbs);
  Span version_wrapper, version;
  if (!t.Read(der::ContextExplicit(0), &version_wrapper)) {
    return Malformed("certificate is not X.509 v3");  // v1: the version is absent
  }
  DerReader v(version_wrapper);
  if (!v.ReadInteger(&version) || !v.empty() || version.size() != 1 || version[0] != 2) {
    return Malformed("certificate is not X.509 v3");
  }
  if (!t.ReadInteger(&c.serial)) {
    return Malformed("malformed serialNumber");
  }
  if (!ReadAlgorithm(&t, &c.tbs_signature)) {
    return Malformed("malformed TBS signature algorithm");
  }
  if (!ReadName(&t, &c.issuer)) {
    return Malformed("malformed issuer name");
  }
  Span validity;
  if (!t.Read(der::kSequence, &validity)) {
    return Malformed("malformed validity");
  }
  DerReader val(validity);
  if (!ReadTime(&val, &c.not_before) || !ReadTime(&val, &c.not_after) || !val.empty()) {
    return Malformed("malformed validity time");
  }
  if (!ReadName(&t, &c.subject)) {
    return Malformed("malformed subject name");
  }
  Span spki;
  if (!t.Read(der::kSequence, &spki)) {
    return Malformed("malformed subjectPublicKeyInfo");
  }
  DerReader k(spki);
  if (!ReadAlgorithm(&k, &c.key_algorithm) || !ReadBitString(&k, &c.key_bits) || !k.empty()) {
    return Malformed("malformed subjectPublicKeyInfo");
  }
  // [1] issuerUniqueID and [2] subjectUniqueID: RFC 5280 §4.1.2.8 forbids CAs to make them,
  // and no Nitro certificate has them; refused rather than read.
  if (t.PeekTag(0x81) || t.PeekTag(0x82) || t.PeekTag(0xa1) || t.PeekTag(0xa2)) {
    return Malformed("unique identifiers are not accepted");
  }
  if (t.PeekTag(der::ContextExplicit(3))) {
    Span extensions;
    if (!t.Read(der::ContextExplicit(3), &extensions)) {
      return Malformed("malformed extensions");
    }
    NA_TRY(ParseExtensions(extensions, &c));
  }
  if (!t.empty()) {
    return Malformed("unexpected data at the end of tbsCertificate");
  }
  return c;
}

}  // namespace nitro_attest::x509
