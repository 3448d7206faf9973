// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <functional>

#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"
#include "src/cbor/cbor.h"
#include "src/document/builder.h"
#include "src/ossl/ossl.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

const Bytes kProtected = {0xa1, 0x01, 0x38, 0x22};

AttestationDocument SampleFields() {
  AttestationDocument d;
  d.module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  d.digest = "SHA384";
  d.timestamp_ms = 1700000000123;
  for (uint32_t i = 0; i < 16; ++i) {
    d.pcrs[i] = Bytes(48, static_cast<uint8_t>(i));
  }
  d.certificate = Bytes(600, 0x30);
  d.cabundle = {Bytes(533, 0x30), Bytes(700, 0x30)};
  d.nonce = Bytes{1, 2, 3};
  return d;
}

Bytes Wrap(const Bytes& payload) { return AssembleCoseSign1(kProtected, payload, Bytes(96, 7)); }

// PayloadWith writes a payload map from explicit (key, value-writer) entries.
using Entry = std::pair<std::string, std::function<void(cbor::Writer&)>>;
std::vector<Entry> SampleEntries() {
  const AttestationDocument d = SampleFields();
  return {
      {"module_id", [d](cbor::Writer& w) { w.Text(d.module_id); }},
      {"digest", [](cbor::Writer& w) { w.Text("SHA384"); }},
      {"timestamp", [d](cbor::Writer& w) { w.Uint(d.timestamp_ms); }},
      {"pcrs",
       [d](cbor::Writer& w) {
         w.MapHeader(d.pcrs.size());
         for (const auto& [i, v] : d.pcrs) {
           w.Uint(i);
           w.Bytes(v);
         }
       }},
      {"certificate", [d](cbor::Writer& w) { w.Bytes(d.certificate); }},
      {"cabundle",
       [d](cbor::Writer& w) {
         w.ArrayHeader(d.cabundle.size());
         for (const auto& c : d.cabundle) {
           w.Bytes(c);
         }
       }},
      {"public_key", [](cbor::Writer& w) { w.Null(); }},
      {"user_data", [](cbor::Writer& w) { w.Null(); }},
      {"nonce", [](cbor::Writer& w) { w.Null(); }},
  };
}
Bytes EncodeEntries(const std::vector<Entry>& entries) {
  cbor::Writer w;
  w.MapHeader(entries.size());
  for (const auto& [k, f] : entries) {
    w.Text(k);
    f(w);
  }
  return w.Take();
}
Bytes With(const std::string& key, std::function<void(cbor::Writer&)> f) {
  auto e = SampleEntries();
  for (auto& entry : e) {
    if (entry.first == key) {
      entry.second = std::move(f);
    }
  }
  return Wrap(EncodeEntries(e));
}
Bytes Without(const std::string& key) {
  auto e = SampleEntries();
  std::erase_if(e, [&](const Entry& x) { return x.first == key; });
  return Wrap(EncodeEntries(e));
}

TEST(DocumentTest, BuilderOutputParsesBack) {
  const AttestationDocument d = SampleFields();
  for (const bool indefinite : {false, true}) {
    const Bytes payload = EncodePayload(d, indefinite);
    EXPECT_EQ(payload[0], indefinite ? 0xbf : 0xa9);
    auto parsed = ParseUnverified(Wrap(payload));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(parsed->module_id, d.module_id);
    EXPECT_EQ(parsed->timestamp_ms, d.timestamp_ms);
    EXPECT_EQ(parsed->pcrs, d.pcrs);
    EXPECT_EQ(parsed->cabundle, d.cabundle);
    EXPECT_EQ(parsed->nonce, d.nonce);
    EXPECT_FALSE(parsed->user_data.has_value());
    EXPECT_EQ(parsed->payload, payload);
    EXPECT_EQ(parsed->indefinite_payload_map, indefinite);
    EXPECT_FALSE(parsed->tagged);
  }
}

