// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// make_corpus writes the committed seed corpora: `fuzz_make_corpus OUT_DIR` fills
// OUT_DIR/<target>/ with emulator output, documents signed by the seeded chain (valid and
// negative), the NSM spec's example messages (spec §2.2, §2.3), protocol messages, frames and
// small hand-made CBOR and text cases. Real AWS documents are never written here (project rule);
// scripts/fuzz.sh adds them at run time from ../shared.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_env.h"
#include "nitro_attest/eif.h"
#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/nsm.h"
#include "src/cbor/cbor.h"
#include "src/document/builder.h"
#include "src/nsm/wire.h"
#include "src/kms/cms.h"
#include "src/pki/pki.h"
#include "src/protocol/messages.h"
#include "src/protocol/seal.h"

namespace nitro_attest::fuzz {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "make_corpus: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T Must(Result<T> r, const char* what) {
  if (!r) {
    Die(std::string(what) + ": " + r.error().detail);
  }
  return std::move(r).value();
}

Bytes Hex(std::string_view hex) {
  std::string clean;
  for (char c : hex) {
    if (c != ' ') {
      clean.push_back(c);
    }
  }
  return Must(HexDecode(clean), "hex");
}

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

class Corpus {
 public:
  // `only`, when not empty, names the targets to write; the others are left as they are (the
  // emulator's signatures differ on every run, so regenerating a target churns its files).
  Corpus(fs::path root, std::vector<std::string> only)
      : root_(std::move(root)), only_(std::move(only)) {}
  void Put(const std::string& target, const std::string& name, std::span<const uint8_t> bytes) {
    if (!only_.empty() && std::find(only_.begin(), only_.end(), target) == only_.end()) {
      return;
    }
    const fs::path dir = root_ / target;
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      Die("cannot write " + (dir / name).string());
    }
  }

 private:
  fs::path root_;
  std::vector<std::string> only_;
};

