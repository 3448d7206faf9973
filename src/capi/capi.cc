// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The C ABI: errors, memory, documents, the NSM client and the emulator. Verification is in
// verify.cc beside this file.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/nitro_attest.h"
#include "nitro_attest/nsm.h"
#include "src/capi/internal.h"

namespace nitro_attest::capi {

int Fail(nitro_attest_error** out, Error e) {
  const int code = static_cast<int>(e.code);
  if (out != nullptr) {
    // new(nothrow): when even the error cannot be allocated, the code alone still tells.
    *out = new (std::nothrow) nitro_attest_error{std::move(e)};
  }
  return code;
}

int Invalid(nitro_attest_error** out, const char* detail) {
  return Fail(out, MakeError(ErrorCode::kInvalidArgument, detail));
}

int Ok(nitro_attest_error** out) {
  if (out != nullptr) {
    *out = nullptr;
  }
  return NITRO_ATTEST_OK;
}

bool InBytes(const uint8_t* data, size_t len, std::span<const uint8_t>* out) {
  if (data == nullptr && len != 0) {
    return false;
  }
  *out = data == nullptr ? std::span<const uint8_t>() : std::span<const uint8_t>(data, len);
  return true;
}

std::optional<Bytes> InOptionalBytes(const uint8_t* data, size_t len) {
  if (data == nullptr) {
    return std::nullopt;
  }
  return Bytes(data, data + len);
}

int OutBytes(std::span<const uint8_t> bytes, uint8_t** data, size_t* len,
             nitro_attest_error** out) {
  if (data == nullptr || len == nullptr) {
    return Invalid(out, "the output pointers must not be NULL");
  }
  // One byte at least, so a successful empty answer is not NULL.
  auto* copy = static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (copy == nullptr) {
    return Fail(out, MakeError(ErrorCode::kInternal, "out of memory"));
  }
  if (!bytes.empty()) {
    std::memcpy(copy, bytes.data(), bytes.size());
  }
  *data = copy;
  *len = bytes.size();
  return Ok(out);
}

namespace {

// A non-NULL address for empty values.
const uint8_t kEmpty[1] = {0};

void SetLen(size_t* len, size_t n) {
  if (len != nullptr) {
    *len = n;
  }
}

}  // namespace

const uint8_t* View(std::span<const uint8_t> bytes, size_t* len) {
  SetLen(len, bytes.size());
  return bytes.empty() ? kEmpty : bytes.data();
}

const uint8_t* Field(const std::optional<Bytes>& field, size_t* len) {
  if (!field) {
    SetLen(len, 0);
    return nullptr;
  }
  return View(*field, len);
}

}  // namespace nitro_attest::capi

using nitro_attest::Bytes;
using nitro_attest::Error;
using nitro_attest::ErrorCode;
using nitro_attest::MakeError;
using nitro_attest::capi::Fail;
using nitro_attest::capi::Guard;
using nitro_attest::capi::Invalid;
using nitro_attest::capi::Ok;
using nitro_attest::capi::OutBytes;

// The C constants are ErrorCode's numbers; these fail the build if either side moves alone.
static_assert(NITRO_ATTEST_E_MALFORMED_INPUT == static_cast<int>(ErrorCode::kMalformedInput));
static_assert(NITRO_ATTEST_E_DEBUG_MODE == static_cast<int>(ErrorCode::kDebugMode));
static_assert(NITRO_ATTEST_E_INTERNAL == static_cast<int>(ErrorCode::kInternal));
static_assert(NITRO_ATTEST_E_MALFORMED_IMAGE == static_cast<int>(ErrorCode::kMalformedImage));
static_assert(NITRO_ATTEST_E_KMS_ERROR == static_cast<int>(ErrorCode::kKmsError));
static_assert(NITRO_ATTEST_E_MALFORMED_CIPHERTEXT ==
              static_cast<int>(ErrorCode::kMalformedCiphertext));
static_assert(NITRO_ATTEST_E_RECIPIENT_MISMATCH ==
              static_cast<int>(ErrorCode::kRecipientMismatch));
static_assert(NITRO_ATTEST_E_PARENT_NOT_AUTHENTICATED ==
              static_cast<int>(ErrorCode::kParentNotAuthenticated));

// ---- Errors, memory, version ----

int nitro_attest_error_code(const nitro_attest_error* error) {
  return error == nullptr ? NITRO_ATTEST_E_INTERNAL : static_cast<int>(error->error.code);
}

