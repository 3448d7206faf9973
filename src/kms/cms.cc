// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/kms/cms.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>

#include "src/common/byte_reader.h"

namespace nitro_attest::cms {
namespace {

// DER bodies of the OIDs KMS uses.
constexpr std::array<uint8_t, 9> kOidEnvelopedData = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03};
constexpr std::array<uint8_t, 9> kOidData = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
constexpr std::array<uint8_t, 9> kOidRsaesOaep = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x07};
constexpr std::array<uint8_t, 9> kOidMgf1 = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
constexpr std::array<uint8_t, 9> kOidPSpecified = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x09};
constexpr std::array<uint8_t, 9> kOidSha256 = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
constexpr std::array<uint8_t, 9> kOidAes256Cbc = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a};
constexpr std::array<uint8_t, 9> kOidAes128Cbc = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02};

constexpr uint8_t kSequence = 0x30, kSet = 0x31, kInteger = 0x02, kOctetString = 0x04,
                  kOid = 0x06, kNull = 0x05;
constexpr int kMaxDepth = 16;
constexpr size_t kMaxInput = 64 * 1024;  // KMS's CiphertextType is at most 6144 bytes

Error Malformed(const std::string& what) {
  return MakeError(ErrorCode::kMalformedCiphertext, "CiphertextForRecipient: " + what);
}
Error Unsupported(const std::string& what) {
  return MakeError(ErrorCode::kUnsupportedAlgorithm, "CiphertextForRecipient: " + what);
}

// Element is one BER element; `content` excludes the header and, when indefinite, the EOC.
struct Element {
  uint8_t tag = 0;  // the identifier octet (class, constructed bit, number < 31)
  bool indefinite = false;
  std::span<const uint8_t> content;
  bool constructed() const { return (tag & 0x20) != 0; }
};

Status Skip(ByteReader& r, int depth);

// ReadHeader reads identifier and length octets. Lengths up to 4 octets, non-minimal allowed
// (BER); the indefinite form only on constructed elements.
Status ReadHeader(ByteReader& r, uint8_t* tag, bool* indefinite, uint64_t* length) {
  uint8_t t = 0, l = 0;
  if (!r.ReadU8(&t) || !r.ReadU8(&l)) {
    return Malformed("truncated");
  }
  if ((t & 0x1f) == 0x1f) {
    return Malformed("multi-byte tag");
  }
  *tag = t;
  *indefinite = false;
  if (l < 0x80) {
    *length = l;
  } else if (l == 0x80) {
    if ((t & 0x20) == 0) {
      return Malformed("indefinite length on a primitive element");
    }
    *indefinite = true;
    *length = 0;
  } else {
    const size_t n = l & 0x7f;
    if (n > 4 || !r.ReadBigEndian(n, length)) {
      return Malformed(n > 4 ? "length too long" : "truncated");
    }
  }
  if (!*indefinite && *length > r.remaining()) {
    return Malformed("length beyond the input");
  }
  return {};
}

bool AtEoc(const ByteReader& r) {
  const auto rest = r.rest();
  return rest.size() >= 2 && rest[0] == 0 && rest[1] == 0;
}

// ReadElement reads one element and returns its content span.
Result<Element> ReadElement(ByteReader& r, int depth) {
  if (depth > kMaxDepth) {
    return Malformed("nested too deep");
  }
  Element e;
  uint64_t length = 0;
  NA_TRY(ReadHeader(r, &e.tag, &e.indefinite, &length));
  if (e.tag == 0 && !e.indefinite && length == 0) {
    return Malformed("unexpected end-of-contents");
  }
  const std::span<const uint8_t> start = r.rest();
  if (!e.indefinite) {
    std::span<const uint8_t> content;
    r.ReadBytes(length, &content);  // bounded by ReadHeader
    e.content = content;
    return e;
  }
  while (!AtEoc(r)) {
    if (r.empty()) {
      return Malformed("truncated: missing end-of-contents");
    }
    NA_TRY(Skip(r, depth + 1));
  }
  e.content = start.first(start.size() - r.remaining());
  std::span<const uint8_t> eoc;
  r.ReadBytes(2, &eoc);
  return e;
}