Bytes Frame(std::span<const uint8_t> message) {
  const auto n = static_cast<uint32_t>(message.size());
  Bytes out = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
               static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

void Documents(Corpus& c, NsmClient& nsm, std::vector<Bytes>* valid) {
  const Bytes plain = Must(nsm.Attestation({}), "attestation");
  c.Put("document", "emulator-plain", plain);
  AttestationRequest full;
  full.user_data = Text("user data from the fuzz corpus");
  full.nonce = Bytes(32, 0x5a);
  full.public_key = Hex("3076301006072a8648ce3d020106052b81040022036200");
  const Bytes with_fields = Must(nsm.Attestation(full), "attestation");
  c.Put("document", "emulator-fields", with_fields);
  AttestationRequest empty;
  empty.user_data = Bytes{};
  empty.nonce = Bytes{};
  c.Put("document", "emulator-empty-fields", Must(nsm.Attestation(empty), "attestation"));
  Bytes tagged = {0xd2};
  tagged.insert(tagged.end(), plain.begin(), plain.end());
  c.Put("document", "emulator-tagged", tagged);
  valid->push_back(plain);
  valid->push_back(with_fields);

  // Negatives from the valid ones.
  Bytes bad_sig = plain;
  bad_sig.back() ^= 0x01;
  c.Put("document", "neg-bad-signature", bad_sig);
  c.Put("document", "neg-truncated", std::span<const uint8_t>(plain).first(plain.size() / 2));
  Bytes trailing = plain;
  trailing.push_back(0x00);
  c.Put("document", "neg-trailing-byte", trailing);
  Bytes other_tag = plain;
  other_tag.insert(other_tag.begin(), 0xd1);
  c.Put("document", "neg-tag-17", other_tag);
}

void SignedDocuments(Corpus& c) {
  pki::PkiOptions po;
  po.seed = kFuzzSeed;
  po.now = FuzzClock();
  const pki::Pki pki = Must(pki::GeneratePki(po), "pki");
  const std::span<const uint8_t> root = FuzzRootDer();
  if (!std::equal(pki.root_der.begin(), pki.root_der.end(), root.begin(), root.end())) {
    Die("GeneratePki's seeded root differs from the emulator's");
  }
  AttestationDocument base;
  base.module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  base.digest = "SHA384";
  base.timestamp_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(FuzzClock().time_since_epoch())
          .count());
  for (uint32_t i = 0; i < 16; ++i) {
    base.pcrs[i] = Bytes(48, static_cast<uint8_t>(i + 1));
  }
  base.certificate = pki.leaf_der;
  base.cabundle = pki.cabundle();
  const auto sign = [&](const AttestationDocument& d, bool indefinite, bool tagged = false) {
    return Must(SignDocument(EncodePayload(d, indefinite), pki.leaf_key.get(), tagged), "sign");
  };
  c.Put("document", "signed-definite", sign(base, false));
  c.Put("document", "signed-indefinite-tagged", sign(base, true, true));

  AttestationDocument d = base;
  d.timestamp_ms += 3600 * 1000;  // an hour after the verification time
  c.Put("document", "neg-signed-from-future", sign(d, true));
  d = base;
  for (uint32_t i : {0u, 1u, 2u}) {
    d.pcrs[i] = Bytes(48, 0);
  }
  c.Put("document", "neg-signed-debug-mode", sign(d, true));
  d = base;
  d.nonce = Bytes(1025, 0x01);
  c.Put("document", "neg-signed-nonce-1025", sign(d, true));
  d = base;
  d.pcrs[5] = Bytes(32, 0x05);
  c.Put("document", "neg-signed-pcr-32-bytes", sign(d, true));
  d = base;
  d.cabundle.erase(d.cabundle.begin() + 1);  // a gap in the chain
  c.Put("document", "neg-signed-chain-gap", sign(d, true));
  d = base;
  d.cabundle.front().back() ^= 0x01;  // not the pinned root
  c.Put("document", "neg-signed-root-differs", sign(d, true));
  d = base;
  d.certificate = pki.intermediates.back();  // signature does not match this "leaf"
  c.Put("document", "neg-signed-wrong-leaf", sign(d, true));
  // Another algorithm in the protected header: {1: -7} (ES256).
  c.Put("document", "neg-alg-es256",
        AssembleCoseSign1(Hex("a10126"), EncodePayload(base, true), Bytes(96, 0x11)));
}

