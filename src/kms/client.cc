// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// KmsClient: one JSON POST per operation, SigV4-signed, over a kept-alive TLS connection; the
// Recipient (our RSA-2048 key's attestation document) on every secret-returning operation, and
// the secret taken only from CiphertextForRecipient.
#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "nitro_attest/encoding.h"
#include "nitro_attest/kms.h"
#include "src/common/utf8.h"
#include "src/kms/cms.h"
#include "src/kms/http.h"
#include "src/kms/internal.h"

namespace nitro_attest {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kAttempts = 3;
constexpr std::chrono::seconds kMaxKeyReuse{300};

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Status CheckText(std::string_view what, std::string_view s) {
  if (!ValidUtf8(AsBytes(s))) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is not valid UTF-8");
  }
  return {};
}

Status AddContext(json& body, const std::map<std::string, std::string>& context) {
  if (context.empty()) {
    return {};
  }
  json ctx = json::object();
  for (const auto& [k, v] : context) {
    NA_TRY(CheckText("encryption context", k));
    NA_TRY(CheckText("encryption context", v));
    ctx[k] = v;
  }
  body["EncryptionContext"] = std::move(ctx);
  return {};
}

Status AddKeyId(json& body, const std::string& key_id, bool required) {
  if (key_id.empty()) {
    return required ? MakeError(ErrorCode::kInvalidArgument, "a key id is required") : Status{};
  }
  NA_TRY(CheckText("key id", key_id));
  body["KeyId"] = key_id;
  return {};
}

// Printable keeps what KMS said readable and bounded: printable ASCII, at most 400 characters.
std::string Printable(std::string_view s) {
  std::string out;
  for (const char c : s.substr(0, 400)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

std::optional<std::string> StringMember(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

struct Endpoint {
  std::string host;
  std::string host_header;
};

Result<Endpoint> ResolveEndpoint(const KmsClientOptions& options) {
  if (options.endpoint.empty()) {
    NA_ASSIGN_OR_RETURN(std::string host, KmsEndpointHost(options.region));
    return Endpoint{host, host};
  }
  const std::string& e = options.endpoint;
  const size_t colon = e.rfind(':');
  std::string host = e.substr(0, colon);
  if (colon != std::string::npos) {
    uint32_t port = 0;
    const std::string_view p = std::string_view(e).substr(colon + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || port == 0 || port > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "--endpoint takes HOST[:PORT]");
    }
  }
  if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
      })) {
    return MakeError(ErrorCode::kInvalidArgument, "--endpoint host must be a DNS name");
  }
  return Endpoint{host, colon != std::string::npos && e.substr(colon + 1) == "443" ? host : e};
}

}  // namespace

struct KmsClient::Impl {
  KmsClientOptions options;
  Attester attest;
  http::SslCtxPtr ctx;
  Endpoint endpoint;
  std::unique_ptr<http::TlsStream> conn;
  std::optional<cms::RecipientKey> key;
  Bytes document;
  Clock::time_point key_made{};
  std::optional<KmsErrorInfo> last_error;
  Stats stats;

  Status EnsureRecipient();
  Result<http::Message> Exchange(std::string_view op, const Bytes& body, Clock::time_point deadline);
  Result<json> Call(std::string_view op, json& body, bool recipient);
  Error Refusal(std::string_view op, const http::Message& response, bool recipient);
  Result<SecretBytes> Open(json& response, const char* plaintext_field);
};

Status KmsClient::Impl::EnsureRecipient() {
  if (!attest) {
    return MakeError(ErrorCode::kInvalidArgument, "this KMS client has no NSM to attest with");
  }
  if (key && options.key_reuse.count() > 0 && Clock::now() - key_made < options.key_reuse) {
    return {};
  }
  key.reset();
  NA_ASSIGN_OR_RETURN(cms::RecipientKey k, cms::GenerateRecipientKey());
  ++stats.keys_generated;
  AttestationRequest request;
  request.public_key = k.spki_der;
  NA_ASSIGN_OR_RETURN(document, attest(request));
  ++stats.documents;
  key = std::move(k);
  key_made = Clock::now();
  return {};
}

