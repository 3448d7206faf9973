// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/nsm/wire.h"

#include <string>

#include "src/cbor/cbor.h"

namespace nitro_attest::nsm {
namespace {

// The NSM's shapes nest at most three levels (variant, struct, field); responses hold at most
// 7 fields plus 32 locked PCR indexes.
constexpr cbor::Limits kNsmCborLimits{.max_depth = 4, .max_items = 256};

constexpr NsmErrorCode kAllNsmErrors[] = {
    NsmErrorCode::kSuccess,         NsmErrorCode::kInvalidArgument, NsmErrorCode::kInvalidIndex,
    NsmErrorCode::kInvalidResponse, NsmErrorCode::kReadOnlyIndex,   NsmErrorCode::kInvalidOperation,
    NsmErrorCode::kBufferTooSmall,  NsmErrorCode::kInputTooLarge,   NsmErrorCode::kInternalError,
};

Error Protocol(std::string detail) {
  return MakeError(ErrorCode::kProtocolError, std::move(detail));
}

Error Answer(NsmErrorCode answer, std::string detail) {
  Error e = MakeError(ErrorCode::kProtocolError, std::move(detail));
  e.nsm_error = answer;
  return e;
}

void WriteOptional(cbor::Writer& w, const std::optional<Bytes>& b) {
  if (b) {
    w.Bytes(*b);
  } else {
    w.Null();
  }
}

// StructVariant starts map(1){name: map(fields){...}}.
void StructVariant(cbor::Writer& w, std::string_view name, uint64_t fields) {
  w.MapHeader(1);
  w.Text(name);
  w.MapHeader(fields);
}

// ---- Response decoding (client side) ----

Result<uint16_t> U16Field(const cbor::Item& map, std::string_view name) {
  const cbor::Item* v = map.Find(name);
  if (v == nullptr || !v->is_uint() || v->number > 0xffff) {
    return Protocol("field '" + std::string(name) + "' missing or not a u16");
  }
  return static_cast<uint16_t>(v->number);
}

Result<Bytes> BytesField(const cbor::Item& map, std::string_view name) {
  const cbor::Item* v = map.Find(name);
  if (v == nullptr || !v->is_bytes()) {
    return Protocol("field '" + std::string(name) + "' missing or not a byte string");
  }
  return Bytes(v->bytes.begin(), v->bytes.end());
}

// PcrValue checks a PCR value's size against the three digests of spec §2.5.
Result<Bytes> PcrField(const cbor::Item& map) {
  NA_ASSIGN_OR_RETURN(Bytes data, BytesField(map, "data"));
  if (data.size() != 32 && data.size() != 48 && data.size() != 64) {
    return Protocol("PCR value of " + std::to_string(data.size()) + " bytes");
  }
  return data;
}

Result<NsmDescription> DecodeDescription(const cbor::Item& m) {
  NsmDescription d;
  NA_ASSIGN_OR_RETURN(d.version_major, U16Field(m, "version_major"));
  NA_ASSIGN_OR_RETURN(d.version_minor, U16Field(m, "version_minor"));
  NA_ASSIGN_OR_RETURN(d.version_patch, U16Field(m, "version_patch"));
  NA_ASSIGN_OR_RETURN(d.max_pcrs, U16Field(m, "max_pcrs"));
  const cbor::Item* module_id = m.Find("module_id");
  if (module_id == nullptr || !module_id->is_text()) {
    return Protocol("DescribeNSM: module_id missing or not text");
  }
  d.module_id = std::string(module_id->text());
  const cbor::Item* locked = m.Find("locked_pcrs");
  if (locked == nullptr || !locked->is_array()) {
    return Protocol("DescribeNSM: locked_pcrs missing or not an array");
  }
  for (const cbor::Item& i : locked->items) {
    if (!i.is_uint() || i.number > 0xffff) {
      return Protocol("DescribeNSM: locked_pcrs entry not a u16");
    }
    d.locked_pcrs.insert(static_cast<uint16_t>(i.number));
  }
  const cbor::Item* digest = m.Find("digest");
  // Digest is a unit enum (spec §2.5): only its three names deserialize.
  if (digest == nullptr ||
      !(digest->IsText("SHA256") || digest->IsText("SHA384") || digest->IsText("SHA512"))) {
    return Protocol("DescribeNSM: digest missing or unknown");
  }
  d.digest = std::string(digest->text());
  return d;
}

// ---- Request decoding (emulator side) ----

Result<uint16_t> RequestU16(const cbor::Item& map, std::string_view name) {
  const cbor::Item* v = map.Find(name);
  if (v == nullptr || !v->is_uint() || v->number > 0xffff) {
    return Answer(NsmErrorCode::kInvalidOperation,
                  "request field '" + std::string(name) + "' missing or not a u16");
  }
  return static_cast<uint16_t>(v->number);
}

// RequestBytes reads a byte field given as a byte or a text string (QEMU accepts both);
// `*present` says whether it was there and not null.
Status RequestBytes(const cbor::Item& map, std::string_view name, Bytes* out, bool* present) {
  const cbor::Item* v = map.Find(name);
  *present = v != nullptr && !v->is_null();
  if (!*present) {
    return {};
  }
  if (!v->is_bytes() && !v->is_text()) {
    return Answer(NsmErrorCode::kInvalidOperation,
                  "request field '" + std::string(name) + "' not a byte string");
  }
  out->assign(v->bytes.begin(), v->bytes.end());
  return {};
}

Status OptionalRequestBytes(const cbor::Item& map, std::string_view name,
                            std::optional<Bytes>* out) {
  Bytes b;
  bool present = false;
  NA_TRY(RequestBytes(map, name, &b, &present));
  if (present) {
    *out = std::move(b);
  }
  return {};
}

Result<Request> DecodeStructRequest(std::string_view name, const cbor::Item& body) {
  if (!body.is_map()) {
    return Answer(NsmErrorCode::kInvalidOperation, "request body is not a map");
  }
  if (name == "DescribePCR") {
    NA_ASSIGN_OR_RETURN(const uint16_t index, RequestU16(body, "index"));
    return Request(DescribePcrRequest{index});
  }
  if (name == "ExtendPCR") {
    NA_ASSIGN_OR_RETURN(const uint16_t index, RequestU16(body, "index"));
    ExtendPcrRequest r{index, {}};
    bool present = false;
    NA_TRY(RequestBytes(body, "data", &r.data, &present));
    if (!present) {
      return Answer(NsmErrorCode::kInvalidOperation, "ExtendPCR without data");
    }
    return Request(std::move(r));
  }
  if (name == "LockPCR") {
    NA_ASSIGN_OR_RETURN(const uint16_t index, RequestU16(body, "index"));
    return Request(LockPcrRequest{index});
  }
  if (name == "LockPCRs") {
    NA_ASSIGN_OR_RETURN(const uint16_t range, RequestU16(body, "range"));
    return Request(LockPcrsRequest{range});
  }
  if (name == "Attestation") {
    AttestationRequest a;
    NA_TRY(OptionalRequestBytes(body, "user_data", &a.user_data));
    NA_TRY(OptionalRequestBytes(body, "nonce", &a.nonce));
    NA_TRY(OptionalRequestBytes(body, "public_key", &a.public_key));
    return Request(std::move(a));
  }
  return Answer(NsmErrorCode::kInvalidOperation, "unknown request '" + std::string(name) + "'");
}

}  // namespace

std::optional<NsmErrorCode> NsmErrorFromName(std::string_view name) {
  for (const NsmErrorCode c : kAllNsmErrors) {
    if (to_string(c) == name) {
      return c;
    }
  }
  return std::nullopt;
}

Bytes EncodeRequest(const Request& request) {
  cbor::Writer w;
  std::visit(
      [&w](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, AttestationRequest>) {
          StructVariant(w, "Attestation", 3);
          w.Text("user_data");
          WriteOptional(w, r.user_data);
          w.Text("nonce");
          WriteOptional(w, r.nonce);
          w.Text("public_key");
          WriteOptional(w, r.public_key);
        } else if constexpr (std::is_same_v<T, DescribePcrRequest>) {
          StructVariant(w, "DescribePCR", 1);
          w.Text("index");
          w.Uint(r.index);
        } else if constexpr (std::is_same_v<T, ExtendPcrRequest>) {
          StructVariant(w, "ExtendPCR", 2);
          w.Text("index");
          w.Uint(r.index);
          w.Text("data");
          w.Bytes(r.data);
        } else if constexpr (std::is_same_v<T, LockPcrRequest>) {
          StructVariant(w, "LockPCR", 1);
          w.Text("index");
          w.Uint(r.index);
        } else if constexpr (std::is_same_v<T, LockPcrsRequest>) {
          StructVariant(w, "LockPCRs", 1);
          w.Text("range");
          w.Uint(r.range);
        } else if constexpr (std::is_same_v<T, DescribeNsmRequest>) {
          w.Text("DescribeNSM");
        } else {
          static_assert(std::is_same_v<T, GetRandomRequest>);
          w.Text("GetRandom");
        }
      },
      request);
  return w.Take();
}