void NsmMessages(Corpus& c, NsmEmulator& emulator) {
  // Spec §2.2 examples, byte for byte.
  const std::pair<const char*, const char*> requests[] = {
      {"spec-describe-pcr", "a1 6b 4465736372696265504352 a1 65 696e646578 00"},
      {"spec-extend-pcr", "a1 69 457874656e64504352 a2 65 696e646578 10 64 64617461 43 010203"},
      {"spec-lock-pcr", "a1 67 4c6f636b504352 a1 65 696e646578 10"},
      {"spec-lock-pcrs", "a1 68 4c6f636b50435273 a1 65 72616e6765 18 20"},
      {"spec-describe-nsm", "6b 44657363726962654e534d"},
      {"spec-attestation-nonce",
       "a1 6b 4174746573746174696f6e a3 69 757365725f64617461 f6 65 6e6f6e6365 44 00010203 6a "
       "7075626c69635f6b6579 f6"},
      {"spec-attestation-null",
       "a1 6b 4174746573746174696f6e a3 69 757365725f64617461 f6 65 6e6f6e6365 f6 6a "
       "7075626c69635f6b6579 f6"},
      {"spec-get-random", "69 47657452616e646f6d"},
      // What an NSM also accepts (spec §2.11): fields reordered, text for bytes, an unknown
      // field, an indefinite outer map.
      {"lenient-extend-reordered",
       "a1 69 457874656e64504352 a2 64 64617461 63 616263 65 696e646578 11"},
      {"lenient-attestation-unknown-field", "a1 6b 4174746573746174696f6e a1 63 666f6f 01"},
      {"lenient-indefinite-outer", "bf 67 4c6f636b504352 a1 65 696e646578 10 ff"},
      {"neg-unknown-unit", "67 556e6b6e6f776e"},
      {"neg-describe-pcr-index-65536", "a1 6b 4465736372696265504352 a1 65 696e646578 1a 00010000"},
      {"neg-two-pairs",
       "a2 67 4c6f636b504352 a1 65 696e646578 10 68 4c6f636b50435273 a1 65 72616e6765 01"},
      {"neg-not-cbor", "ff ff ff"},
  };
  for (const auto& [name, hex] : requests) {
    const Bytes req = Hex(hex);
    c.Put("nsm_request", name, req);
    c.Put("cbor", std::string("nsm-request-") + name, req);
    // The emulator's answer to each is a response seed.
    const Bytes answer = Must(emulator.Call(req), "emulator call");
    c.Put("nsm_response", std::string("emulator-") + name, answer);
  }
  Bytes big = Hex("a1 69 457874656e64504352 a2 65 696e646578 10 64 64617461 59 1000");
  big.resize(big.size() + 0x1000, 0xab);
  c.Put("nsm_request", "neg-input-too-large", big);
  c.Put("nsm_response", "emulator-input-too-large", Must(emulator.Call(big), "emulator call"));

  // Spec §2.3 response shapes.
  const std::pair<const char*, const char*> responses[] = {
      {"spec-lock-pcr", "67 4c6f636b504352"},
      {"spec-lock-pcrs", "68 4c6f636b50435273"},
      {"spec-error-invalid-index", "a1 65 4572726f72 6c 496e76616c6964496e646578"},
      {"neg-error-unknown-name", "a1 65 4572726f72 63 466f6f"},
      {"neg-indefinite-outer", "bf 65 4572726f72 6c 496e76616c6964496e646578 ff"},
  };
  for (const auto& [name, hex] : responses) {
    c.Put("nsm_response", name, Hex(hex));
  }
  Bytes describe_pcr = Hex("a1 6b 4465736372696265504352 a2 64 6c6f636b f5 64 64617461 58 30");
  describe_pcr.resize(describe_pcr.size() + 48, 0x42);
  c.Put("nsm_response", "spec-describe-pcr", describe_pcr);
  Bytes random = Hex("a1 69 47657452616e646f6d a1 66 72616e646f6d 59 01 00");
  random.resize(random.size() + 256, 0x17);
  c.Put("nsm_response", "spec-get-random", random);
}

void ChannelAndMessages(Corpus& c, const std::vector<Bytes>& documents) {
  using protocol::EncodeMessage;
  const Bytes challenge = EncodeMessage(protocol::ChallengeMsg{Bytes(32, 0x07), Text("hello")});
  const Bytes challenge_plain = EncodeMessage(protocol::ChallengeMsg{Bytes(16, 0x08), {}});
  const Bytes attestation = EncodeMessage(protocol::AttestationMsg{documents.front()});
  const Bytes sealed =
      EncodeMessage(protocol::SealedMsg{Bytes(120, 0x04), Bytes(48, 0x33), std::nullopt});
  const Bytes sealed_signed =
      EncodeMessage(protocol::SealedMsg{Bytes(120, 0x04), Bytes(48, 0x33), Bytes(96, 0x51)});
  const Bytes finish = EncodeMessage(protocol::FinishMsg{});
  const Bytes ack = EncodeMessage(protocol::AckMsg{Bytes(48, 0x99)});
  const Bytes abort = EncodeMessage(protocol::AbortMsg{ErrorCode::kBadSignature});
  c.Put("channel", "session-parent-side", Concat({Frame(challenge), Frame(sealed), Frame(finish)}));
  c.Put("channel", "session-enclave-side", Concat({Frame(attestation), Frame(ack)}));
  c.Put("channel", "frame-challenge-plain", Frame(challenge_plain));
  c.Put("channel", "frame-abort", Frame(abort));
  c.Put("channel", "message-challenge", challenge);
  c.Put("channel", "message-finish", finish);
  c.Put("channel", "message-sealed-signed", sealed_signed);
  // Version 1's abort carried a text reason; text from the peer is refused now.
  c.Put("channel", "neg-message-abort-text-reason",
        Frame(Hex("a2 64 74797065 65 61626f7274 66 726561736f6e 63 1b5b41")));
  // Reordered keys: accepted, same pairs.
  c.Put("channel", "message-ack-reordered",
        Concat({Hex("a2 65 70726f6f66 5830"), Bytes(48, 0x99), Hex("64 74797065 63 61636b")}));
  c.Put("channel", "neg-frame-empty", Hex("00000000"));
  c.Put("channel", "neg-frame-oversize", Hex("7fffffff 00"));
  c.Put("channel", "neg-frame-truncated-body", Hex("00000010 a1"));
  c.Put("channel", "neg-frame-truncated-header", Hex("0000"));
  c.Put("channel", "neg-message-unknown-type", Frame(Hex("a1 64 74797065 63 666f6f")));
  c.Put("channel", "neg-message-extra-field",
        Frame(Hex("a2 64 74797065 66 66696e697368 61 78 01")));
  for (const auto& [name, m] :
       {std::pair{"challenge", challenge}, std::pair{"sealed", sealed},
        std::pair{"sealed-signed", sealed_signed}, std::pair{"ack", ack},
        std::pair{"abort", abort}}) {
    c.Put("cbor", std::string("protocol-") + name, m);
  }
}