const char* nitro_attest_error_detail(const nitro_attest_error* error) {
  return error == nullptr ? "" : error->error.detail.c_str();
}

int nitro_attest_error_cert_index(const nitro_attest_error* error) {
  return error == nullptr ? -1 : error->error.cert_index;
}

int nitro_attest_error_nsm_code(const nitro_attest_error* error) {
  return error == nullptr ? 0 : static_cast<int>(error->error.nsm_error);
}

void nitro_attest_error_free(nitro_attest_error* error) { delete error; }

const char* nitro_attest_code_name(int code) {
  if (code == NITRO_ATTEST_OK) {
    return "ok";
  }
  if (code < 1 || code > 255) {
    return "unknown";
  }
  // to_string returns views of string literals, so data() is NUL-terminated and static.
  return nitro_attest::to_string(static_cast<ErrorCode>(code)).data();
}

const char* nitro_attest_nsm_code_name(int nsm_code) {
  if (nsm_code < 0 || nsm_code > 255) {
    return "Unknown";
  }
  return nitro_attest::to_string(static_cast<nitro_attest::NsmErrorCode>(nsm_code)).data();
}

void nitro_attest_free(void* data) { std::free(data); }

const char* nitro_attest_version(void) { return NITRO_ATTEST_VERSION_STRING; }

// ---- Documents ----

int nitro_attest_decode_input(const uint8_t* input, size_t len, uint8_t** document,
                              size_t* document_len, nitro_attest_error** error) {
  return Guard(error, [&] {
    std::span<const uint8_t> in;
    if (!nitro_attest::capi::InBytes(input, len, &in) || document == nullptr ||
        document_len == nullptr) {
      return Invalid(error, "input or an output pointer is NULL");
    }
    auto decoded = nitro_attest::DecodeDocumentInput(in);
    if (!decoded) {
      return Fail(error, std::move(decoded).error());
    }
    return OutBytes(*decoded, document, document_len, error);
  });
}

int nitro_attest_inspect(const uint8_t* document, size_t len, nitro_attest_document** out,
                         nitro_attest_error** error) {
  return Guard(error, [&] {
    std::span<const uint8_t> in;
    if (!nitro_attest::capi::InBytes(document, len, &in) || out == nullptr) {
      return Invalid(error, "document or out is NULL");
    }
    auto parsed = nitro_attest::ParseUnverified(in);
    if (!parsed) {
      return Fail(error, std::move(parsed).error());
    }
    *out = new nitro_attest_document{std::move(*parsed)};
    return Ok(error);
  });
}

void nitro_attest_document_free(nitro_attest_document* document) { delete document; }

int nitro_attest_document_verified(const nitro_attest_document* d) {
  return d != nullptr && d->verified() != nullptr ? 1 : 0;
}

const char* nitro_attest_document_module_id(const nitro_attest_document* d) {
  return d == nullptr ? nullptr : d->doc().module_id.c_str();
}

const char* nitro_attest_document_digest(const nitro_attest_document* d) {
  return d == nullptr ? nullptr : d->doc().digest.c_str();
}

uint64_t nitro_attest_document_timestamp_ms(const nitro_attest_document* d) {
  return d == nullptr ? 0 : d->doc().timestamp_ms;
}

const uint8_t* nitro_attest_document_certificate(const nitro_attest_document* d, size_t* len) {
  if (d == nullptr) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  return nitro_attest::capi::View(d->doc().certificate, len);
}

size_t nitro_attest_document_cabundle_count(const nitro_attest_document* d) {
  return d == nullptr ? 0 : d->doc().cabundle.size();
}

const uint8_t* nitro_attest_document_cabundle_at(const nitro_attest_document* d, size_t i,
                                                 size_t* len) {
  if (d == nullptr || i >= d->doc().cabundle.size()) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  return nitro_attest::capi::View(d->doc().cabundle[i], len);
}

size_t nitro_attest_document_pcr_count(const nitro_attest_document* d) {
  return d == nullptr ? 0 : d->doc().pcrs.size();
}

const uint8_t* nitro_attest_document_pcr_at(const nitro_attest_document* d, size_t i,
                                            uint32_t* index, size_t* len) {
  if (d == nullptr || i >= d->doc().pcrs.size()) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  auto it = std::next(d->doc().pcrs.begin(), static_cast<std::ptrdiff_t>(i));
  if (index != nullptr) {
    *index = it->first;
  }
  return nitro_attest::capi::View(it->second, len);
}