Result<Response> DecodeResponse(std::span<const uint8_t> response) {
  if (response.size() > kNsmResponseMaxSize) {
    return Protocol("response larger than NSM_RESPONSE_MAX_SIZE");
  }
  auto decoded = cbor::Decode(response, kNsmCborLimits);
  if (!decoded) {
    return Protocol("response is not valid CBOR: " + decoded.error().detail);
  }
  const cbor::Item& item = *decoded;
  if (item.is_text()) {
    if (item.IsText("LockPCR")) {
      return Response(LockPcrResponse{});
    }
    if (item.IsText("LockPCRs")) {
      return Response(LockPcrsResponse{});
    }
    return Protocol("unknown unit response '" + std::string(item.text()) + "'");
  }
  if (!item.is_map() || item.indefinite || item.map_size() != 1 || !item.key(0).is_text()) {
    return Protocol("response is not a one-pair map keyed by a variant name");
  }
  const std::string_view name = item.key(0).text();
  const cbor::Item& body = item.val(0);
  if (name == "Error") {
    if (!body.is_text()) {
      return Protocol("Error response without a name");
    }
    const auto code = NsmErrorFromName(body.text());
    if (!code) {
      return Protocol("unknown NSM error '" + std::string(body.text()) + "'");
    }
    return Response(*code);
  }
  if (!body.is_map()) {
    return Protocol("response body of '" + std::string(name) + "' is not a map");
  }
  if (name == "Attestation") {
    NA_ASSIGN_OR_RETURN(Bytes document, BytesField(body, "document"));
    if (document.empty()) {
      return Protocol("empty attestation document");
    }
    return Response(AttestationResponse{std::move(document)});
  }
  if (name == "DescribePCR") {
    const cbor::Item* lock = body.Find("lock");
    if (lock == nullptr || (lock->type != cbor::Type::kTrue && lock->type != cbor::Type::kFalse)) {
      return Protocol("DescribePCR: lock missing or not a bool");
    }
    NA_ASSIGN_OR_RETURN(Bytes data, PcrField(body));
    return Response(PcrState{lock->type == cbor::Type::kTrue, std::move(data)});
  }
  if (name == "ExtendPCR") {
    NA_ASSIGN_OR_RETURN(Bytes data, PcrField(body));
    return Response(ExtendPcrResponse{std::move(data)});
  }
  if (name == "DescribeNSM") {
    NA_ASSIGN_OR_RETURN(NsmDescription d, DecodeDescription(body));
    return Response(std::move(d));
  }
  if (name == "GetRandom") {
    NA_ASSIGN_OR_RETURN(Bytes random, BytesField(body, "random"));
    // An empty answer would make "call until N bytes" loops spin forever.
    if (random.empty()) {
      return Protocol("GetRandom returned no bytes");
    }
    return Response(GetRandomResponse{std::move(random)});
  }
  return Protocol("unknown response '" + std::string(name) + "'");
}

