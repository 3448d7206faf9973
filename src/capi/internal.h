// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The handles behind the C ABI (include/nitro_attest/nitro_attest.h) and the helpers every C
// function uses: error hand-off, the exception fence, bytes in and out.
#ifndef NITRO_ATTEST_SRC_CAPI_INTERNAL_H_
#define NITRO_ATTEST_SRC_CAPI_INTERNAL_H_

#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <variant>

#include "nitro_attest/document.h"
#include "nitro_attest/nitro_attest.h"
#include "nitro_attest/result.h"
#include "nitro_attest/verify.h"

struct nitro_attest_error {
  nitro_attest::Error error;
};

struct nitro_attest_document {
  std::variant<nitro_attest::AttestationDocument, nitro_attest::VerifiedDocument> value;

  const nitro_attest::AttestationDocument& doc() const {
    if (const auto* v = std::get_if<nitro_attest::VerifiedDocument>(&value)) {
      return v->document();
    }
    return std::get<nitro_attest::AttestationDocument>(value);
  }
  const nitro_attest::VerifiedDocument* verified() const {
    return std::get_if<nitro_attest::VerifiedDocument>(&value);
  }
};

namespace nitro_attest::capi {

// Fail hands `e` to the caller through `out` (when not NULL) and returns its code.
int Fail(nitro_attest_error** out, Error e);
// Invalid is Fail with kInvalidArgument.
int Invalid(nitro_attest_error** out, const char* detail);
// Ok clears `out` (when not NULL) and returns NITRO_ATTEST_OK.
int Ok(nitro_attest_error** out);

// Guard runs `body` (which returns a status) so that no exception leaves the C ABI: an
// allocation failure or any other exception becomes kInternal.
template <class Body>
int Guard(nitro_attest_error** out, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(out, MakeError(ErrorCode::kInternal, "out of memory"));
  } catch (...) {
    return Fail(out, MakeError(ErrorCode::kInternal, "unexpected exception"));
  }
}

// InBytes checks a (data, len) input: data may be NULL only when len is 0.
bool InBytes(const uint8_t* data, size_t len, std::span<const uint8_t>* out);
// InOptionalBytes reads an optional input: data NULL is absent.
std::optional<Bytes> InOptionalBytes(const uint8_t* data, size_t len);
// OutBytes copies `bytes` into a new malloc'ed buffer for the caller (freed by
// nitro_attest_free). Returns kInternal when out of memory, kInvalidArgument for NULL outputs
// (callers check those before acting, so nothing happens that the caller cannot learn of).
int OutBytes(std::span<const uint8_t> bytes, uint8_t** data, size_t* len, nitro_attest_error** out);
// Field returns a document field for the caller: NULL when absent, a non-NULL pointer even for
// an empty value.
const uint8_t* Field(const std::optional<Bytes>& field, size_t* len);
// View returns bytes held by a handle (never NULL, even when empty).
const uint8_t* View(std::span<const uint8_t> bytes, size_t* len);

}  // namespace nitro_attest::capi

#endif  // NITRO_ATTEST_SRC_CAPI_INTERNAL_H_