TEST(DocumentTest, AcceptsTag18AndEmptyOptionals) {
  AttestationDocument d = SampleFields();
  d.user_data = Bytes{};
  auto tagged = ParseUnverified(AssembleCoseSign1(kProtected, EncodePayload(d, false),
                                                  Bytes(96, 1), /*tagged=*/true));
  ASSERT_THAT(tagged, IsOk());
  EXPECT_TRUE(tagged->tagged);
  ASSERT_TRUE(tagged->user_data.has_value());
  EXPECT_TRUE(tagged->user_data->empty());
  // Omitted optional keys are treated like null (the CDDL marks them optional).
  auto omitted = ParseUnverified(Without("nonce"));
  ASSERT_THAT(omitted, IsOk());
  EXPECT_FALSE(omitted->nonce.has_value());
}

TEST(DocumentTest, CoseRules) {
  const Bytes payload = EncodePayload(SampleFields(), false);
  const Bytes sig(96, 1);
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(Bytes{0xa1, 0x01, 0x26}, payload, sig)),
              HasCode(ErrorCode::kUnsupportedAlgorithm));  // ES256
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(Bytes{0xa1, 0x01, 0x20}, payload, sig)),
              HasCode(ErrorCode::kUnsupportedAlgorithm));  // -1, QEMU's "unsigned"
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(Bytes{0xa2, 0x01, 0x38, 0x22, 0x04, 0x40},
                                                payload, sig)),
              HasCode(ErrorCode::kMalformedCose));  // extra header
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(Bytes{}, payload, sig)),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(kProtected, payload, Bytes(95, 1))),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(kProtected, payload, Bytes(97, 1))),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(kProtected, Bytes{}, sig)),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(AssembleCoseSign1(kProtected, Bytes(kMaxPayloadSize + 1, 0), sig)),
              HasCode(ErrorCode::kMalformedCose));

  auto build = [&](const std::function<void(cbor::Writer&)>& f) {
    cbor::Writer w;
    f(w);
    return w.Take();
  };
  // Unprotected header not an empty map (blocky's self-signed sample has null there).
  EXPECT_THAT(ParseUnverified(build([&](cbor::Writer& w) {
                w.ArrayHeader(4);
                w.Bytes(kProtected);
                w.Null();
                w.Bytes(payload);
                w.Bytes(sig);
              })),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(build([&](cbor::Writer& w) {
                w.ArrayHeader(4);
                w.Bytes(kProtected);
                w.MapHeader(1);
                w.Uint(4);
                w.Bytes(Bytes{1});
                w.Bytes(payload);
                w.Bytes(sig);
              })),
              HasCode(ErrorCode::kMalformedCose));
  // An empty but indefinite unprotected map (bf ff): the signature does not cover it, so
  // accepting it made one signed document verify under two encodings. Caught by
  // fuzz/document_fuzz.cc's re-assembly invariant (corpus file
  // regress-unprotected-indefinite-empty-map).
  EXPECT_THAT(ParseUnverified(build([&](cbor::Writer& w) {
                w.ArrayHeader(4);
                w.Bytes(kProtected);
                w.IndefiniteMap();
                w.Break();
                w.Bytes(payload);
                w.Bytes(sig);
              })),
              HasCode(ErrorCode::kMalformedCose));
  // Wrong arity, indefinite outer array, payload not bytes, signature not bytes.
  EXPECT_THAT(ParseUnverified(build([&](cbor::Writer& w) {
                w.ArrayHeader(3);
                w.Bytes(kProtected);
                w.MapHeader(0);
                w.Bytes(payload);
              })),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(build([&](cbor::Writer& w) {
                w.IndefiniteArray();
                w.Bytes(kProtected);
                w.MapHeader(0);
                w.Bytes(payload);
                w.Bytes(sig);
                w.Break();
              })),
              HasCode(ErrorCode::kMalformedCose));
  EXPECT_THAT(ParseUnverified(build([&](cbor::Writer& w) {
                w.ArrayHeader(4);
                w.Bytes(kProtected);
                w.MapHeader(0);
                w.Null();
                w.Bytes(sig);
              })),
              HasCode(ErrorCode::kMalformedCose));
  // Another tag than 18.
  Bytes tag17 = Wrap(payload);
  tag17.insert(tag17.begin(), 0xd1);
  EXPECT_THAT(ParseUnverified(tag17), HasCode(ErrorCode::kMalformedCose));
  // Trailing bytes after the COSE array.
  Bytes trailing = Wrap(payload);
  trailing.push_back(0x00);
  EXPECT_THAT(ParseUnverified(trailing), HasCode(ErrorCode::kMalformedCbor));
  EXPECT_THAT(ParseUnverified(Bytes{}), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(ParseUnverified(Bytes(kMaxDocumentSize + 1, 0x84)),
              HasCode(ErrorCode::kMalformedInput));
}

