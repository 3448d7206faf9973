/* Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
 *
 * The C ABI's test, compiled as C99 and linked against libnitro_attest.so (ctest capi_test; the
 * sanitizer build runs it too). Usage: capi_test [REAL_DOCUMENT.cbor]: with a real AWS document
 * it also verifies that one at its own time against the pinned AWS root.
 * Prints "N passed, N failed"; exit status 0 when nothing failed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro_attest/nitro_attest.h"

static int passed;
static int failed;

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)

static void check(int ok, const char *what, int line) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "capi_test.c:%d: CHECK(%s) failed\n", line, what);
  }
}

/* EXPECT_CODE checks a status and its error object against `code` and frees the error. The
 * call runs first: it sets the error. */
#define EXPECT_CODE(status, error, code)                  \
  do {                                                    \
    int status_ = (status);                               \
    expect_code(status_, (error), (code), __LINE__);      \
  } while (0)

static void expect_code(int status, nitro_attest_error *error, int code, int line) {
  int ok = status == code;
  if (code == NITRO_ATTEST_OK) {
    ok = ok && error == NULL;
  } else {
    ok = ok && error != NULL && nitro_attest_error_code(error) == code &&
         nitro_attest_error_detail(error)[0] != '\0';
  }
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "capi_test.c:%d: status %d (%s) %s, expected %d (%s)\n", line, status,
            nitro_attest_code_name(status), error != NULL ? nitro_attest_error_detail(error) : "",
            code, nitro_attest_code_name(code));
  }
  nitro_attest_error_free(error);
}

static int bytes_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
  return a != NULL && b != NULL && a_len == b_len && memcmp(a, b, a_len) == 0;
}

static const int64_t kTime = 1767225600000; /* 2026-01-01T00:00:00Z */

static void test_version_and_names(void) {
  CHECK(strcmp(nitro_attest_version(), NITRO_ATTEST_VERSION_STRING) == 0);
  CHECK(strcmp(nitro_attest_code_name(NITRO_ATTEST_OK), "ok") == 0);
  CHECK(strcmp(nitro_attest_code_name(NITRO_ATTEST_E_BAD_SIGNATURE), "bad_signature") == 0);
  CHECK(strcmp(nitro_attest_code_name(NITRO_ATTEST_E_INTERNAL), "internal") == 0);
  CHECK(strcmp(nitro_attest_code_name(NITRO_ATTEST_E_MALFORMED_IMAGE), "malformed_image") == 0);
  CHECK(strcmp(nitro_attest_code_name(NITRO_ATTEST_E_RECIPIENT_MISMATCH), "recipient_mismatch") ==
        0);
  CHECK(strcmp(nitro_attest_code_name(NITRO_ATTEST_E_PARENT_NOT_AUTHENTICATED),
               "parent_not_authenticated") == 0);
  CHECK(strcmp(nitro_attest_code_name(-3), "unknown") == 0);
  CHECK(strcmp(nitro_attest_code_name(4096), "unknown") == 0);
  CHECK(strcmp(nitro_attest_nsm_code_name(2), "InvalidIndex") == 0);
  CHECK(strcmp(nitro_attest_nsm_code_name(77), "Unknown") == 0);
  /* NULL handles never crash. */
  CHECK(nitro_attest_error_code(NULL) == NITRO_ATTEST_E_INTERNAL);
  CHECK(nitro_attest_error_cert_index(NULL) == -1);
  nitro_attest_error_free(NULL);
  nitro_attest_free(NULL);
  nitro_attest_document_free(NULL);
  nitro_attest_nsm_free(NULL);
  nitro_attest_emulator_free(NULL);
  nitro_attest_emulator_options_free(NULL);
  nitro_attest_nsm_description_free(NULL);
  CHECK(nitro_attest_document_module_id(NULL) == NULL);
  CHECK(nitro_attest_document_pcr_count(NULL) == 0);
}

static uint8_t g_pcr0[48];