const uint8_t* nitro_attest_document_pcr(const nitro_attest_document* d, uint32_t index,
                                         size_t* len) {
  if (d == nullptr) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  const auto it = d->doc().pcrs.find(index);
  if (it == d->doc().pcrs.end()) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  return nitro_attest::capi::View(it->second, len);
}

const uint8_t* nitro_attest_document_field(const nitro_attest_document* d,
                                           nitro_attest_field field, size_t* len) {
  if (d == nullptr) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  switch (field) {
    case NITRO_ATTEST_FIELD_USER_DATA:
      return nitro_attest::capi::Field(d->doc().user_data, len);
    case NITRO_ATTEST_FIELD_NONCE:
      return nitro_attest::capi::Field(d->doc().nonce, len);
    case NITRO_ATTEST_FIELD_PUBLIC_KEY:
      return nitro_attest::capi::Field(d->doc().public_key, len);
  }
  return nitro_attest::capi::Field(std::nullopt, len);
}

// ---- The NSM ----

struct nitro_attest_nsm {
  std::mutex mu;  // NsmClient serves one request at a time; the handle is thread-safe
  nitro_attest::NsmClient client;
};

struct nitro_attest_nsm_description {
  nitro_attest::NsmDescription description;
  std::vector<uint16_t> locked;  // description.locked_pcrs in order, for indexed access
};

namespace {

int NewNsm(nitro_attest::Result<std::unique_ptr<nitro_attest::NsmTransport>> transport,
           nitro_attest_nsm** out, nitro_attest_error** error) {
  if (!transport) {
    return Fail(error, std::move(transport).error());
  }
  *out = new nitro_attest_nsm{{}, nitro_attest::NsmClient(std::move(*transport))};
  return Ok(error);
}

// Call runs one NSM operation on `nsm` under its lock; `op` returns a status.
template <class Op>
int Call(nitro_attest_nsm* nsm, nitro_attest_error** error, Op&& op) {
  return Guard(error, [&] {
    if (nsm == nullptr) {
      return Invalid(error, "nsm is NULL");
    }
    const std::lock_guard<std::mutex> lock(nsm->mu);
    return op(nsm->client);
  });
}

}  // namespace

int nitro_attest_nsm_open(const char* path, nitro_attest_nsm** out, nitro_attest_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) {
      return Invalid(error, "out is NULL");
    }
    return NewNsm(nitro_attest::OpenNsmDevice(path == nullptr ? "/dev/nsm" : path), out, error);
  });
}

int nitro_attest_nsm_connect_emulator(const char* path, nitro_attest_nsm** out,
                                      nitro_attest_error** error) {
  return Guard(error, [&] {
    if (path == nullptr || out == nullptr) {
      return Invalid(error, "path or out is NULL");
    }
    return NewNsm(nitro_attest::ConnectNsmEmulator(path), out, error);
  });
}

void nitro_attest_nsm_free(nitro_attest_nsm* nsm) { delete nsm; }

int nitro_attest_nsm_attestation(nitro_attest_nsm* nsm, const uint8_t* user_data,
                                 size_t user_data_len, const uint8_t* nonce, size_t nonce_len,
                                 const uint8_t* public_key, size_t public_key_len,
                                 uint8_t** document, size_t* document_len,
                                 nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    if ((user_data == nullptr && user_data_len != 0) || (nonce == nullptr && nonce_len != 0) ||
        (public_key == nullptr && public_key_len != 0)) {
      return Invalid(error, "a NULL field must have length 0");
    }
    if (document == nullptr || document_len == nullptr) {
      return Invalid(error, "the output pointers must not be NULL");
    }
    nitro_attest::AttestationRequest request;
    request.user_data = nitro_attest::capi::InOptionalBytes(user_data, user_data_len);
    request.nonce = nitro_attest::capi::InOptionalBytes(nonce, nonce_len);
    request.public_key = nitro_attest::capi::InOptionalBytes(public_key, public_key_len);
    auto bytes = client.Attestation(request);
    if (!bytes) {
      return Fail(error, std::move(bytes).error());
    }
    return OutBytes(*bytes, document, document_len, error);
  });
}