Status Skip(ByteReader& r, int depth) {
  NA_ASSIGN_OR_RETURN(const Element e, ReadElement(r, depth));
  (void)e;
  return {};
}

// Expect reads the next element and requires its tag.
Result<Element> Expect(ByteReader& r, uint8_t tag, const char* what, int depth) {
  uint8_t t = 0;
  if (!r.PeekU8(&t)) {
    return Malformed(std::string(what) + " missing");
  }
  if (t != tag) {
    return Malformed(std::string(what) + " has the wrong type");
  }
  return ReadElement(r, depth);
}

bool Equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::ranges::equal(a, b);
}

Status ExpectEnd(const ByteReader& r, const char* what) {
  if (!r.empty()) {
    return Malformed(std::string("unexpected element after ") + what);
  }
  return {};
}

Status ExpectInteger(ByteReader& r, uint8_t value, const char* what, int depth) {
  NA_ASSIGN_OR_RETURN(const Element e, Expect(r, kInteger, what, depth));
  if (e.content.size() != 1 || e.content[0] != value) {
    return Malformed(std::string(what) + " is not " + std::to_string(value));
  }
  return {};
}

// ReadSha256AlgorithmId reads SEQUENCE { OID sha256 [, NULL] }; sets *had_null.
Status ReadSha256AlgorithmId(std::span<const uint8_t> content, bool* had_null, int depth) {
  ByteReader r(content);
  NA_ASSIGN_OR_RETURN(const Element oid, Expect(r, kOid, "hash algorithm", depth));
  if (!Equal(oid.content, kOidSha256)) {
    return Unsupported("OAEP hash or MGF1 hash is not SHA-256");
  }
  *had_null = false;
  if (!r.empty()) {
    NA_ASSIGN_OR_RETURN(const Element null, Expect(r, kNull, "hash parameters", depth));
    if (!null.content.empty()) {
      return Malformed("NULL with content");
    }
    *had_null = true;
  }
  return ExpectEnd(r, "hash algorithm");
}

// ExplicitSequence returns a reader over the SEQUENCE inside an explicitly tagged element
// ([0] { SEQUENCE { ... } }), which must hold nothing else.
Result<ByteReader> ExplicitSequence(const Element& tagged, const char* what, int depth) {
  ByteReader r(tagged.content);
  NA_ASSIGN_OR_RETURN(const Element inner, Expect(r, kSequence, what, depth));
  NA_TRY(ExpectEnd(r, what));
  return ByteReader(inner.content);
}

// ReadOaepParams checks RSAES-OAEP-params (RFC 4055 §4.1): hashFunc [0] SHA-256, maskGenFunc
// [1] MGF1 with SHA-256, pSourceFunc [2] absent or pSpecified with an empty label.
Status ReadOaepParams(ByteReader& alg, Envelope* out, int depth) {
  if (alg.empty()) {
    return Unsupported("RSAES-OAEP without parameters means SHA-1; KMS must use SHA-256");
  }
  NA_ASSIGN_OR_RETURN(const Element params, Expect(alg, kSequence, "OAEP parameters", depth));
  NA_TRY(ExpectEnd(alg, "OAEP parameters"));
  ByteReader p(params.content);
  if (p.empty()) {
    return Unsupported("RSAES-OAEP with empty parameters means SHA-1; KMS must use SHA-256");
  }
  uint8_t t = 0;
  p.PeekU8(&t);
  if (t != 0xa0) {
    return Unsupported("OAEP hash is the SHA-1 default");
  }
  NA_ASSIGN_OR_RETURN(const Element hash, ReadElement(p, depth + 1));
  NA_ASSIGN_OR_RETURN(const ByteReader h, ExplicitSequence(hash, "OAEP hash", depth + 2));
  NA_TRY(ReadSha256AlgorithmId(h.rest(), &out->hash_params_null, depth + 3));
  if (!p.PeekU8(&t) || t != 0xa1) {
    return Unsupported("OAEP mask generation is the MGF1-SHA-1 default");
  }
  NA_ASSIGN_OR_RETURN(const Element mgf, ReadElement(p, depth + 1));
  {
    NA_ASSIGN_OR_RETURN(ByteReader i, ExplicitSequence(mgf, "OAEP mask generation", depth + 2));
    NA_ASSIGN_OR_RETURN(const Element oid, Expect(i, kOid, "mask generation algorithm", depth + 3));
    if (!Equal(oid.content, kOidMgf1)) {
      return Unsupported("OAEP mask generation is not MGF1");
    }
    NA_ASSIGN_OR_RETURN(const Element mgf_hash, Expect(i, kSequence, "MGF1 hash", depth + 3));
    NA_TRY(ExpectEnd(i, "MGF1 parameters"));
    bool mgf_null = false;
    NA_TRY(ReadSha256AlgorithmId(mgf_hash.content, &mgf_null, depth + 4));
  }
  if (p.PeekU8(&t) && t == 0xa2) {
    NA_ASSIGN_OR_RETURN(const Element src, ReadElement(p, depth + 1));
    NA_ASSIGN_OR_RETURN(ByteReader i, ExplicitSequence(src, "OAEP label source", depth + 2));
    NA_ASSIGN_OR_RETURN(const Element oid, Expect(i, kOid, "OAEP label source", depth + 3));
    NA_ASSIGN_OR_RETURN(const Element label, Expect(i, kOctetString, "OAEP label", depth + 3));
    NA_TRY(ExpectEnd(i, "OAEP label"));
    if (!Equal(oid.content, kOidPSpecified) || !label.content.empty()) {
      return Unsupported("OAEP label is not empty");
    }
  }
  return ExpectEnd(p, "OAEP parameters");
}