/* new_emulator boots a seeded emulator with a fixed clock, PCR0 = 0x11..., and a module_id. */
static nitro_attest_emulator *new_emulator(void) {
  nitro_attest_emulator_options *options = nitro_attest_emulator_options_new();
  nitro_attest_emulator *emulator = NULL;
  nitro_attest_error *error = NULL;
  memset(g_pcr0, 0x11, sizeof g_pcr0);
  CHECK(options != NULL);
  nitro_attest_emulator_options_set_seed(options, "capi-test");
  nitro_attest_emulator_options_set_time_ms(options, kTime);
  nitro_attest_emulator_options_set_module_id(options, "i-0123456789abcdef0-enc0123456789abcdef");
  EXPECT_CODE(nitro_attest_emulator_options_set_pcr(options, 0, g_pcr0, sizeof g_pcr0, &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_emulator_options_set_pcr(options, 5, g_pcr0, sizeof g_pcr0, &error),
              error, NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_emulator_options_set_pcr(options, 1, g_pcr0, 47, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_emulator_new(options, &emulator, &error), error, NITRO_ATTEST_OK);
  nitro_attest_emulator_options_free(options); /* the emulator keeps its own copy */
  return emulator;
}

static void test_emulator_and_nsm(nitro_attest_emulator *emulator, nitro_attest_nsm *nsm) {
  nitro_attest_error *error = NULL;
  nitro_attest_nsm_description *description = NULL;
  uint16_t major = 9, minor = 9, patch = 9;
  uint8_t *value = NULL, *extended = NULL, *random = NULL;
  size_t len = 0, extended_len = 0, random_len = 0;
  int locked = -1;
  static const uint8_t kZero[48];
  static const uint8_t kData[] = {'h', 'e', 'l', 'l', 'o'};
  size_t root_len = 0;

  CHECK(nitro_attest_emulator_root_der(emulator, &root_len) != NULL && root_len > 300);
  CHECK(strncmp(nitro_attest_emulator_root_pem(emulator), "-----BEGIN CERTIFICATE-----", 27) == 0);
  CHECK(strcmp(nitro_attest_emulator_module_id(emulator),
               "i-0123456789abcdef0-enc0123456789abcdef") == 0);

  EXPECT_CODE(nitro_attest_nsm_describe(nsm, &description, &error), error, NITRO_ATTEST_OK);
  nitro_attest_nsm_description_version(description, &major, &minor, &patch);
  CHECK(major == 1 && minor == 0 && patch == 0);
  CHECK(nitro_attest_nsm_description_max_pcrs(description) == 32);
  CHECK(strcmp(nitro_attest_nsm_description_digest(description), "SHA384") == 0);
  CHECK(strcmp(nitro_attest_nsm_description_module_id(description),
               nitro_attest_emulator_module_id(emulator)) == 0);
  CHECK(nitro_attest_nsm_description_locked_count(description) == 16);
  CHECK(nitro_attest_nsm_description_locked_at(description, 15) == 15);
  CHECK(nitro_attest_nsm_description_locked_at(description, 16) == 0);
  nitro_attest_nsm_description_free(description);

  EXPECT_CODE(nitro_attest_nsm_describe_pcr(nsm, 0, &locked, &value, &len, &error), error,
              NITRO_ATTEST_OK);
  CHECK(locked == 1 && bytes_equal(value, len, g_pcr0, sizeof g_pcr0));
  nitro_attest_free(value);
  EXPECT_CODE(nitro_attest_nsm_describe_pcr(nsm, 16, &locked, &value, &len, &error), error,
              NITRO_ATTEST_OK);
  CHECK(locked == 0 && bytes_equal(value, len, kZero, sizeof kZero));
  nitro_attest_free(value);

  EXPECT_CODE(nitro_attest_nsm_extend_pcr(nsm, 16, kData, sizeof kData, &extended, &extended_len,
                                          &error),
              error, NITRO_ATTEST_OK);
  CHECK(extended_len == 48 && !bytes_equal(extended, extended_len, kZero, sizeof kZero));
  EXPECT_CODE(nitro_attest_nsm_describe_pcr(nsm, 16, &locked, &value, &len, &error), error,
              NITRO_ATTEST_OK);
  CHECK(bytes_equal(value, len, extended, extended_len));
  nitro_attest_free(value);
  nitro_attest_free(extended);

  /* NSM-level errors carry the NSM's own code. */
  CHECK(nitro_attest_nsm_extend_pcr(nsm, 0, kData, sizeof kData, &value, &len, &error) ==
        NITRO_ATTEST_E_NSM_ERROR);
  CHECK(strcmp(nitro_attest_nsm_code_name(nitro_attest_error_nsm_code(error)), "ReadOnlyIndex") ==
        0);
  nitro_attest_error_free(error);
  CHECK(nitro_attest_nsm_describe_pcr(nsm, 32, &locked, &value, &len, &error) ==
        NITRO_ATTEST_E_NSM_ERROR);
  CHECK(strcmp(nitro_attest_nsm_code_name(nitro_attest_error_nsm_code(error)), "InvalidIndex") ==
        0);
  nitro_attest_error_free(error);

  EXPECT_CODE(nitro_attest_nsm_lock_pcr(nsm, 16, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_nsm_extend_pcr(nsm, 16, kData, sizeof kData, &value, &len, &error),
              error, NITRO_ATTEST_E_NSM_ERROR);
  EXPECT_CODE(nitro_attest_nsm_lock_pcrs(nsm, 20, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_nsm_lock_pcrs(nsm, 33, &error), error, NITRO_ATTEST_E_NSM_ERROR);
  EXPECT_CODE(nitro_attest_nsm_describe(nsm, &description, &error), error, NITRO_ATTEST_OK);
  CHECK(nitro_attest_nsm_description_locked_count(description) == 20);
  nitro_attest_nsm_description_free(description);

  EXPECT_CODE(nitro_attest_nsm_get_random(nsm, &random, &random_len, &error), error,
              NITRO_ATTEST_OK);
  CHECK(random != NULL && random_len == 256);
  nitro_attest_free(random);

  /* Argument errors: NULL handle, NULL outputs, NULL data with a length. */
  EXPECT_CODE(nitro_attest_nsm_get_random(NULL, &random, &random_len, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_nsm_get_random(nsm, NULL, &random_len, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_nsm_extend_pcr(nsm, 17, NULL, 3, &value, &len, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  /* Refused before acting: PCR17 was not extended for a caller that could not get its value. */
  EXPECT_CODE(nitro_attest_nsm_extend_pcr(nsm, 17, kData, sizeof kData, NULL, &len, &error),
              error, NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_nsm_describe_pcr(nsm, 17, &locked, &value, &len, &error), error,
              NITRO_ATTEST_OK);
  CHECK(bytes_equal(value, len, kZero, sizeof kZero));
  nitro_attest_free(value);
  /* The error pointer may be NULL: the status alone tells. */
  CHECK(nitro_attest_nsm_lock_pcrs(nsm, 33, NULL) == NITRO_ATTEST_E_NSM_ERROR);
}

/* base64 returns standard base64 of `data` (caller frees). */
static char *base64(const uint8_t *data, size_t len) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc(4 * ((len + 2) / 3) + 1);
  size_t i, o = 0;
  for (i = 0; out != NULL && i < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16;
    if (i + 1 < len) {
      v |= (uint32_t)data[i + 1] << 8;
    }
    if (i + 2 < len) {
      v |= data[i + 2];
    }
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = i + 1 < len ? kAlphabet[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? kAlphabet[v & 63] : '=';
  }
  if (out != NULL) {
    out[o] = '\0';
  }
  return out;
}

/* test_attestation_and_inspect attests with a nonce and an empty user_data, and reads the
 * document back unverified. Returns the document (caller frees). */
static uint8_t *test_attestation_and_inspect(nitro_attest_nsm *nsm, size_t *doc_len) {
  nitro_attest_error *error = NULL;
  nitro_attest_document *doc = NULL;
  static const uint8_t kNonce[] = {1, 2, 3, 4, 5, 6, 7, 8};
  uint8_t *document = NULL, *decoded = NULL;
  size_t len = 0, decoded_len = 0, field_len = 99;
  uint32_t index = 99;
  const uint8_t *pcr, *field;
  char *text;
  uint8_t *big = calloc(5000, 1);

  EXPECT_CODE(nitro_attest_nsm_attestation(nsm, (const uint8_t *)"", 0, kNonce, sizeof kNonce,
                                           NULL, 0, &document, doc_len, &error),
              error, NITRO_ATTEST_OK);
  CHECK(document != NULL && *doc_len > 1000);
  /* A request above the NSM's 4096 bytes is refused before it is sent. */
  CHECK(nitro_attest_nsm_attestation(nsm, NULL, 0, big, 5000, NULL, 0, &decoded, &decoded_len,
                                     &error) == NITRO_ATTEST_E_INVALID_ARGUMENT);
  CHECK(strcmp(nitro_attest_nsm_code_name(nitro_attest_error_nsm_code(error)), "InputTooLarge") ==
        0);
  nitro_attest_error_free(error);
  free(big);

  EXPECT_CODE(nitro_attest_inspect(document, *doc_len, &doc, &error), error, NITRO_ATTEST_OK);
  CHECK(nitro_attest_document_verified(doc) == 0);
  CHECK(strcmp(nitro_attest_document_module_id(doc), "i-0123456789abcdef0-enc0123456789abcdef") ==
        0);
  CHECK(strcmp(nitro_attest_document_digest(doc), "SHA384") == 0);
  CHECK(nitro_attest_document_timestamp_ms(doc) == (uint64_t)kTime);
  CHECK(nitro_attest_document_pcr_count(doc) == 20); /* the locked PCRs 0..19 */
  pcr = nitro_attest_document_pcr(doc, 0, &len);
  CHECK(bytes_equal(pcr, len, g_pcr0, sizeof g_pcr0));
  CHECK(nitro_attest_document_pcr(doc, 31, &len) == NULL && len == 0);
  pcr = nitro_attest_document_pcr_at(doc, 19, &index, &len);
  CHECK(pcr != NULL && index == 19 && len == 48);
  CHECK(nitro_attest_document_pcr_at(doc, 20, &index, &len) == NULL);
  field = nitro_attest_document_field(doc, NITRO_ATTEST_FIELD_NONCE, &field_len);
  CHECK(bytes_equal(field, field_len, kNonce, sizeof kNonce));
  CHECK(nitro_attest_document_field(doc, NITRO_ATTEST_FIELD_USER_DATA, &field_len) != NULL &&
        field_len == 0); /* present and empty */
  CHECK(nitro_attest_document_field(doc, NITRO_ATTEST_FIELD_PUBLIC_KEY, &field_len) == NULL);
  CHECK(nitro_attest_document_certificate(doc, &len) != NULL && len > 300);
  CHECK(nitro_attest_document_cabundle_count(doc) == 4);
  CHECK(nitro_attest_document_cabundle_at(doc, 4, &len) == NULL);
  /* No verification facts on an inspected document. */
  CHECK(nitro_attest_document_verified_at_ms(doc) == 0);
  CHECK(nitro_attest_document_leaf_subject(doc) == NULL);
  CHECK(nitro_attest_document_pcr_set(doc, NULL) == -1);
  CHECK(nitro_attest_document_check_count(doc) == 0);
  nitro_attest_document_free(doc);

  EXPECT_CODE(nitro_attest_inspect(document, *doc_len - 1, &doc, &error), error,
              NITRO_ATTEST_E_MALFORMED_CBOR);
  CHECK(nitro_attest_inspect((const uint8_t *)"\x84", 1, &doc, NULL) != NITRO_ATTEST_OK);

  /* User input: base64 or raw decodes to the document. */
  text = base64(document, *doc_len);
  EXPECT_CODE(nitro_attest_decode_input((const uint8_t *)text, strlen(text), &decoded,
                                        &decoded_len, &error),
              error, NITRO_ATTEST_OK);
  CHECK(bytes_equal(decoded, decoded_len, document, *doc_len));
  nitro_attest_free(decoded);
  free(text);
  EXPECT_CODE(nitro_attest_decode_input(document, *doc_len, &decoded, &decoded_len, &error),
              error, NITRO_ATTEST_OK);
  CHECK(bytes_equal(decoded, decoded_len, document, *doc_len));
  nitro_attest_free(decoded);
  EXPECT_CODE(nitro_attest_decode_input((const uint8_t *)"not a document!", 15, &decoded,
                                        &decoded_len, &error),
              error, NITRO_ATTEST_E_MALFORMED_INPUT);
  return document;
}

/* policy_for_emulator: trusts only the emulator's root (PEM), at kTime. */
static nitro_attest_policy *policy_for_emulator(const nitro_attest_emulator *emulator) {
  nitro_attest_policy *policy = nitro_attest_policy_new();
  const char *pem = nitro_attest_emulator_root_pem(emulator);
  nitro_attest_error *error = NULL;
  CHECK(policy != NULL);
  nitro_attest_policy_clear_roots(policy);
  EXPECT_CODE(nitro_attest_policy_add_root(policy, (const uint8_t *)pem, strlen(pem), &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_set_time_ms(policy, kTime, &error), error, NITRO_ATTEST_OK);
  return policy;
}

static void test_verify(const nitro_attest_emulator *emulator, const uint8_t *doc, size_t len) {
  static const uint8_t kNonce[] = {1, 2, 3, 4, 5, 6, 7, 8};
  static const uint8_t kOther[] = {8, 7, 6, 5, 4, 3, 2, 1};
  static const uint8_t kZero[48];
  nitro_attest_error *error = NULL;
  nitro_attest_document *verified = NULL;
  nitro_attest_verifier *verifier;
  nitro_attest_policy *policy = policy_for_emulator(emulator);
  nitro_attest_policy *aws = nitro_attest_policy_new();
  nitro_attest_policy *copy;
  const char *name = NULL;
  size_t set = 99, root_len = 0, first_len = 0;
  const uint8_t *first;
  uint64_t hits = 0, misses = 0, entries = 0;
  const uint8_t *root = nitro_attest_emulator_root_der(emulator, &root_len);

  /* Fails closed: no PCR policy and no explicit any-image. */
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, &verified, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  /* The default root is AWS's: an emulator document is not trusted. */
  nitro_attest_policy_allow_any_image(aws, 1);
  EXPECT_CODE(nitro_attest_policy_set_time_ms(aws, kTime, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(aws, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_UNTRUSTED_ROOT);
  nitro_attest_policy_free(aws);

  nitro_attest_policy_allow_any_image(policy, 1);
  EXPECT_CODE(nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_NONCE, kNonce, sizeof kNonce,
                                         &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, &verified, &error), error, NITRO_ATTEST_OK);
  CHECK(nitro_attest_document_verified(verified) == 1);
  CHECK(nitro_attest_document_any_image(verified) == 1);
  CHECK(nitro_attest_document_at_document_time(verified) == 0);
  CHECK(nitro_attest_document_verified_at_ms(verified) == kTime);
  CHECK(nitro_attest_document_leaf_not_before_ms(verified) <= kTime &&
        kTime <= nitro_attest_document_leaf_not_after_ms(verified));
  CHECK(strstr(nitro_attest_document_leaf_subject(verified), "emulator") != NULL);
  CHECK(nitro_attest_document_check_count(verified) > 3);
  CHECK(strcmp(nitro_attest_document_check_at(verified, 0), "cose") == 0);
  CHECK(nitro_attest_document_check_at(verified, 99) == NULL);
  CHECK(nitro_attest_document_pcr_set(verified, &name) == -1 && name == NULL);
  CHECK(strcmp(nitro_attest_document_module_id(verified), nitro_attest_emulator_module_id(emulator)) ==
        0);
  first = nitro_attest_document_cabundle_at(verified, 0, &first_len);
  CHECK(bytes_equal(first, first_len, root, root_len)); /* cabundle[0] is the trusted root */
  nitro_attest_document_free(verified);

  /* Three states of an expected field: equal, absent, not checked. */
  EXPECT_CODE(nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_NONCE, kOther, sizeof kOther,
                                         &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_NONCE_MISMATCH);
  EXPECT_CODE(nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_NONCE, NULL, 0, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_NONCE_MISMATCH);
  EXPECT_CODE(nitro_attest_policy_expect_any(policy, NITRO_ATTEST_FIELD_NONCE, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_USER_DATA,
                                         (const uint8_t *)"", 0, &error),
              error, NITRO_ATTEST_OK); /* present and empty */
  EXPECT_CODE(nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_PUBLIC_KEY, NULL, 0, &error),
              error, NITRO_ATTEST_OK); /* absent */
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_USER_DATA, NULL, 0, &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_USER_DATA_MISMATCH);
  EXPECT_CODE(nitro_attest_policy_expect_any(policy, NITRO_ATTEST_FIELD_USER_DATA, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_expect_any(policy, (nitro_attest_field)9, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);

  /* Time: before the chain was issued; at the document's own time; out of range. */
  EXPECT_CODE(nitro_attest_policy_set_time_ms(policy, kTime - 86400000, &error), error,
              NITRO_ATTEST_OK);
  CHECK(nitro_attest_verify(policy, doc, len, NULL, &error) ==
        NITRO_ATTEST_E_CERTIFICATE_NOT_YET_VALID);
  CHECK(nitro_attest_error_cert_index(error) >= 0);
  nitro_attest_error_free(error);
  nitro_attest_policy_set_at_document_time(policy, 1);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, &verified, &error), error, NITRO_ATTEST_OK);
  CHECK(nitro_attest_document_at_document_time(verified) == 1 &&
        nitro_attest_document_verified_at_ms(verified) == kTime);
  nitro_attest_document_free(verified);
  EXPECT_CODE(nitro_attest_policy_set_time_ms(policy, -1, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_policy_set_time_ms(policy, INT64_C(253402300800000), &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_policy_set_time_ms(policy, kTime + 5000, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_set_max_age_ms(policy, 1000, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_DOCUMENT_TOO_OLD);
  EXPECT_CODE(nitro_attest_policy_set_max_age_ms(policy, 60000, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_set_max_age_ms(policy, -1, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error, NITRO_ATTEST_OK);

  /* PCRs: one pinned value, a mismatch, then sets ("blue" or "green"). Any-image together with
   * a PCR policy is refused: one of the two is a mistake. */
  EXPECT_CODE(nitro_attest_policy_set_pcr(policy, 0, g_pcr0, sizeof g_pcr0, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  nitro_attest_policy_allow_any_image(policy, 0);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_set_pcr(policy, 32, g_pcr0, sizeof g_pcr0, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_policy_set_pcr(policy, 1, g_pcr0, 47, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_policy_add_pcr_set(policy, "blue", &set, &error), error,
              NITRO_ATTEST_OK);
  CHECK(set == 0);
  EXPECT_CODE(nitro_attest_policy_set_pcr_in_set(policy, set, 0, kZero, sizeof kZero, &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_PCR_MISMATCH);
  EXPECT_CODE(nitro_attest_policy_add_pcr_set(policy, "green", &set, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_set_pcr_in_set(policy, set, 0, g_pcr0, sizeof g_pcr0, &error),
              error, NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_policy_set_pcr_in_set(policy, 7, 0, g_pcr0, sizeof g_pcr0, &error),
              error, NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, &verified, &error), error, NITRO_ATTEST_OK);
  CHECK(nitro_attest_document_pcr_set(verified, &name) == 1 && strcmp(name, "green") == 0);
  CHECK(nitro_attest_document_any_image(verified) == 0);
  nitro_attest_document_free(verified);

  /* A copy is independent of its original. */
  copy = nitro_attest_policy_copy(policy);
  CHECK(copy != NULL && nitro_attest_policy_copy(NULL) == NULL);
  nitro_attest_policy_clear_roots(copy);
  EXPECT_CODE(nitro_attest_verify(copy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT); /* no root at all */
  EXPECT_CODE(nitro_attest_verify(policy, doc, len, NULL, &error), error, NITRO_ATTEST_OK);
  nitro_attest_policy_free(copy);

  /* Malformed input and arguments. */
  EXPECT_CODE(nitro_attest_verify(policy, doc, len - 1, NULL, &error), error,
              NITRO_ATTEST_E_MALFORMED_CBOR);
  EXPECT_CODE(nitro_attest_verify(NULL, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  EXPECT_CODE(nitro_attest_policy_add_root(policy, (const uint8_t *)"not a certificate", 17,
                                           &error),
              error, NITRO_ATTEST_E_INVALID_ARGUMENT);

  /* The cached verifier: the second verification of the same chain is a hit. */
  verifier = nitro_attest_verifier_new(8);
  CHECK(verifier != NULL);
  EXPECT_CODE(nitro_attest_verifier_verify(verifier, policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_OK);
  EXPECT_CODE(nitro_attest_verifier_verify(verifier, policy, doc, len, &verified, &error), error,
              NITRO_ATTEST_OK);
  CHECK(nitro_attest_document_verified(verified) == 1);
  nitro_attest_document_free(verified);
  nitro_attest_verifier_stats(verifier, &hits, &misses, &entries);
  CHECK(hits == 1 && misses == 1 && entries == 1);
  EXPECT_CODE(nitro_attest_verifier_verify(NULL, policy, doc, len, NULL, &error), error,
              NITRO_ATTEST_E_INVALID_ARGUMENT);
  nitro_attest_verifier_free(verifier);
  nitro_attest_policy_free(policy);
}

/* test_real_document verifies a genuine AWS document at its own time, with the default (AWS)
 * root; today it is expired. Skipped, saying so, when the file is absent. */
static void test_real_document(const char *path) {
  nitro_attest_error *error = NULL;
  nitro_attest_document *verified = NULL;
  nitro_attest_policy *policy;
  uint8_t buffer[20000];
  size_t len;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    printf("SKIP real document: %s is absent (../shared)\n", path);
    return;
  }
  len = fread(buffer, 1, sizeof buffer, f);
  fclose(f);
  policy = nitro_attest_policy_new();
  nitro_attest_policy_allow_any_image(policy, 1);
  EXPECT_CODE(nitro_attest_verify(policy, buffer, len, NULL, &error), error,
              NITRO_ATTEST_E_CERTIFICATE_EXPIRED);
  nitro_attest_policy_set_at_document_time(policy, 1);
  EXPECT_CODE(nitro_attest_verify(policy, buffer, len, &verified, &error), error,
              NITRO_ATTEST_OK);
  CHECK(strncmp(nitro_attest_document_module_id(verified), "i-", 2) == 0);
  CHECK(nitro_attest_document_verified_at_ms(verified) ==
        (int64_t)nitro_attest_document_timestamp_ms(verified));
  CHECK(nitro_attest_document_pcr_count(verified) >= 16);
  nitro_attest_document_free(verified);
  nitro_attest_policy_free(policy);
}

static void test_devices(void) {
  nitro_attest_error *error = NULL;
  nitro_attest_nsm *nsm = NULL;
  EXPECT_CODE(nitro_attest_nsm_open("/nonexistent/nsm", &nsm, &error), error,
              NITRO_ATTEST_E_DEVICE_ERROR);
  EXPECT_CODE(nitro_attest_nsm_connect_emulator("/nonexistent/nsm.sock", &nsm, &error), error,
              NITRO_ATTEST_E_TRANSPORT_ERROR);
  CHECK(nsm == NULL);
}

int main(int argc, char **argv) {
  nitro_attest_error *error = NULL;
  nitro_attest_emulator *emulator;
  nitro_attest_nsm *nsm = NULL;
  uint8_t *document;
  size_t doc_len = 0;

  test_version_and_names();
  test_devices();
  emulator = new_emulator();
  if (emulator == NULL) {
    fprintf(stderr, "no emulator\n");
    return 1;
  }
  EXPECT_CODE(nitro_attest_emulator_nsm(emulator, &nsm, &error), error, NITRO_ATTEST_OK);
  test_emulator_and_nsm(emulator, nsm);
  document = test_attestation_and_inspect(nsm, &doc_len);
  test_verify(emulator, document, doc_len);
  nitro_attest_free(document);
  if (argc > 1) {
    test_real_document(argv[1]);
  }
  /* The NSM client keeps the emulated NSM alive after the emulator handle is gone. */
  nitro_attest_emulator_free(emulator);
  EXPECT_CODE(nitro_attest_nsm_lock_pcr(nsm, 21, &error), error, NITRO_ATTEST_OK);
  nitro_attest_nsm_free(nsm);

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