int nitro_attest_nsm_describe_pcr(nitro_attest_nsm* nsm, uint16_t index, int* locked,
                                  uint8_t** value, size_t* value_len,
                                  nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    if (value == nullptr || value_len == nullptr) {
      return Invalid(error, "the output pointers must not be NULL");
    }
    auto state = client.DescribePcr(index);
    if (!state) {
      return Fail(error, std::move(state).error());
    }
    if (locked != nullptr) {
      *locked = state->locked ? 1 : 0;
    }
    return OutBytes(state->value, value, value_len, error);
  });
}

int nitro_attest_nsm_extend_pcr(nitro_attest_nsm* nsm, uint16_t index, const uint8_t* data,
                                size_t len, uint8_t** value, size_t* value_len,
                                nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    std::span<const uint8_t> in;
    if (!nitro_attest::capi::InBytes(data, len, &in) || value == nullptr ||
        value_len == nullptr) {
      return Invalid(error, "data or an output pointer is NULL");
    }
    auto extended = client.ExtendPcr(index, in);
    if (!extended) {
      return Fail(error, std::move(extended).error());
    }
    return OutBytes(*extended, value, value_len, error);
  });
}

int nitro_attest_nsm_lock_pcr(nitro_attest_nsm* nsm, uint16_t index, nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    auto status = client.LockPcr(index);
    return status ? Ok(error) : Fail(error, std::move(status).error());
  });
}

int nitro_attest_nsm_lock_pcrs(nitro_attest_nsm* nsm, uint16_t range,
                               nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    auto status = client.LockPcrs(range);
    return status ? Ok(error) : Fail(error, std::move(status).error());
  });
}

int nitro_attest_nsm_get_random(nitro_attest_nsm* nsm, uint8_t** data, size_t* len,
                                nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    if (data == nullptr || len == nullptr) {
      return Invalid(error, "the output pointers must not be NULL");
    }
    auto random = client.GetRandom();
    if (!random) {
      return Fail(error, std::move(random).error());
    }
    return OutBytes(*random, data, len, error);
  });
}

int nitro_attest_nsm_describe(nitro_attest_nsm* nsm, nitro_attest_nsm_description** out,
                              nitro_attest_error** error) {
  return Call(nsm, error, [&](nitro_attest::NsmClient& client) {
    if (out == nullptr) {
      return Invalid(error, "out is NULL");
    }
    auto description = client.DescribeNsm();
    if (!description) {
      return Fail(error, std::move(description).error());
    }
    std::vector<uint16_t> locked(description->locked_pcrs.begin(),
                                 description->locked_pcrs.end());
    *out = new nitro_attest_nsm_description{std::move(*description), std::move(locked)};
    return Ok(error);
  });
}

void nitro_attest_nsm_description_free(nitro_attest_nsm_description* d) { delete d; }

void nitro_attest_nsm_description_version(const nitro_attest_nsm_description* d, uint16_t* major,
                                          uint16_t* minor, uint16_t* patch) {
  const nitro_attest::NsmDescription none;
  const nitro_attest::NsmDescription& v = d == nullptr ? none : d->description;
  if (major != nullptr) {
    *major = v.version_major;
  }
  if (minor != nullptr) {
    *minor = v.version_minor;
  }
  if (patch != nullptr) {
    *patch = v.version_patch;
  }
}

const char* nitro_attest_nsm_description_module_id(const nitro_attest_nsm_description* d) {
  return d == nullptr ? nullptr : d->description.module_id.c_str();
}

const char* nitro_attest_nsm_description_digest(const nitro_attest_nsm_description* d) {
  return d == nullptr ? nullptr : d->description.digest.c_str();
}

uint16_t nitro_attest_nsm_description_max_pcrs(const nitro_attest_nsm_description* d) {
  return d == nullptr ? 0 : d->description.max_pcrs;
}

size_t nitro_attest_nsm_description_locked_count(const nitro_attest_nsm_description* d) {
  return d == nullptr ? 0 : d->locked.size();
}

uint16_t nitro_attest_nsm_description_locked_at(const nitro_attest_nsm_description* d,
                                                size_t i) {
  return d == nullptr || i >= d->locked.size() ? 0 : d->locked[i];
}

// ---- The emulator ----

struct nitro_attest_emulator_options {
  nitro_attest::NsmEmulatorOptions options;
};

struct nitro_attest_emulator {
  std::unique_ptr<nitro_attest::NsmEmulator> emulator;
  Bytes root_der;
  std::string root_pem;
  std::string module_id;
};

nitro_attest_emulator_options* nitro_attest_emulator_options_new(void) {
  return new (std::nothrow) nitro_attest_emulator_options{};
}