Result<Request> DecodeRequest(std::span<const uint8_t> request) {
  if (request.size() > kNsmRequestMaxSize) {
    return Answer(NsmErrorCode::kInputTooLarge, "request larger than NSM_REQUEST_MAX_SIZE");
  }
  auto decoded = cbor::Decode(request, kNsmCborLimits);
  if (!decoded) {
    return Answer(NsmErrorCode::kInvalidOperation, "request is not valid CBOR");
  }
  const cbor::Item& item = *decoded;
  if (item.is_text()) {
    if (item.IsText("DescribeNSM")) {
      return Request(DescribeNsmRequest{});
    }
    if (item.IsText("GetRandom")) {
      return Request(GetRandomRequest{});
    }
    return Answer(NsmErrorCode::kInvalidOperation, "unknown unit request");
  }
  if (!item.is_map() || item.map_size() != 1 || !item.key(0).is_text()) {
    return Answer(NsmErrorCode::kInvalidOperation, "request is not a one-pair variant map");
  }
  return DecodeStructRequest(item.key(0).text(), item.val(0));
}

Bytes EncodeResponse(const Response& response) {
  cbor::Writer w;
  std::visit(
      [&w](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, AttestationResponse>) {
          StructVariant(w, "Attestation", 1);
          w.Text("document");
          w.Bytes(r.document);
        } else if constexpr (std::is_same_v<T, PcrState>) {
          StructVariant(w, "DescribePCR", 2);
          w.Text("lock");
          w.Bool(r.locked);
          w.Text("data");
          w.Bytes(r.value);
        } else if constexpr (std::is_same_v<T, ExtendPcrResponse>) {
          StructVariant(w, "ExtendPCR", 1);
          w.Text("data");
          w.Bytes(r.data);
        } else if constexpr (std::is_same_v<T, LockPcrResponse>) {
          w.Text("LockPCR");
        } else if constexpr (std::is_same_v<T, LockPcrsResponse>) {
          w.Text("LockPCRs");
        } else if constexpr (std::is_same_v<T, NsmDescription>) {
          StructVariant(w, "DescribeNSM", 7);
          w.Text("version_major");
          w.Uint(r.version_major);
          w.Text("version_minor");
          w.Uint(r.version_minor);
          w.Text("version_patch");
          w.Uint(r.version_patch);
          w.Text("module_id");
          w.Text(r.module_id);
          w.Text("max_pcrs");
          w.Uint(r.max_pcrs);
          w.Text("locked_pcrs");
          w.ArrayHeader(r.locked_pcrs.size());  // std::set: ascending, like BTreeSet
          for (const uint16_t i : r.locked_pcrs) {
            w.Uint(i);
          }
          w.Text("digest");
          w.Text(r.digest);
        } else if constexpr (std::is_same_v<T, GetRandomResponse>) {
          StructVariant(w, "GetRandom", 1);
          w.Text("random");
          w.Bytes(r.random);
        } else {
          static_assert(std::is_same_v<T, NsmErrorCode>);
          w.MapHeader(1);
          w.Text("Error");
          w.Text(to_string(r));
        }
      },
      response);
  return w.Take();
}

}  // namespace nitro_attest::nsm