Status ReadRecipient(std::span<const uint8_t> content, Envelope* out, int depth) {
  ByteReader r(content);
  NA_TRY(ExpectInteger(r, 2, "KeyTransRecipientInfo version", depth));
  uint8_t t = 0;
  if (r.PeekU8(&t) && t == kSequence) {
    return Malformed("recipient identified by issuer and serial number, not subjectKeyIdentifier");
  }
  NA_ASSIGN_OR_RETURN(const Element rid, Expect(r, 0x80, "subjectKeyIdentifier", depth));
  if (rid.content.size() != 32) {
    return Malformed("subjectKeyIdentifier is not 32 bytes (SHA-256 of the key)");
  }
  out->subject_key_id = rid.content;
  NA_ASSIGN_OR_RETURN(const Element alg, Expect(r, kSequence, "keyEncryptionAlgorithm", depth));
  ByteReader a(alg.content);
  NA_ASSIGN_OR_RETURN(const Element oid, Expect(a, kOid, "keyEncryptionAlgorithm", depth + 1));
  if (!Equal(oid.content, kOidRsaesOaep)) {
    return Unsupported("key transport is not RSAES-OAEP");
  }
  NA_TRY(ReadOaepParams(a, out, depth + 1));
  NA_ASSIGN_OR_RETURN(const Element key, Expect(r, kOctetString, "encryptedKey", depth));
  if (key.content.empty()) {
    return Malformed("encryptedKey is empty");
  }
  out->encrypted_key = key.content;
  return ExpectEnd(r, "KeyTransRecipientInfo");
}

Status ReadEncryptedContent(std::span<const uint8_t> content, Envelope* out, int depth) {
  ByteReader r(content);
  NA_ASSIGN_OR_RETURN(const Element type, Expect(r, kOid, "encrypted content type", depth));
  if (!Equal(type.content, kOidData)) {
    return Malformed("encrypted content type is not data");
  }
  NA_ASSIGN_OR_RETURN(const Element alg, Expect(r, kSequence, "contentEncryptionAlgorithm", depth));
  ByteReader a(alg.content);
  NA_ASSIGN_OR_RETURN(const Element oid, Expect(a, kOid, "contentEncryptionAlgorithm", depth + 1));
  if (!Equal(oid.content, kOidAes256Cbc)) {
    return Unsupported("content cipher is not AES-256-CBC");
  }
  NA_ASSIGN_OR_RETURN(const Element iv, Expect(a, kOctetString, "IV", depth + 1));
  if (iv.content.size() != 16) {
    return Malformed("IV is not 16 bytes");
  }
  out->iv = iv.content;
  NA_TRY(ExpectEnd(a, "contentEncryptionAlgorithm"));
  uint8_t t = 0;
  if (!r.PeekU8(&t)) {
    return Malformed("encryptedContent missing");
  }
  if (t == 0x80) {
    NA_ASSIGN_OR_RETURN(const Element c, ReadElement(r, depth));
    out->encrypted_content.assign(c.content.begin(), c.content.end());
  } else if (t == 0xa0) {
    NA_ASSIGN_OR_RETURN(const Element c, ReadElement(r, depth));
    ByteReader chunks(c.content);
    while (!chunks.empty()) {
      NA_ASSIGN_OR_RETURN(const Element chunk,
                          Expect(chunks, kOctetString, "encryptedContent chunk", depth + 1));
      out->encrypted_content.insert(out->encrypted_content.end(), chunk.content.begin(),
                                    chunk.content.end());
      ++out->content_chunks;
    }
  } else {
    return Malformed("encryptedContent has the wrong type");
  }
  if (out->encrypted_content.empty()) {
    return Malformed("encryptedContent is empty");
  }
  return ExpectEnd(r, "EncryptedContentInfo");
}