// Sessions: what a hostile peer sends to either side (fuzz/session_fuzz.cc). The first byte
// picks the side under test: 0 the enclave, 1 the parent.
void Sessions(Corpus& c, NsmClient& nsm) {
  using protocol::EncodeMessage;
  const auto side = [](uint8_t s, std::initializer_list<Bytes> frames) {
    Bytes out = {s};
    for (const Bytes& f : frames) {
      out.insert(out.end(), f.begin(), f.end());
    }
    return out;
  };
  const Bytes challenge = Frame(EncodeMessage(protocol::ChallengeMsg{Bytes(32, 0x07), {}}));
  const Bytes key = Must(protocol::PublicKeyDer(Must(protocol::GenerateP384Key(), "key").get()),
                         "key");
  const Bytes sealed =
      Frame(EncodeMessage(protocol::SealedMsg{key, Bytes(48, 0x33), std::nullopt}));
  const Bytes sealed_signed =
      Frame(EncodeMessage(protocol::SealedMsg{key, Bytes(48, 0x33), Bytes(96, 0x51)}));
  c.Put("session", "enclave-finish",
        side(0, {challenge, Frame(EncodeMessage(protocol::FinishMsg{}))}));
  c.Put("session", "enclave-sealed-unsigned", side(0, {challenge, sealed}));
  c.Put("session", "enclave-sealed-signed", side(0, {challenge, sealed_signed}));
  c.Put("session", "enclave-abort",
        side(0, {challenge, Frame(EncodeMessage(protocol::AbortMsg{ErrorCode::kPcrMismatch}))}));

  // A document bound to the harness's nonce and a real session key verifies: the parent seals.
  AttestationRequest bound;
  bound.nonce = Bytes(32, kFuzzSessionNonceByte);
  bound.public_key = key;
  const Bytes attestation =
      Frame(EncodeMessage(protocol::AttestationMsg{Must(nsm.Attestation(bound), "attestation")}));
  bound.user_data = Text("added by a relay");
  const Bytes with_user_data =
      Frame(EncodeMessage(protocol::AttestationMsg{Must(nsm.Attestation(bound), "attestation")}));
  c.Put("session", "parent-sealed-then-wrong-proof",
        side(1, {attestation, Frame(EncodeMessage(protocol::AckMsg{Bytes(48, 0)}))}));
  c.Put("session", "parent-sealed-then-refused",
        side(1, {attestation,
                 Frame(EncodeMessage(protocol::AbortMsg{ErrorCode::kParentNotAuthenticated}))}));
  c.Put("session", "parent-unrequested-user-data", side(1, {with_user_data}));
  c.Put("session", "parent-abort",
        side(1, {Frame(EncodeMessage(protocol::AbortMsg{static_cast<ErrorCode>(200)}))}));
}

