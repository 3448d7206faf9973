// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The C ABI of verification: the policy (VerifyOptions), one-shot and cached verification, and
// what a verified document says about its verification.
#include <chrono>
#include <new>
#include <string>

#include "nitro_attest/nitro_attest.h"
#include "nitro_attest/verify.h"
#include "src/capi/internal.h"

struct nitro_attest_policy {
  nitro_attest::VerifyOptions options;
};

struct nitro_attest_verifier {
  explicit nitro_attest_verifier(size_t cache_entries)
      : verifier(nitro_attest::VerifierConfig{cache_entries}) {}
  nitro_attest::Verifier verifier;
};

using nitro_attest::Bytes;
using nitro_attest::capi::Fail;
using nitro_attest::capi::Guard;
using nitro_attest::capi::Invalid;
using nitro_attest::capi::Ok;

namespace {

int64_t Ms(nitro_attest::Time t) { return t.time_since_epoch().count(); }

const nitro_attest::VerifiedDocument* Verified(const nitro_attest_document* d) {
  return d == nullptr ? nullptr : d->verified();
}

// Expected returns the policy's demand on one optional field, or nullptr for an unknown field.
nitro_attest::ExpectedBytes* Expected(nitro_attest_policy* policy, nitro_attest_field field) {
  switch (field) {
    case NITRO_ATTEST_FIELD_USER_DATA:
      return &policy->options.user_data;
    case NITRO_ATTEST_FIELD_NONCE:
      return &policy->options.nonce;
    case NITRO_ATTEST_FIELD_PUBLIC_KEY:
      return &policy->options.public_key;
  }
  return nullptr;
}

// Pcr checks one expected PCR: index 0..31, 48 bytes.
bool Pcr(uint32_t index, const uint8_t* value, size_t len, Bytes* out) {
  if (index > nitro_attest::kMaxPcrIndex || value == nullptr || len != 48) {
    return false;
  }
  out->assign(value, value + len);
  return true;
}

int Verify(const nitro_attest::Verifier* verifier, const nitro_attest_policy* policy,
           const uint8_t* document, size_t len, nitro_attest_document** out,
           nitro_attest_error** error) {
  return Guard(error, [&] {
    std::span<const uint8_t> in;
    if (policy == nullptr || !nitro_attest::capi::InBytes(document, len, &in)) {
      return Invalid(error, "policy or document is NULL");
    }
    auto verified = verifier == nullptr ? nitro_attest::Verify(in, policy->options)
                                        : verifier->Verify(in, policy->options);
    if (!verified) {
      return Fail(error, std::move(verified).error());
    }
    if (out != nullptr) {
      *out = new nitro_attest_document{std::move(*verified)};
    }
    return Ok(error);
  });
}

}  // namespace

// ---- Policy ----

nitro_attest_policy* nitro_attest_policy_new(void) {
  try {
    return new nitro_attest_policy{};
  } catch (...) {  // out of memory: the caller sees NULL
    return nullptr;
  }
}

nitro_attest_policy* nitro_attest_policy_copy(const nitro_attest_policy* policy) {
  if (policy == nullptr) {
    return nullptr;
  }
  try {
    return new nitro_attest_policy(*policy);
  } catch (...) {  // out of memory: the caller sees NULL
    return nullptr;
  }
}

void nitro_attest_policy_free(nitro_attest_policy* policy) { delete policy; }

void nitro_attest_policy_clear_roots(nitro_attest_policy* policy) {
  if (policy != nullptr) {
    policy->options.roots.clear();
  }
}

int nitro_attest_policy_add_root(nitro_attest_policy* policy, const uint8_t* certificate,
                                 size_t len, nitro_attest_error** error) {
  return Guard(error, [&] {
    std::span<const uint8_t> in;
    if (policy == nullptr || !nitro_attest::capi::InBytes(certificate, len, &in)) {
      return Invalid(error, "policy or certificate is NULL");
    }
    auto der = nitro_attest::PemCertificateToDer(in);
    if (!der) {
      return Fail(error, std::move(der).error());
    }
    policy->options.roots.push_back(std::move(*der));
    return Ok(error);
  });
}