std::array<uint8_t, 32> Sha256(std::span<const uint8_t> data) {
  std::array<uint8_t, 32> d{};
  EVP_Digest(data.data(), data.size(), d.data(), nullptr, EVP_sha256(), nullptr);
  return d;
}

// BER writing, for Build.
void PutLength(Bytes& out, size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
    return;
  }
  uint8_t tmp[8];
  int k = 0;
  for (size_t v = n; v != 0; v >>= 8) {
    tmp[k++] = static_cast<uint8_t>(v & 0xff);
  }
  out.push_back(static_cast<uint8_t>(0x80 | k));
  while (k > 0) {
    out.push_back(tmp[--k]);
  }
}
Bytes Tlv(uint8_t tag, std::span<const uint8_t> content) {
  Bytes out;
  out.reserve(content.size() + 6);
  out.push_back(tag);
  PutLength(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
  return out;
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}
Bytes Indefinite(uint8_t tag, const Bytes& content) {
  Bytes out;
  out.reserve(content.size() + 4);
  out.push_back(tag);
  out.push_back(0x80);
  out.insert(out.end(), content.begin(), content.end());
  out.push_back(0);
  out.push_back(0);
  return out;
}
Bytes Sha256AlgorithmId(bool with_null) {
  Bytes content = Tlv(kOid, kOidSha256);
  if (with_null) {
    content.push_back(kNull);
    content.push_back(0);
  }
  return Tlv(kSequence, content);
}

}  // namespace

Result<Envelope> Parse(std::span<const uint8_t> der) {
  if (der.empty() || der.size() > kMaxInput) {
    return Malformed(der.empty() ? "empty" : "larger than 64 KiB");
  }
  Envelope out;
  ByteReader top(der);
  NA_ASSIGN_OR_RETURN(const Element info, Expect(top, kSequence, "ContentInfo", 0));
  if (!top.empty()) {
    return Malformed("bytes after the ContentInfo");
  }
  ByteReader ci(info.content);
  NA_ASSIGN_OR_RETURN(const Element type, Expect(ci, kOid, "contentType", 1));
  if (!Equal(type.content, kOidEnvelopedData)) {
    return Malformed("content type is not envelopedData");
  }
  NA_ASSIGN_OR_RETURN(const Element wrapper, Expect(ci, 0xa0, "content", 1));
  NA_TRY(ExpectEnd(ci, "ContentInfo"));
  ByteReader w(wrapper.content);
  NA_ASSIGN_OR_RETURN(const Element env, Expect(w, kSequence, "EnvelopedData", 2));
  NA_TRY(ExpectEnd(w, "EnvelopedData"));
  ByteReader e(env.content);
  NA_TRY(ExpectInteger(e, 2, "EnvelopedData version", 3));
  uint8_t t = 0;
  if (e.PeekU8(&t) && t == 0xa0) {
    return Malformed("originatorInfo present");
  }
  NA_ASSIGN_OR_RETURN(const Element recipients, Expect(e, kSet, "recipientInfos", 3));
  ByteReader rs(recipients.content);
  NA_ASSIGN_OR_RETURN(const Element ktri, Expect(rs, kSequence, "KeyTransRecipientInfo", 4));
  if (!rs.empty()) {
    return Malformed("more than one recipient");
  }
  NA_TRY(ReadRecipient(ktri.content, &out, 5));
  NA_ASSIGN_OR_RETURN(const Element eci, Expect(e, kSequence, "EncryptedContentInfo", 3));
  NA_TRY(ReadEncryptedContent(eci.content, &out, 4));
  if (!e.empty()) {
    return Malformed("unprotectedAttrs or other elements after the content");
  }
  return out;
}