void Cbor(Corpus& c, const std::vector<Bytes>& documents) {
  const std::pair<const char*, const char*> items[] = {
      {"uint-0", "00"},
      {"uint-23", "17"},
      {"uint-24", "1818"},
      {"uint-256", "190100"},
      {"uint-2p32", "1b 0000000100000000"},
      {"neg-1000", "3903e7"},
      {"bytes-empty", "40"},
      {"bytes", "43 010203"},
      {"text-utf8", "63 e282ac"},
      {"array", "83 01 02 03"},
      {"map", "a2 01 02 61 61 f6"},
      {"indefinite-array", "9f 01 9f ff ff"},
      {"indefinite-map", "bf 61 61 f5 ff"},
      {"simple", "83 f4 f5 f6"},
      {"bad-non-shortest", "18 17"},
      {"bad-tag", "c0 00"},
      {"bad-float", "f9 3c00"},
      {"bad-indefinite-bytes", "5f 41 00 ff"},
      {"bad-duplicate-key", "a2 01 01 01 02"},
      {"bad-trailing", "00 00"},
      {"bad-truncated", "43 0102"},
      {"bad-utf8", "62 c0 80"},
      {"bad-break", "ff"},
      {"bad-huge-length", "9b ffffffffffffffff"},
      {"bad-key-type", "a1 80 01"},
      {"bad-surrogate", "63 eda080"},
  };
  for (const auto& [name, hex] : items) {
    c.Put("cbor", name, Hex(hex));
  }
  c.Put("cbor", "bad-deep", Bytes(17, 0x81));
  c.Put("cbor", "document", documents.front());
  const cbor::Item outer = Must(cbor::Decode(documents.front()), "decode document");
  c.Put("cbor", "document-payload", outer.items[2].bytes);
}

void Encoding(Corpus& c, const std::vector<Bytes>& documents) {
  const std::pair<const char*, std::string> texts[] = {
      {"hex-lower", "00ff10ab"},
      {"hex-prefixed-upper", "0xDEADBEEF"},
      {"hex-odd", "abc"},
      {"hex-bad-digit", "0g"},
      {"hex-prefixed", "0x8401d2ab\n"},
      {"hex-spaced", "84 01\nd2 ab\n"},
      {"b64-padded", "aGVsbG8="},
      {"b64-unpadded", "aGVsbG8"},
      {"b64-url", "-_-_"},
      {"b64-wrapped", "aGVs\nbG8g\r\nd29y bGQ="},
      {"b64-bad-trailing-bits", "aGVsbG9="},
      {"b64-bad-char", "aGV*bG8="},
      {"b64-data-after-padding", "aA==aA=="},
      {"b64-short", "a"},
      {"empty", ""},
  };
  for (const auto& [name, text] : texts) {
    c.Put("encoding", name, Text(text));
  }
  c.Put("encoding", "document-raw", documents.front());
  c.Put("encoding", "document-base64", Text(Base64Encode(documents.front())));
  c.Put("encoding", "document-hex", Text(HexEncode(documents.back())));
}

// X509 seeds: the seeded chain's five certificates and two that the chain walk refuses for
// their keys (P-256, compressed P-384), so mutations start from every branch of the reader.
void X509Certs(Corpus& c) {
  pki::PkiOptions po;
  po.seed = kFuzzSeed;
  po.now = FuzzClock();
  const pki::Pki pki = Must(pki::GeneratePki(po), "pki");
  c.Put("x509", "root", pki.root_der);
  const char* names[] = {"regional", "zonal", "instance"};
  for (size_t i = 0; i < pki.intermediates.size() && i < 3; ++i) {
    c.Put("x509", names[i], pki.intermediates[i]);
  }
  c.Put("x509", "leaf", pki.leaf_der);
  pki::CertSpec spec;
  spec.subject = {{"CN", "fuzz.leaf.insecure"}};
  spec.not_before = FuzzClock();
  spec.not_after = FuzzClock() + std::chrono::hours(3);
  spec.key_type = pki::KeyType::kP256;
  c.Put("x509", "leaf-p256",
        Must(pki::Issue(spec, pki.intermediates.back(), pki.instance_key.get()), "p256 leaf").der);
  spec.key_type = pki::KeyType::kP384;
  ossl::EvpPkeyPtr key(EVP_EC_gen("P-384"));
  if (!key ||
      EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED) != 1) {
    Die("compressed key");
  }
  spec.subject_key = key.get();
  c.Put("x509", "leaf-compressed-key",
        Must(pki::Issue(spec, pki.intermediates.back(), pki.instance_key.get()), "compressed leaf")
            .der);
}