int nitro_attest_policy_set_time_ms(nitro_attest_policy* policy, int64_t unix_ms,
                                    nitro_attest_error** error) {
  const nitro_attest::Time at{std::chrono::milliseconds(unix_ms)};
  if (policy == nullptr || at < nitro_attest::kMinVerifyTime || at > nitro_attest::kMaxVerifyTime) {
    return Invalid(error, "the verification time must lie in the years 1970..9999");
  }
  policy->options.now = at;
  policy->options.at_document_time = false;
  return Ok(error);
}

void nitro_attest_policy_set_at_document_time(nitro_attest_policy* policy, int on) {
  if (policy != nullptr) {
    policy->options.at_document_time = on != 0;
    if (on != 0) {
      policy->options.now.reset();
    }
  }
}

void nitro_attest_policy_set_clock(nitro_attest_policy* policy) {
  if (policy != nullptr) {
    policy->options.now.reset();
    policy->options.at_document_time = false;
  }
}

int nitro_attest_policy_set_max_age_ms(nitro_attest_policy* policy, int64_t max_age_ms,
                                       nitro_attest_error** error) {
  if (policy == nullptr || max_age_ms < 0) {
    return Invalid(error, "max_age must not be negative");
  }
  policy->options.max_age = std::chrono::milliseconds(max_age_ms);
  return Ok(error);
}

int nitro_attest_policy_expect(nitro_attest_policy* policy, nitro_attest_field field,
                               const uint8_t* data, size_t len, nitro_attest_error** error) {
  return Guard(error, [&] {
    nitro_attest::ExpectedBytes* expected = policy == nullptr ? nullptr : Expected(policy, field);
    if (expected == nullptr) {
      return Invalid(error, "policy is NULL or the field unknown");
    }
    const auto value = nitro_attest::capi::InOptionalBytes(data, len);
    *expected = value ? nitro_attest::ExpectedBytes(*value) : nitro_attest::ExpectedBytes::Absent();
    return Ok(error);
  });
}

int nitro_attest_policy_expect_any(nitro_attest_policy* policy, nitro_attest_field field,
                                   nitro_attest_error** error) {
  nitro_attest::ExpectedBytes* expected = policy == nullptr ? nullptr : Expected(policy, field);
  if (expected == nullptr) {
    return Invalid(error, "policy is NULL or the field unknown");
  }
  expected->reset();
  return Ok(error);
}

int nitro_attest_policy_set_pcr(nitro_attest_policy* policy, uint32_t index,
                                const uint8_t* value, size_t len, nitro_attest_error** error) {
  return Guard(error, [&] {
    Bytes pcr;
    if (policy == nullptr || !Pcr(index, value, len, &pcr)) {
      return Invalid(error, "an expected PCR has an index 0..31 and 48 bytes");
    }
    policy->options.pcrs[index] = std::move(pcr);
    return Ok(error);
  });
}

int nitro_attest_policy_add_pcr_set(nitro_attest_policy* policy, const char* name, size_t* set,
                                    nitro_attest_error** error) {
  return Guard(error, [&] {
    if (policy == nullptr || set == nullptr) {
      return Invalid(error, "policy or set is NULL");
    }
    policy->options.pcr_sets.push_back(nitro_attest::PcrSet{name == nullptr ? "" : name, {}});
    *set = policy->options.pcr_sets.size() - 1;
    return Ok(error);
  });
}