Result<RecipientKey> RecipientKeyFrom(ossl::EvpPkeyPtr key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return MakeError(ErrorCode::kInvalidArgument, "recipient key is not RSA");
  }
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "encoding the recipient public key");
  }
  RecipientKey out;
  out.spki_der.assign(der, der + len);
  OPENSSL_free(der);
  const auto ski = Sha256(out.spki_der);
  out.subject_key_id.assign(ski.begin(), ski.end());
  out.key = std::move(key);
  return out;
}

Result<RecipientKey> GenerateRecipientKey() {
  ossl::EvpPkeyPtr key(EVP_RSA_gen(2048));
  if (key == nullptr) {
    return ossl::OsslError(ErrorCode::kCryptoError, "generating an RSA-2048 key");
  }
  return RecipientKeyFrom(std::move(key));
}

Result<SecretBytes> Decrypt(std::span<const uint8_t> der, const RecipientKey& key) {
  NA_ASSIGN_OR_RETURN(const Envelope env, Parse(der));
  if (!Equal(env.subject_key_id, key.subject_key_id)) {
    return MakeError(ErrorCode::kRecipientMismatch,
                     "CiphertextForRecipient is for another key (its subjectKeyIdentifier is not "
                     "SHA-256 of our public key)");
  }
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.key.get(), nullptr));
  if (ctx == nullptr || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "setting up RSA-OAEP");
  }
  std::array<uint8_t, 512> cek_buf{};
  size_t cek_len = cek_buf.size();
  if (env.encrypted_key.size() > cek_buf.size() ||
      EVP_PKEY_decrypt(ctx.get(), cek_buf.data(), &cek_len, env.encrypted_key.data(),
                       env.encrypted_key.size()) <= 0) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kCryptoError,
                     "CiphertextForRecipient: the content key does not unwrap with our key "
                     "(RSAES-OAEP-SHA-256)");
  }
  const SecretBytes cek(cek_buf.begin(), cek_buf.begin() + static_cast<ptrdiff_t>(cek_len));
  OPENSSL_cleanse(cek_buf.data(), cek_buf.size());
  if (cek.size() != 32) {
    return MakeError(ErrorCode::kCryptoError,
                     "CiphertextForRecipient: the content key is " + std::to_string(cek.size()) +
                         " bytes, not 32 (AES-256)");
  }
  if (env.encrypted_content.size() % 16 != 0) {
    return Malformed("encrypted content is not a whole number of AES blocks");
  }
  ossl::EvpCipherCtxPtr cipher(EVP_CIPHER_CTX_new());
  Bytes plain(env.encrypted_content.size() + 16);
  int n1 = 0, n2 = 0;
  if (cipher == nullptr ||
      EVP_DecryptInit_ex(cipher.get(), EVP_aes_256_cbc(), nullptr, cek.data(),
                         env.iv.data()) <= 0 ||
      EVP_DecryptUpdate(cipher.get(), plain.data(), &n1, env.encrypted_content.data(),
                        static_cast<int>(env.encrypted_content.size())) <= 0) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return ossl::OsslError(ErrorCode::kCryptoError, "AES-256-CBC");
  }
  if (EVP_DecryptFinal_ex(cipher.get(), plain.data() + n1, &n2) <= 0) {
    OPENSSL_cleanse(plain.data(), plain.size());
    ossl::DrainErrors();
    return MakeError(ErrorCode::kCryptoError,
                     "CiphertextForRecipient: the content's PKCS#7 padding is wrong (corrupted "
                     "content or content key)");
  }
  plain.resize(static_cast<size_t>(n1 + n2));  // shrinking keeps the wiped capacity
  return TakeSecret(plain);
}

