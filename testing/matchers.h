// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// gMock matchers for Result/Status: IsOk() and HasCode(ErrorCode::kX). Tests assert codes,
// never detail texts.
#ifndef NITRO_ATTEST_TESTING_MATCHERS_H_
#define NITRO_ATTEST_TESTING_MATCHERS_H_

#include <gmock/gmock.h>

#include <string>

#include "nitro_attest/result.h"

namespace nitro_attest::testing {

MATCHER(IsOk, "is OK") {
  if (arg.has_value()) {
    return true;
  }
  *result_listener << "error " << to_string(arg.error().code) << ": " << arg.error().detail;
  return false;
}

MATCHER_P(HasCode, code, "fails with " + std::string(to_string(code))) {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "error " << to_string(arg.error().code) << ": " << arg.error().detail;
  return arg.error().code == code;
}

}  // namespace nitro_attest::testing

#endif  // NITRO_ATTEST_TESTING_MATCHERS_H_