int nitro_attest_policy_set_pcr_in_set(nitro_attest_policy* policy, size_t set, uint32_t index,
                                       const uint8_t* value, size_t len,
                                       nitro_attest_error** error) {
  return Guard(error, [&] {
    Bytes pcr;
    if (policy == nullptr || set >= policy->options.pcr_sets.size()) {
      return Invalid(error, "no such PCR set");
    }
    if (!Pcr(index, value, len, &pcr)) {
      return Invalid(error, "an expected PCR has an index 0..31 and 48 bytes");
    }
    policy->options.pcr_sets[set].pcrs[index] = std::move(pcr);
    return Ok(error);
  });
}

void nitro_attest_policy_allow_any_image(nitro_attest_policy* policy, int on) {
  if (policy != nullptr) {
    policy->options.allow_any_image = on != 0;
  }
}

void nitro_attest_policy_allow_debug(nitro_attest_policy* policy, int on) {
  if (policy != nullptr) {
    policy->options.allow_debug = on != 0;
  }
}

// ---- Verification ----

int nitro_attest_verify(const nitro_attest_policy* policy, const uint8_t* document, size_t len,
                        nitro_attest_document** out, nitro_attest_error** error) {
  return Verify(nullptr, policy, document, len, out, error);
}

nitro_attest_verifier* nitro_attest_verifier_new(size_t cache_entries) {
  try {
    return new nitro_attest_verifier(cache_entries);
  } catch (...) {  // out of memory: the caller sees NULL
    return nullptr;
  }
}

void nitro_attest_verifier_free(nitro_attest_verifier* verifier) { delete verifier; }

int nitro_attest_verifier_verify(const nitro_attest_verifier* verifier,
                                 const nitro_attest_policy* policy, const uint8_t* document,
                                 size_t len, nitro_attest_document** out,
                                 nitro_attest_error** error) {
  if (verifier == nullptr) {
    return Invalid(error, "verifier is NULL");
  }
  return Verify(&verifier->verifier, policy, document, len, out, error);
}

void nitro_attest_verifier_stats(const nitro_attest_verifier* verifier, uint64_t* hits,
                                 uint64_t* misses, uint64_t* entries) {
  const auto stats =
      verifier == nullptr ? nitro_attest::Verifier::Stats{} : verifier->verifier.stats();
  if (hits != nullptr) {
    *hits = stats.hits;
  }
  if (misses != nullptr) {
    *misses = stats.misses;
  }
  if (entries != nullptr) {
    *entries = stats.entries;
  }
}

// ---- What a verified document says about its verification ----

int64_t nitro_attest_document_verified_at_ms(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v == nullptr ? 0 : Ms(v->verified_at());
}

int nitro_attest_document_at_document_time(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v != nullptr && v->at_document_time() ? 1 : 0;
}

int nitro_attest_document_any_image(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v != nullptr && v->any_image() ? 1 : 0;
}

int64_t nitro_attest_document_pcr_set(const nitro_attest_document* d, const char** name) {
  const auto* v = Verified(d);
  if (v == nullptr || !v->pcr_set_index()) {
    if (name != nullptr) {
      *name = nullptr;
    }
    return -1;
  }
  if (name != nullptr) {
    *name = v->pcr_set_name().c_str();
  }
  return static_cast<int64_t>(*v->pcr_set_index());
}

const char* nitro_attest_document_leaf_subject(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v == nullptr ? nullptr : v->leaf_subject().c_str();
}

int64_t nitro_attest_document_leaf_not_before_ms(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v == nullptr ? 0 : Ms(v->leaf_not_before());
}

int64_t nitro_attest_document_leaf_not_after_ms(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v == nullptr ? 0 : Ms(v->leaf_not_after());
}

size_t nitro_attest_document_check_count(const nitro_attest_document* d) {
  const auto* v = Verified(d);
  return v == nullptr ? 0 : v->checks().size();
}

const char* nitro_attest_document_check_at(const nitro_attest_document* d, size_t i) {
  const auto* v = Verified(d);
  return v == nullptr || i >= v->checks().size() ? nullptr : v->checks()[i].c_str();
}