// KMS seeds: CiphertextForRecipient in every shape KMS (and OpenSSL) writes and a few it must
// refuse; HTTP responses and requests as KMS and the test service exchange them.
void Kms(Corpus& c) {
  const cms::RecipientKey key = Must(cms::GenerateRecipientKey(), "rsa key");
  const Bytes small = Text("a 32-byte AES data key goes here");
  const Bytes large(2100, 0x5a);
  c.Put("kms_cms", "chunked-32", Must(cms::Build(small, key.spki_der), "cms"));
  c.Put("kms_cms", "chunked-3-chunks", Must(cms::Build(large, key.spki_der), "cms"));
  c.Put("kms_cms", "primitive", Must(cms::Build(small, key.spki_der, {0, true, false}), "cms"));
  c.Put("kms_cms", "no-null-params", Must(cms::Build(small, key.spki_der, {1000, false, false}), "cms"));
  c.Put("kms_cms", "neg-aes128", Must(cms::Build(small, key.spki_der, {1000, true, true}), "cms"));
  Bytes truncated = Must(cms::Build(small, key.spki_der), "cms");
  truncated.resize(truncated.size() / 2);
  c.Put("kms_cms", "neg-truncated", truncated);

  c.Put("http_response", "kms-200",
        Text("HTTP/1.1 200 OK\r\nx-amzn-RequestId: 6c6ea1ad-3b0d-4e61-9c0b-6b1e0d3e41c7\r\n"
             "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 65\r\n\r\n"
             "{\"CiphertextForRecipient\":\"MIAGCSqGSIb3DQEHA6CAMIA=\",\"KeyId\":\"k\"}"));
  c.Put("http_response", "kms-400-access-denied",
        Text("HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n"
             "Content-Length: 61\r\n\r\n{\"__type\":\"AccessDeniedException\",\"message\":\"not "
             "authorized\"}"));
  c.Put("http_response", "chunked",
        Text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\n"
             "3\r\n:1}\r\n0\r\nTrailer: x\r\n\r\n"));
  c.Put("http_response", "close-delimited", Text("HTTP/1.0 200 OK\r\nServer: x\r\n\r\n{}"));
  c.Put("http_response", "no-content-204", Text("HTTP/1.1 204 No Content\r\n\r\n"));
  c.Put("http_response", "request-kms",
        Text("POST / HTTP/1.1\r\nHost: kms.us-east-1.amazonaws.com\r\nContent-Type: "
             "application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.Decrypt\r\n"
             "Content-Length: 2\r\n\r\n{}"));
  c.Put("http_response", "neg-both-framings",
        Text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}"));
  c.Put("http_response", "neg-not-http", Text("SSH-2.0-OpenSSH_9.2\r\n"));
}