Result<Bytes> Build(std::span<const uint8_t> plaintext, std::span<const uint8_t> recipient_spki_der,
                    const BuildOptions& options) {
  const unsigned char* p = recipient_spki_der.data();
  ossl::EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(recipient_spki_der.size())));
  if (pub == nullptr || EVP_PKEY_get_base_id(pub.get()) != EVP_PKEY_RSA ||
      p != recipient_spki_der.data() + recipient_spki_der.size()) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kInvalidArgument, "recipient public key is not an RSA SPKI");
  }
  const size_t key_size = options.aes128 ? 16 : 32;
  std::array<uint8_t, 32> cek{};
  std::array<uint8_t, 16> iv{};
  if (RAND_bytes(cek.data(), static_cast<int>(key_size)) != 1 || RAND_bytes(iv.data(), 16) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "random content key");
  }
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub.get(), nullptr));
  size_t wrapped_len = 0;
  if (ctx == nullptr || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &wrapped_len, cek.data(), key_size) <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "RSA-OAEP setup");
  }
  Bytes wrapped(wrapped_len);
  if (EVP_PKEY_encrypt(ctx.get(), wrapped.data(), &wrapped_len, cek.data(), key_size) <= 0) {
    return ossl::OsslError(ErrorCode::kCryptoError, "RSA-OAEP");
  }
  wrapped.resize(wrapped_len);
  ossl::EvpCipherCtxPtr cipher(EVP_CIPHER_CTX_new());
  Bytes content(plaintext.size() + 16);
  int n1 = 0, n2 = 0;
  if (cipher == nullptr ||
      EVP_EncryptInit_ex(cipher.get(), options.aes128 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(),
                         nullptr, cek.data(), iv.data()) <= 0 ||
      EVP_EncryptUpdate(cipher.get(), content.data(), &n1, plaintext.data(),
                        static_cast<int>(plaintext.size())) <= 0 ||
      EVP_EncryptFinal_ex(cipher.get(), content.data() + n1, &n2) <= 0) {
    OPENSSL_cleanse(cek.data(), cek.size());
    return ossl::OsslError(ErrorCode::kCryptoError, "AES-CBC");
  }
  OPENSSL_cleanse(cek.data(), cek.size());
  content.resize(static_cast<size_t>(n1 + n2));

  const auto ski = Sha256(recipient_spki_der);
  const Bytes mgf = Tlv(kSequence, Cat({Tlv(kOid, kOidMgf1), Sha256AlgorithmId(options.hash_params_null)}));
  const Bytes oaep_params =
      Tlv(kSequence, Cat({Tlv(0xa0, Sha256AlgorithmId(options.hash_params_null)), Tlv(0xa1, mgf)}));
  const Bytes key_alg = Tlv(kSequence, Cat({Tlv(kOid, kOidRsaesOaep), oaep_params}));
  const Bytes ktri = Tlv(kSequence, Cat({Tlv(kInteger, Bytes{2}), Tlv(0x80, ski), key_alg,
                                         Tlv(kOctetString, wrapped)}));
  Bytes encrypted;
  if (options.chunk_size == 0) {
    encrypted = Tlv(0x80, content);
  } else {
    Bytes chunks;
    for (size_t off = 0; off < content.size(); off += options.chunk_size) {
      const size_t n = std::min(options.chunk_size, content.size() - off);
      const Bytes c = Tlv(kOctetString, std::span(content).subspan(off, n));
      chunks.insert(chunks.end(), c.begin(), c.end());
    }
    encrypted = Indefinite(0xa0, chunks);
  }
  const Bytes content_alg = Tlv(
      kSequence, Cat({Tlv(kOid, options.aes128 ? std::span<const uint8_t>(kOidAes128Cbc)
                                               : std::span<const uint8_t>(kOidAes256Cbc)),
                      Tlv(kOctetString, iv)}));
  const Bytes eci = Indefinite(kSequence, Cat({Tlv(kOid, kOidData), content_alg, encrypted}));
  const Bytes env = Indefinite(kSequence, Cat({Tlv(kInteger, Bytes{2}), Tlv(kSet, ktri), eci}));
  return Indefinite(kSequence, Cat({Tlv(kOid, kOidEnvelopedData), Indefinite(0xa0, env)}));
}

}  // namespace nitro_attest::cms