void nitro_attest_emulator_options_free(nitro_attest_emulator_options* o) { delete o; }

void nitro_attest_emulator_options_set_seed(nitro_attest_emulator_options* o, const char* seed) {
  if (o == nullptr) {
    return;
  }
  o->options.seed.reset();
  if (seed != nullptr) {
    o->options.seed.emplace(seed);
  }
}

int nitro_attest_emulator_options_set_pcr(nitro_attest_emulator_options* o, uint32_t index,
                                          const uint8_t* value, size_t len,
                                          nitro_attest_error** error) {
  return Guard(error, [&] {
    if (o == nullptr || value == nullptr || len != std::tuple_size_v<nitro_attest::Pcr48>) {
      return Invalid(error, "a boot measurement is 48 bytes");
    }
    std::optional<nitro_attest::Pcr48>* slot = nullptr;
    switch (index) {
      case 0: slot = &o->options.pcr0; break;
      case 1: slot = &o->options.pcr1; break;
      case 2: slot = &o->options.pcr2; break;
      case 8: slot = &o->options.pcr8; break;
      default: return Invalid(error, "the emulator's boot measurements are PCR0, 1, 2 and 8");
    }
    nitro_attest::Pcr48 pcr{};
    std::memcpy(pcr.data(), value, pcr.size());
    *slot = pcr;
    return Ok(error);
  });
}

void nitro_attest_emulator_options_set_role_arn(nitro_attest_emulator_options* o,
                                                const char* role_arn) {
  if (o != nullptr) {
    o->options.role_arn = role_arn == nullptr ? "" : role_arn;
  }
}

void nitro_attest_emulator_options_set_instance_id(nitro_attest_emulator_options* o,
                                                   const char* instance_id) {
  if (o != nullptr) {
    o->options.instance_id = instance_id == nullptr ? "" : instance_id;
  }
}

void nitro_attest_emulator_options_set_module_id(nitro_attest_emulator_options* o,
                                                 const char* module_id) {
  if (o != nullptr) {
    o->options.module_id = module_id == nullptr ? "" : module_id;
  }
}

void nitro_attest_emulator_options_set_time_ms(nitro_attest_emulator_options* o,
                                               int64_t unix_ms) {
  if (o != nullptr) {
    const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(unix_ms));
    o->options.clock = [at] { return at; };
  }
}

void nitro_attest_emulator_options_set_definite_map(nitro_attest_emulator_options* o, int on) {
  if (o != nullptr) {
    o->options.indefinite_payload_map = on == 0;
  }
}

int nitro_attest_emulator_new(const nitro_attest_emulator_options* options,
                              nitro_attest_emulator** out, nitro_attest_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) {
      return Invalid(error, "out is NULL");
    }
    auto emulator = nitro_attest::NsmEmulator::Create(
        options == nullptr ? nitro_attest::NsmEmulatorOptions{} : options->options);
    if (!emulator) {
      return Fail(error, std::move(emulator).error());
    }
    auto handle = std::make_unique<nitro_attest_emulator>();
    handle->root_der = (*emulator)->RootDer();
    handle->root_pem = (*emulator)->RootPem();
    handle->module_id = (*emulator)->module_id();
    handle->emulator = std::move(*emulator);
    *out = handle.release();
    return Ok(error);
  });
}

void nitro_attest_emulator_free(nitro_attest_emulator* emulator) { delete emulator; }

int nitro_attest_emulator_nsm(const nitro_attest_emulator* emulator, nitro_attest_nsm** out,
                              nitro_attest_error** error) {
  return Guard(error, [&] {
    if (emulator == nullptr || out == nullptr) {
      return Invalid(error, "emulator or out is NULL");
    }
    return NewNsm(emulator->emulator->NewHandle(), out, error);
  });
}

const uint8_t* nitro_attest_emulator_root_der(const nitro_attest_emulator* emulator,
                                              size_t* len) {
  if (emulator == nullptr) {
    return nitro_attest::capi::Field(std::nullopt, len);
  }
  return nitro_attest::capi::View(emulator->root_der, len);
}

const char* nitro_attest_emulator_root_pem(const nitro_attest_emulator* emulator) {
  return emulator == nullptr ? nullptr : emulator->root_pem.c_str();
}

const char* nitro_attest_emulator_module_id(const nitro_attest_emulator* emulator) {
  return emulator == nullptr ? nullptr : emulator->module_id.c_str();
}