Bytes ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Enclave images: nitro-eif's builder on small parts (the eif.md vector among them), a signed
// one (the seeded root's key), and refusals made from them by editing bytes.
void Eifs(Corpus& c) {
  char tmpl[] = "/tmp/make_corpus_eif.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    Die("mkdtemp");
  }
  const fs::path dir(tmpl);
  const auto put = [&](const char* name, std::string_view text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return (dir / name).string();
  };
  std::string kernel;
  for (int i = 0; i < 10; ++i) {
    kernel += "KERNEL";
  }
  EifBuildSpec spec;
  spec.kernel_path = put("kernel", kernel);
  spec.cmdline = "console=ttyS0";
  spec.ramdisk_paths = {put("r0", "RAMDISK0"), put("r1", "RAMDISK1-app")};
  spec.metadata = Text(
      "{\"ImageName\":\"t\",\"ImageVersion\":\"1\",\"BuildMetadata\":{\"BuildTime\":"
      "\"1970-01-01T00:00:00+00:00\",\"BuildTool\":\"x\",\"BuildToolVersion\":\"0\","
      "\"OperatingSystem\":\"Linux\",\"KernelVersion\":\"0\"},\"DockerInfo\":{},"
      "\"CustomMetadata\":null}");
  const auto build = [&](const char* name, const EifBuildSpec& s) {
    Must(BuildEif(s, (dir / name).string()), "build eif");
    Bytes bytes = ReadAll(dir / name);
    c.Put("eif", name, bytes);
    return bytes;
  };
  const Bytes vector = build("vector", spec);
  EifBuildSpec one = spec;
  one.ramdisk_paths.pop_back();
  build("one-ramdisk", one);
  EifBuildSpec arm = spec;
  arm.flags = kEifFlagArm64;
  arm.ramdisk_paths.push_back(put("r2", ""));
  arm.ramdisk_paths.push_back(put("r3", "third"));
  build("arm64-four-ramdisks", arm);
  pki::PkiOptions po;
  po.seed = kFuzzSeed;
  po.now = FuzzClock();
  const pki::Pki pki = Must(pki::GeneratePki(po), "pki");
  EifBuildSpec signed_spec = spec;
  signed_spec.signer =
      EifSigner{Text(pki.RootPem()), Text(pki::PrivateKeyPem(pki.root_key.get()))};
  const Bytes signed_image = build("signed", signed_spec);
  fs::remove_all(dir);

  Bytes b = vector;
  b.insert(b.end(), {0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'X'});
  c.Put("eif", "neg-hidden-section", b);
  b = vector;
  b[874 + 11] = 4;  // ramdisk 0's section header says 4 bytes, the table 8
  c.Put("eif", "neg-size-differs", b);
  b = vector;
  b[621] = 1;  // the cmdline section becomes a second kernel
  c.Put("eif", "neg-second-kernel", b);
  c.Put("eif", "neg-truncated", std::span<const uint8_t>(vector).first(700));
  b = vector;
  b[28 + 8 * 3 + 7] += 2;  // a gap in the table
  c.Put("eif", "neg-table-gap", b);
  b = signed_image;
  b[b.size() - 1] ^= 1;  // the COSE signature's last byte: reported, not refused
  c.Put("eif", "signed-bad-signature", b);
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [TARGET...] (OUT_DIR normally fuzz/corpus)\n",
                 argv[0]);
    return 2;
  }
  Corpus corpus{fs::path(argv[1]), std::vector<std::string>(argv + 2, argv + argc)};
  auto emulator = Must(NsmEmulator::Create(FuzzEmulatorOptions()), "emulator");
  NsmClient client(emulator->NewHandle());
  std::vector<Bytes> documents;
  Documents(corpus, client, &documents);
  // The older definite payload map, from a second emulator on the same seed.
  NsmEmulatorOptions definite = FuzzEmulatorOptions();
  definite.indefinite_payload_map = false;
  auto emulator2 = Must(NsmEmulator::Create(definite), "emulator");
  NsmClient client2(emulator2->NewHandle());
  corpus.Put("document", "emulator-definite", Must(client2.Attestation({}), "attestation"));
  SignedDocuments(corpus);
  NsmMessages(corpus, *emulator);
  ChannelAndMessages(corpus, documents);
  Sessions(corpus, client);
  Cbor(corpus, documents);
  Encoding(corpus, documents);
  X509Certs(corpus);
  Kms(corpus);
  Eifs(corpus);
  std::printf("corpus written to %s\n", argv[1]);
  return 0;
}

}  // namespace
}  // namespace nitro_attest::fuzz

int main(int argc, char** argv) { return nitro_attest::fuzz::Main(argc, argv); }