Result<http::Message> KmsClient::Impl::Exchange(std::string_view op, const Bytes& body,
                                                Clock::time_point deadline) {
  Error last = MakeError(ErrorCode::kTransportError, "no attempt");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (Clock::now() >= deadline) {
      break;
    }
    bool fresh = false;
    if (conn == nullptr || !conn->Reusable()) {
      conn.reset();
      Result<std::unique_ptr<http::TlsStream>> c = http::TlsStream::Connect(
          ctx.get(), options.proxy, endpoint.host, options.connect_timeout, deadline);
      if (!c) {
        return std::move(c).error();  // connect and TLS failures are not retried
      }
      conn = std::move(*c);
      ++stats.connections;
      fresh = true;
    }
    http::Message request;
    request.method = "POST";
    request.target = "/";
    request.headers = {{"Host", endpoint.host_header},
                       {"Content-Type", std::string(kms::kAmzJson)},
                       {"X-Amz-Target", "TrentService." + std::string(op)},
                       {"Content-Length", std::to_string(body.size())},
                       {"User-Agent", "nitro-attest/0.1"}};
    sigv4::Request to_sign{"POST", "/", "", request.headers, body};
    sigv4::SigningParams params;
    params.access_key_id = options.credentials.access_key_id;
    params.secret_access_key = options.credentials.secret_access_key;
    params.session_token = options.credentials.session_token;
    params.region = options.region;
    params.service = "kms";
    params.time = options.clock ? options.clock() : std::chrono::system_clock::now();
    params.sign_body = true;
    Result<sigv4::Signed> sig = sigv4::Sign(to_sign, params);
    Wipe(params.secret_access_key);
    Wipe(params.session_token);
    if (!sig) {
      return std::move(sig).error();
    }
    request.headers.insert(request.headers.end(), sig->added_headers.begin(),
                           sig->added_headers.end());
    request.body = body;
    Bytes wire = http::Serialize(request, http::Kind::kRequest);
    Status sent = conn->WriteAll(wire, deadline);
    OPENSSL_cleanse(wire.data(), wire.size());
    OPENSSL_cleanse(request.body.data(), request.body.size());
    Result<http::Message> response =
        sent ? conn->ReadMessage(http::Kind::kResponse,
                                 http::Limits{16 * 1024, 64, options.max_response_size}, deadline)
             : Result<http::Message>(std::move(sent).error());
    if (!response) {
      conn.reset();
      last = std::move(response).error();
      if (!fresh && Clock::now() < deadline) {
        continue;  // a kept-alive connection the server had dropped: once more on a new one
      }
      return last;
    }
    const std::string* connection = response->Find("connection");
    if (connection != nullptr && *connection == "close") {
      conn.reset();
    }
    const bool retry = response->status == 500 || response->status == 503 ||
                       (response->status == 400 && response->body.size() < 4096 &&
                        std::string_view(reinterpret_cast<const char*>(response->body.data()),
                                         response->body.size())
                                .find("ThrottlingException") != std::string_view::npos);
    if (retry && attempt + 1 < kAttempts &&
        Clock::now() + milliseconds(100 << attempt) < deadline) {
      std::this_thread::sleep_for(milliseconds(100 << attempt));
      last = MakeError(ErrorCode::kKmsError, "KMS busy");
      continue;
    }
    return response;
  }
  return MakeError(ErrorCode::kTransportError,
                   "KMS call did not complete within " +
                       std::to_string(options.call_timeout.count()) + " ms (last: " + last.detail +
                       ")");
}

Error KmsClient::Impl::Refusal(std::string_view op, const http::Message& response,
                               bool recipient) {
  KmsErrorInfo info;
  info.http_status = response.status;
  if (std::optional<json> j = kms::ParseJsonObject(response.body)) {
    std::string type = StringMember(*j, "__type").value_or("");
    type = type.substr(type.rfind('#') == std::string::npos ? 0 : type.rfind('#') + 1);
    info.type = Printable(type);
    info.message = Printable(
        StringMember(*j, "message").value_or(StringMember(*j, "Message").value_or("")));
  }
  std::string detail = "KMS refused " + std::string(op) + ": HTTP " +
                       std::to_string(response.status) + " " +
                       (info.type.empty() ? "(no KMS error type in the response)" : info.type);
  if (!info.message.empty()) {
    detail += ": " + info.message;
  }
  if (recipient && info.type == "AccessDeniedException" && !document.empty()) {
    if (Result<AttestationDocument> doc = ParseUnverified(document)) {
      detail += "; the attestation document sent has";
      for (const uint32_t i : {0u, 1u, 2u, 8u}) {
        const auto it = doc->pcrs.find(i);
        if (it != doc->pcrs.end()) {
          info.document_pcrs[i] = HexEncode(it->second);
          detail += " PCR" + std::to_string(i) + "=" + info.document_pcrs[i];
        }
      }
    }
  }
  last_error = std::move(info);
  return MakeError(ErrorCode::kKmsError, std::move(detail));
}