TEST(DocumentTest, FieldRules) {
  const auto code = ErrorCode::kMalformedDocument;
  for (const char* key : {"module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle"}) {
    EXPECT_THAT(ParseUnverified(Without(key)), HasCode(code)) << key;
  }
  EXPECT_THAT(ParseUnverified(With("module_id", [](cbor::Writer& w) { w.Text(""); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("module_id", [](cbor::Writer& w) { w.Bytes(Bytes{1}); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("digest", [](cbor::Writer& w) { w.Text("SHA256"); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("timestamp", [](cbor::Writer& w) { w.Uint(0); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("timestamp", [](cbor::Writer& w) { w.Int(-5); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("timestamp", [](cbor::Writer& w) { w.Text("1"); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("pcrs", [](cbor::Writer& w) { w.MapHeader(0); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("pcrs",
                                   [](cbor::Writer& w) {
                                     w.MapHeader(1);
                                     w.Uint(32);
                                     w.Bytes(Bytes(48, 0));
                                   })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("pcrs",
                                   [](cbor::Writer& w) {
                                     w.MapHeader(1);
                                     w.Uint(0);
                                     w.Bytes(Bytes(32, 0));
                                   })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("pcrs",
                                   [](cbor::Writer& w) {
                                     w.MapHeader(1);
                                     w.Text("0");
                                     w.Bytes(Bytes(48, 0));
                                   })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("pcrs",
                                   [](cbor::Writer& w) {
                                     w.MapHeader(33);
                                     for (int i = 0; i < 33; ++i) {
                                       w.Uint(static_cast<uint64_t>(i));
                                       w.Bytes(Bytes(48, 0));
                                     }
                                   })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("certificate", [](cbor::Writer& w) { w.Bytes(Bytes{}); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("certificate", [](cbor::Writer& w) { w.Bytes(Bytes(1025, 1)); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("cabundle", [](cbor::Writer& w) { w.ArrayHeader(0); })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("cabundle",
                                   [](cbor::Writer& w) {
                                     w.ArrayHeader(9);
                                     for (int i = 0; i < 9; ++i) {
                                       w.Bytes(Bytes(10, 1));
                                     }
                                   })),
              HasCode(code));
  EXPECT_THAT(ParseUnverified(With("cabundle",
                                   [](cbor::Writer& w) {
                                     w.ArrayHeader(1);
                                     w.Text("x");
                                   })),
              HasCode(code));
  for (const char* key : {"public_key", "user_data", "nonce"}) {
    EXPECT_THAT(ParseUnverified(With(key, [](cbor::Writer& w) { w.Bytes(Bytes(1025, 1)); })),
                HasCode(code))
        << key;
    EXPECT_THAT(ParseUnverified(With(key, [](cbor::Writer& w) { w.Text("abc"); })), HasCode(code))
        << key;
    EXPECT_THAT(ParseUnverified(With(key, [](cbor::Writer& w) { w.Bytes(Bytes(1024, 1)); })),
                IsOk())
        << key;
  }
  // Unknown keys and non-text keys.
  auto extra = SampleEntries();
  extra.push_back({"nitrotpm_pcrs", [](cbor::Writer& w) { w.Null(); }});
  EXPECT_THAT(ParseUnverified(Wrap(EncodeEntries(extra))), HasCode(code));
  // Payload is not a map.
  EXPECT_THAT(ParseUnverified(Wrap(Bytes{0x80})), HasCode(code));
}

TEST(DocumentTest, HostileEncodings) {
  // Duplicate key: a second "pcrs" after the first (last-write-wins parsers diverge here).
  auto dup = SampleEntries();
  dup.push_back(dup[3]);
  EXPECT_THAT(ParseUnverified(Wrap(EncodeEntries(dup))), HasCode(ErrorCode::kMalformedCbor));
  // Trailing bytes after the payload map.
  Bytes payload = EncodePayload(SampleFields(), true);
  payload.push_back(0x00);
  EXPECT_THAT(ParseUnverified(Wrap(payload)), HasCode(ErrorCode::kMalformedCbor));
  // Deep nesting inside the payload.
  Bytes deep = {0xa1, 0x69};
  const std::string key = "user_data";
  deep.insert(deep.end(), key.begin(), key.end());
  deep.insert(deep.end(), 200, 0x81);
  deep.push_back(0x00);
  EXPECT_THAT(ParseUnverified(Wrap(deep)), HasCode(ErrorCode::kMalformedCbor));
  // A huge declared length for the certificate.
  EXPECT_THAT(ParseUnverified(With("certificate",
                                   [](cbor::Writer& w) {
                                     w.Head(2, 0xffffffffffull);
                                   })),
              HasCode(ErrorCode::kMalformedCbor));
  // A huge declared number of PCRs.
  EXPECT_THAT(ParseUnverified(With("pcrs", [](cbor::Writer& w) { w.Head(5, 1ull << 40); })),
              HasCode(ErrorCode::kMalformedCbor));
}

TEST(DocumentTest, RealDocumentsParseWithTheirFacts) {
  NA_REQUIRE_SHARED();
  const auto docs = ::nitro_attest::testing::RealDocuments();
  ASSERT_EQ(docs.size(), 44u);
  for (const auto& fact : docs) {
    const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(fact.path);
    auto doc = ParseUnverified(bytes);
    ASSERT_THAT(doc, IsOk()) << fact.name;
    EXPECT_EQ(doc->module_id, fact.module_id) << fact.name;
    EXPECT_EQ(doc->timestamp_ms, fact.timestamp_ms) << fact.name;
    EXPECT_EQ(doc->IsDebugMode(), fact.debug) << fact.name;
    std::vector<uint32_t> indices;
    for (const auto& [i, v] : doc->pcrs) {
      indices.push_back(i);
    }
    EXPECT_EQ(indices, fact.pcr_indices) << fact.name;
    EXPECT_EQ(doc->cabundle.size(), 4u) << fact.name;
  }
}

TEST(DocumentTest, TruncationAtEveryByteOfARealDocumentIsRejected) {
  NA_REQUIRE_SHARED();
  const auto docs = ::nitro_attest::testing::RealDocuments();
  const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(docs.front().path);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = ParseUnverified(std::span<const uint8_t>(bytes.data(), n));
    ASSERT_FALSE(r.has_value()) << "prefix of " << n << " bytes parsed";
  }
}

// DescribeCertificate reads certificates the chain walk accepts with the project's reader (no
// d2i_X509): the same subject, issuer, serial and validity as OpenSSL reads, on every
// certificate of every real document.
TEST(DescribeCertificateTest, OwnReaderAgreesWithOpenssl) {
  NA_REQUIRE_SHARED();
  const auto name = [](const X509_NAME* n) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), n, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
  };
  size_t checked = 0;
  for (const auto& real : ::nitro_attest::testing::RealDocuments()) {
    auto doc = ParseUnverified(::nitro_attest::testing::ReadFileBytes(real.path));
    ASSERT_TRUE(doc.has_value()) << real.name;
    std::vector<Bytes> certs = doc->cabundle;
    certs.push_back(doc->certificate);
    for (const Bytes& der : certs) {
      auto info = DescribeCertificate(der);
      ASSERT_TRUE(info.has_value()) << real.name;
      const unsigned char* p = der.data();
      ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
      ASSERT_NE(x, nullptr);
      EXPECT_EQ(info->subject, name(X509_get_subject_name(x.get())));
      EXPECT_EQ(info->issuer, name(X509_get_issuer_name(x.get())));
      ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr));
      Bytes serial(static_cast<size_t>(BN_num_bytes(bn.get())));
      BN_bn2bin(bn.get(), serial.data());
      EXPECT_EQ(info->serial_hex, HexEncode(serial));
      // X509_cmp_time: -1 when the certificate's time is at or before t, 1 after it.
      for (const auto& [asn1, time] : {std::pair(X509_get0_notBefore(x.get()), info->not_before),
                                       std::pair(X509_get0_notAfter(x.get()), info->not_after)}) {
        time_t t = std::chrono::system_clock::to_time_t(time);
        EXPECT_EQ(X509_cmp_time(asn1, &t), -1);
        t -= 1;
        EXPECT_EQ(X509_cmp_time(asn1, &t), 1);
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 44u * 5u);
}

}  // namespace
}  // namespace nitro_attest
