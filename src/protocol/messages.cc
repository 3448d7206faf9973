// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/protocol/messages.h"

#include <string_view>
#include <type_traits>

#include "nitro_attest/protocol.h"
#include "src/cbor/cbor.h"

namespace nitro_attest::protocol {
namespace {

Error Bad(const std::string& why) {
  return MakeError(ErrorCode::kProtocolError, "bad message: " + why);
}

// Fields walks a decoded map once, checks that every key is a known text key and hands out
// the values; Done() fails when a required one is missing.
class Fields {
 public:
  explicit Fields(const cbor::Item& map) : map_(map) {}

  Result<Bytes> Required(std::string_view key, size_t min, size_t max) {
    const cbor::Item* v = map_.Find(key);
    ++used_;
    if (v == nullptr) {
      return Bad("missing \"" + std::string(key) + "\"");
    }
    return Check(key, *v, min, max);
  }
  Result<std::optional<Bytes>> OptionalBytes(std::string_view key, size_t min, size_t max) {
    const cbor::Item* v = map_.Find(key);
    if (v == nullptr) {
      return std::optional<Bytes>();
    }
    ++used_;
    NA_ASSIGN_OR_RETURN(Bytes b, Check(key, *v, min, max));
    return std::optional<Bytes>(std::move(b));
  }
  Result<uint64_t> Uint(std::string_view key, uint64_t min, uint64_t max) {
    const cbor::Item* v = map_.Find(key);
    ++used_;
    if (v == nullptr || !v->is_uint() || v->number < min || v->number > max) {
      return Bad("\"" + std::string(key) + "\" must be an unsigned integer " +
                 std::to_string(min) + ".." + std::to_string(max));
    }
    return v->number;
  }
  // Done fails when the map has keys that were not asked for.
  Status Done() const {
    if (map_.map_size() != used_) {
      return Bad("unknown or missing fields");
    }
    return {};
  }

 private:
  static Result<Bytes> Check(std::string_view key, const cbor::Item& v, size_t min, size_t max) {
    if (!v.is_bytes() || v.bytes.size() < min || v.bytes.size() > max) {
      return Bad("\"" + std::string(key) + "\" must be a byte string of " + std::to_string(min) +
                 ".." + std::to_string(max) + " bytes");
    }
    return Bytes(v.bytes.begin(), v.bytes.end());
  }

  const cbor::Item& map_;
  size_t used_ = 1;  // "type"
};

}  // namespace

std::string CodeText(ErrorCode code) {
  const std::string_view name = to_string(code);
  return name != "unknown" ? std::string(name)
                           : "code " + std::to_string(static_cast<unsigned>(code));
}

const char* TypeName(const Message& message) {
  static constexpr const char* kNames[] = {"challenge", "attestation", "sealed",
                                           "finish",    "ack",         "abort"};
  return kNames[message.index()];
}

Bytes EncodeMessage(const Message& message) {
  cbor::Writer w;
  // key writes a map key and returns the writer for its value.
  auto key = [&w](std::string_view k) -> cbor::Writer& {
    w.Text(k);
    return w;
  };
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ChallengeMsg>) {
          w.MapHeader(m.user_data ? 4 : 3);
          key("type").Text("challenge");
          key("version").Uint(kProtocolVersion);
          key("nonce").Bytes(m.nonce);
          if (m.user_data) {
            key("user_data").Bytes(*m.user_data);
          }
        } else if constexpr (std::is_same_v<T, AttestationMsg>) {
          w.MapHeader(2);
          key("type").Text("attestation");
          key("document").Bytes(m.document);
        } else if constexpr (std::is_same_v<T, SealedMsg>) {
          w.MapHeader(m.signature ? 4 : 3);
          key("type").Text("sealed");
          key("ephemeral_key").Bytes(m.ephemeral_key);
          key("ciphertext").Bytes(m.ciphertext);
          if (m.signature) {
            key("signature").Bytes(*m.signature);
          }
        } else if constexpr (std::is_same_v<T, FinishMsg>) {
          w.MapHeader(1);
          key("type").Text("finish");
        } else if constexpr (std::is_same_v<T, AckMsg>) {
          w.MapHeader(2);
          key("type").Text("ack");
          key("proof").Bytes(m.proof);
        } else {
          w.MapHeader(2);
          key("type").Text("abort");
          key("code").Uint(static_cast<uint64_t>(m.code));
        }
      },
      message);
  return w.Take();
}

Result<Message> DecodeMessage(std::span<const uint8_t> bytes) {
  cbor::Limits limits;
  limits.max_depth = 2;
  limits.max_items = 16;
  Result<cbor::Item> item = cbor::Decode(bytes, limits);
  if (!item) {
    return Bad("not CBOR: " + item.error().detail);
  }
  if (!item->is_map() || item->indefinite) {
    return Bad("not a definite-length map");
  }
  for (size_t i = 0; i < item->map_size(); ++i) {
    if (!item->key(i).is_text()) {
      return Bad("non-text key");
    }
  }
  const cbor::Item* type = item->Find("type");
  if (type == nullptr || !type->is_text()) {
    return Bad("no \"type\" text");
  }
  Fields f(*item);
  const std::string_view t = type->text();
  Message out;
  if (t == "challenge") {
    NA_ASSIGN_OR_RETURN(const uint64_t version, f.Uint("version", 0, UINT64_MAX));
    if (version != kProtocolVersion) {
      return Bad("unsupported version " + std::to_string(version));
    }
    ChallengeMsg m;
    NA_ASSIGN_OR_RETURN(m.nonce, f.Required("nonce", kMinNonceSize, kMaxNonceSize));
    NA_ASSIGN_OR_RETURN(m.user_data, f.OptionalBytes("user_data", 0, kMaxUserDataSize));
    out = std::move(m);
  } else if (t == "attestation") {
    AttestationMsg m;
    NA_ASSIGN_OR_RETURN(m.document, f.Required("document", 1, kMaxDocumentSize));
    out = std::move(m);
  } else if (t == "sealed") {
    SealedMsg m;
    NA_ASSIGN_OR_RETURN(m.ephemeral_key, f.Required("ephemeral_key", 1, kMaxPublicKeySize));
    NA_ASSIGN_OR_RETURN(m.ciphertext,
                        f.Required("ciphertext", kGcmTagSize + 1, kMaxSecretSize + kGcmTagSize));
    NA_ASSIGN_OR_RETURN(m.signature,
                        f.OptionalBytes("signature", kParentSignatureSize, kParentSignatureSize));
    out = std::move(m);
  } else if (t == "finish") {
    out = FinishMsg{};
  } else if (t == "ack") {
    AckMsg m;
    NA_ASSIGN_OR_RETURN(m.proof, f.Required("proof", kProofSize, kProofSize));
    out = std::move(m);
  } else if (t == "abort") {
    NA_ASSIGN_OR_RETURN(const uint64_t code, f.Uint("code", 1, 255));
    out = AbortMsg{static_cast<ErrorCode>(code)};
  } else {
    return Bad("unknown type");  // the peer's text is not repeated
  }
  NA_TRY(f.Done());
  return out;
}

}  // namespace nitro_attest::protocol