Result<json> KmsClient::Impl::Call(std::string_view op, json& body, bool recipient) {
  last_error.reset();
  ++stats.calls;
  const Clock::time_point deadline = Clock::now() + options.call_timeout;
  if (recipient) {
    NA_TRY(EnsureRecipient());
    body["Recipient"] = {{"KeyEncryptionAlgorithm", std::string(kms::kRsaesOaepSha256)},
                         {"AttestationDocument", Base64Encode(document)}};
  }
  std::string text = body.dump();
  Bytes bytes(text.begin(), text.end());
  Wipe(text);
  Result<http::Message> response = Exchange(op, bytes, deadline);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  if (!response) {
    return std::move(response).error();
  }
  if (response->status != 200) {
    return Refusal(op, *response, recipient);
  }
  std::optional<json> j = kms::ParseJsonObject(response->body);
  OPENSSL_cleanse(response->body.data(), response->body.size());
  if (!j) {
    return MakeError(ErrorCode::kProtocolError,
                     "KMS answered " + std::string(op) + " with HTTP 200 but not a JSON object");
  }
  return std::move(*j);
}

Result<SecretBytes> KmsClient::Impl::Open(json& response, const char* plaintext_field) {
  const auto plain = response.find(plaintext_field);
  if (plain != response.end() && !plain->is_null() &&
      !(plain->is_string() && plain->get_ref<const std::string&>().empty())) {
    if (plain->is_string()) {
      Wipe(plain->get_ref<std::string&>());
    }
    return MakeError(ErrorCode::kProtocolError,
                     std::string("KMS returned ") + plaintext_field +
                         " in the clear beside a Recipient; refused");
  }
  const std::optional<std::string> cfr = StringMember(response, "CiphertextForRecipient");
  if (!cfr || cfr->empty()) {
    return MakeError(ErrorCode::kProtocolError,
                     "KMS response has no CiphertextForRecipient although we sent a Recipient");
  }
  Result<Bytes> der = Base64Decode(*cfr);
  if (!der) {
    return MakeError(ErrorCode::kProtocolError, "CiphertextForRecipient is not base64");
  }
  return cms::Decrypt(*der, *key);
}

namespace {

Result<Bytes> BlobMember(const json& j, const char* name) {
  const std::optional<std::string> s = StringMember(j, name);
  if (!s || s->empty()) {
    return MakeError(ErrorCode::kProtocolError, std::string("KMS response lacks ") + name);
  }
  Result<Bytes> b = Base64Decode(*s);
  if (!b) {
    return MakeError(ErrorCode::kProtocolError, std::string(name) + " is not base64");
  }
  return b;
}

}  // namespace

KmsClient::KmsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KmsClient::~KmsClient() = default;

Result<std::unique_ptr<KmsClient>> KmsClient::Create(KmsClientOptions options, Attester attest) {
  auto impl = std::make_unique<Impl>();
  NA_ASSIGN_OR_RETURN(impl->endpoint, ResolveEndpoint(options));
  NA_ASSIGN_OR_RETURN(const std::string ignored, KmsEndpointHost(options.region));
  (void)ignored;
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "AWS credentials are required");
  }
  const auto now = options.clock ? options.clock() : std::chrono::system_clock::now();
  if (options.credentials.expiration && *options.credentials.expiration <= now) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the AWS credentials expired at " +
                         kms::FormatRfc3339(*options.credentials.expiration) +
                         "; the parent must send new ones");
  }
  if (options.connect_timeout.count() <= 0 || options.call_timeout.count() <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "timeouts must be positive");
  }
  if (options.key_reuse < std::chrono::seconds(0) || options.key_reuse > kMaxKeyReuse) {
    return MakeError(ErrorCode::kInvalidArgument, "key reuse must be 0..300 seconds");
  }
  NA_ASSIGN_OR_RETURN(impl->ctx, http::ClientContext(options.ca_file));
  impl->options = std::move(options);
  impl->attest = std::move(attest);
  return std::unique_ptr<KmsClient>(new KmsClient(std::move(impl)));
}

Result<DecryptResult> KmsClient::Decrypt(const DecryptRequest& r) {
  if (r.ciphertext_blob.empty() || r.ciphertext_blob.size() > 6144) {
    return MakeError(ErrorCode::kInvalidArgument, "ciphertext must be 1..6144 bytes");
  }
  json body = {{"CiphertextBlob", Base64Encode(r.ciphertext_blob)}};
  NA_TRY(AddKeyId(body, r.key_id, false));
  if (!r.encryption_algorithm.empty()) {
    NA_TRY(CheckText("encryption algorithm", r.encryption_algorithm));
    body["EncryptionAlgorithm"] = r.encryption_algorithm;
  }
  NA_TRY(AddContext(body, r.encryption_context));
  NA_ASSIGN_OR_RETURN(json response, impl_->Call("Decrypt", body, true));
  NA_ASSIGN_OR_RETURN(SecretBytes plain, impl_->Open(response, "Plaintext"));
  return DecryptResult{std::move(plain), StringMember(response, "KeyId").value_or("")};
}

Result<DataKey> KmsClient::GenerateDataKey(const GenerateDataKeyRequest& r) {
  json body = json::object();
  NA_TRY(AddKeyId(body, r.key_id, true));
  if (r.number_of_bytes) {
    if (*r.number_of_bytes < 1 || *r.number_of_bytes > 1024) {
      return MakeError(ErrorCode::kInvalidArgument, "number of bytes must be 1..1024");
    }
    body["NumberOfBytes"] = *r.number_of_bytes;
  } else {
    if (r.key_spec != "AES_256" && r.key_spec != "AES_128") {
      return MakeError(ErrorCode::kInvalidArgument, "key spec must be AES_256 or AES_128");
    }
    body["KeySpec"] = r.key_spec;
  }
  NA_TRY(AddContext(body, r.encryption_context));
  NA_ASSIGN_OR_RETURN(json response, impl_->Call("GenerateDataKey", body, true));
  NA_ASSIGN_OR_RETURN(Bytes blob, BlobMember(response, "CiphertextBlob"));
  NA_ASSIGN_OR_RETURN(SecretBytes plain, impl_->Open(response, "Plaintext"));
  return DataKey{std::move(blob), std::move(plain), StringMember(response, "KeyId").value_or("")};
}

Result<SecretBytes> KmsClient::GenerateRandom(uint32_t number_of_bytes) {
  if (number_of_bytes < 1 || number_of_bytes > 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "length must be 1..1024");
  }
  json body = {{"NumberOfBytes", number_of_bytes}};
  NA_ASSIGN_OR_RETURN(json response, impl_->Call("GenerateRandom", body, true));
  return impl_->Open(response, "Plaintext");
}

Result<DataKeyPair> KmsClient::GenerateDataKeyPair(const GenerateDataKeyPairRequest& r) {
  json body = json::object();
  NA_TRY(AddKeyId(body, r.key_id, true));
  if (r.key_pair_spec.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "a key pair spec is required");
  }
  NA_TRY(CheckText("key pair spec", r.key_pair_spec));
  body["KeyPairSpec"] = r.key_pair_spec;
  NA_TRY(AddContext(body, r.encryption_context));
  NA_ASSIGN_OR_RETURN(json response, impl_->Call("GenerateDataKeyPair", body, true));
  DataKeyPair out;
  NA_ASSIGN_OR_RETURN(out.private_key_ciphertext_blob,
                      BlobMember(response, "PrivateKeyCiphertextBlob"));
  NA_ASSIGN_OR_RETURN(out.public_key, BlobMember(response, "PublicKey"));
  NA_ASSIGN_OR_RETURN(out.private_key, impl_->Open(response, "PrivateKeyPlaintext"));
  out.key_id = StringMember(response, "KeyId").value_or("");
  out.key_pair_spec = StringMember(response, "KeyPairSpec").value_or(r.key_pair_spec);
  return out;
}

Result<SecretBytes> KmsClient::DeriveSharedSecret(const DeriveSharedSecretRequest& r) {
  json body = json::object();
  NA_TRY(AddKeyId(body, r.key_id, true));
  if (r.public_key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the peer's public key is required");
  }
  NA_TRY(CheckText("key agreement algorithm", r.key_agreement_algorithm));
  body["KeyAgreementAlgorithm"] = r.key_agreement_algorithm;
  body["PublicKey"] = Base64Encode(r.public_key);
  NA_ASSIGN_OR_RETURN(json response, impl_->Call("DeriveSharedSecret", body, true));
  return impl_->Open(response, "SharedSecret");
}

Result<Bytes> KmsClient::Encrypt(const EncryptRequest& r) {
  if (r.plaintext.empty() || r.plaintext.size() > 4096) {
    return MakeError(ErrorCode::kInvalidArgument, "plaintext must be 1..4096 bytes");
  }
  json body = json::object();
  NA_TRY(AddKeyId(body, r.key_id, true));
  std::string b64 = Base64Encode(r.plaintext);
  body["Plaintext"] = b64;
  Wipe(b64);
  NA_TRY(AddContext(body, r.encryption_context));
  Result<json> response = impl_->Call("Encrypt", body, false);
  Wipe(body["Plaintext"].get_ref<std::string&>());
  if (!response) {
    return std::move(response).error();
  }
  return BlobMember(*response, "CiphertextBlob");
}

const std::optional<KmsErrorInfo>& KmsClient::last_error() const { return impl_->last_error; }

KmsClient::Stats KmsClient::stats() const { return impl_->stats; }

namespace kms {

std::optional<nlohmann::json> ParseJsonObject(std::span<const uint8_t> bytes) {
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return std::nullopt;
  }
  return j;
}

}  // namespace kms
}  // namespace nitro_attest
