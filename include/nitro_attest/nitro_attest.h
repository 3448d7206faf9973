/* Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
 *
 * nitro_attest.h: the C ABI of nitro-attest (C99). Verify attestation documents against a
 * policy, read their fields, and talk to the Nitro Secure Module (or the emulator) from inside
 * an enclave. Every name starts with nitro_attest_ / NITRO_ATTEST_.
 *
 * Conventions, for every function below:
 * - Status: a fallible function returns NITRO_ATTEST_OK (0) or an error code, the number of
 *   nitro_attest::ErrorCode (result.h); nitro_attest_code_name() gives its stable name
 *   ("bad_signature"). Codes may be added in later versions; treat unknown ones as failures.
 * - Errors: the last parameter, `nitro_attest_error **error`, may be NULL. Otherwise it is set
 *   to NULL on success and, on failure, to a new error object (code, detail text for people,
 *   certificate index, NSM code) that the caller frees with nitro_attest_error_free().
 * - Handles are opaque; each type has a _free function that accepts NULL.
 * - Bytes in are (const uint8_t *data, size_t len); data may be NULL when len is 0. Optional
 *   bytes: data == NULL means absent, data != NULL with len == 0 means present and empty.
 * - Bytes out are (uint8_t **data, size_t *len): allocated by the library, freed by the caller
 *   with nitro_attest_free(). Pointers returned by accessors belong to the handle and stay
 *   valid until it is freed.
 * - Times are Unix milliseconds (int64_t).
 * - No C++ exception crosses this boundary; running out of memory is NITRO_ATTEST_E_INTERNAL.
 * - Thread safety is stated per handle type. Functions without a handle are thread-safe.
 */
#ifndef NITRO_ATTEST_NITRO_ATTEST_H_
#define NITRO_ATTEST_NITRO_ATTEST_H_

#include <stddef.h>
#include <stdint.h>

#include "nitro_attest/export.h"
#include "nitro_attest/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes, errors, memory ---- */

/* The status codes; the same numbers as nitro_attest::ErrorCode. */
enum {
  NITRO_ATTEST_OK = 0,
  NITRO_ATTEST_E_MALFORMED_INPUT = 1,
  NITRO_ATTEST_E_MALFORMED_CBOR = 2,
  NITRO_ATTEST_E_MALFORMED_COSE = 3,
  NITRO_ATTEST_E_UNSUPPORTED_ALGORITHM = 4,
  NITRO_ATTEST_E_BAD_SIGNATURE = 5,
  NITRO_ATTEST_E_MALFORMED_DOCUMENT = 6,
  NITRO_ATTEST_E_MALFORMED_CERTIFICATE = 7,
  NITRO_ATTEST_E_CERTIFICATE_EXPIRED = 8,
  NITRO_ATTEST_E_CERTIFICATE_NOT_YET_VALID = 9,
  NITRO_ATTEST_E_UNTRUSTED_ROOT = 10,
  NITRO_ATTEST_E_CHAIN_INVALID = 11,
  NITRO_ATTEST_E_PCR_MISMATCH = 12,
  NITRO_ATTEST_E_NONCE_MISMATCH = 13,
  NITRO_ATTEST_E_USER_DATA_MISMATCH = 14,
  NITRO_ATTEST_E_PUBLIC_KEY_MISMATCH = 15,
  NITRO_ATTEST_E_DOCUMENT_TOO_OLD = 16,
  NITRO_ATTEST_E_DOCUMENT_FROM_FUTURE = 17,
  NITRO_ATTEST_E_DEBUG_MODE = 18,
  NITRO_ATTEST_E_INVALID_ARGUMENT = 19,
  NITRO_ATTEST_E_NSM_ERROR = 20,
  NITRO_ATTEST_E_DEVICE_ERROR = 21,
  NITRO_ATTEST_E_TRANSPORT_ERROR = 22,
  NITRO_ATTEST_E_PROTOCOL_ERROR = 23,
  NITRO_ATTEST_E_CRYPTO_ERROR = 24,
  NITRO_ATTEST_E_IO_ERROR = 25,
  NITRO_ATTEST_E_INTERNAL = 26,
  NITRO_ATTEST_E_MALFORMED_IMAGE = 27,
  NITRO_ATTEST_E_KMS_ERROR = 28,
  NITRO_ATTEST_E_MALFORMED_CIPHERTEXT = 29,
  NITRO_ATTEST_E_RECIPIENT_MISMATCH = 30,
  NITRO_ATTEST_E_PARENT_NOT_AUTHENTICATED = 33
};

/* nitro_attest_error is one failure. Immutable; may be read from any thread. */
typedef struct nitro_attest_error nitro_attest_error;

/* nitro_attest_error_code returns the status code of `error` (NITRO_ATTEST_E_INTERNAL for
 * NULL). */
NITRO_ATTEST_EXPORT int nitro_attest_error_code(const nitro_attest_error *error);
/* nitro_attest_error_detail returns the detail text, for people and logs: never branch on it. */
NITRO_ATTEST_EXPORT const char *nitro_attest_error_detail(const nitro_attest_error *error);
/* nitro_attest_error_cert_index returns the certificate a chain failure concerns (0 = leaf,
 * 1.. = cabundle from the leaf upwards), or -1. */
NITRO_ATTEST_EXPORT int nitro_attest_error_cert_index(const nitro_attest_error *error);
/* nitro_attest_error_nsm_code returns the NSM's own code for NITRO_ATTEST_E_NSM_ERROR (and for
 * a request refused as too large), else 0; nitro_attest_nsm_code_name() names it. */
NITRO_ATTEST_EXPORT int nitro_attest_error_nsm_code(const nitro_attest_error *error);
/* nitro_attest_error_free frees `error` (NULL is fine). */
NITRO_ATTEST_EXPORT void nitro_attest_error_free(nitro_attest_error *error);

/* nitro_attest_code_name returns the stable name of a status code ("ok", "bad_signature"), or
 * "unknown". The string is static. */
NITRO_ATTEST_EXPORT const char *nitro_attest_code_name(int code);
/* nitro_attest_nsm_code_name returns the NSM's name of its code ("InvalidIndex"), or "Unknown". */
NITRO_ATTEST_EXPORT const char *nitro_attest_nsm_code_name(int nsm_code);

/* nitro_attest_free frees bytes the library returned (NULL is fine). */
NITRO_ATTEST_EXPORT void nitro_attest_free(void *data);

/* nitro_attest_version returns the library's version, e.g. "0.1.0" (static string); compare it
 * with NITRO_ATTEST_VERSION_STRING to detect a header/library mismatch. */
NITRO_ATTEST_EXPORT const char *nitro_attest_version(void);

/* ---- Documents ---- */

/* The optional fields of an attestation document. */
typedef enum nitro_attest_field {
  NITRO_ATTEST_FIELD_USER_DATA = 1,
  NITRO_ATTEST_FIELD_NONCE = 2,
  NITRO_ATTEST_FIELD_PUBLIC_KEY = 3
} nitro_attest_field;

/* nitro_attest_document is a decoded attestation document: verified (from a verify function)
 * or only inspected (nitro_attest_inspect: NOT authenticated, never decide on it). Immutable;
 * may be read from several threads at once. */
typedef struct nitro_attest_document nitro_attest_document;

/* nitro_attest_decode_input turns what a user supplied into document bytes, as the tools read
 * it (nitro_attest::DecodeDocumentInput: raw CBOR as is, otherwise base64).
 * NITRO_ATTEST_E_MALFORMED_INPUT when it is neither. */
NITRO_ATTEST_EXPORT int nitro_attest_decode_input(const uint8_t *input, size_t len,
                                                  uint8_t **document, size_t *document_len,
                                                  nitro_attest_error **error);

/* nitro_attest_inspect decodes `document` (raw COSE_Sign1 bytes) and checks its structure
 * without any cryptography. On success *out is a new, unverified document. Errors:
 * MALFORMED_CBOR, MALFORMED_COSE, UNSUPPORTED_ALGORITHM, MALFORMED_DOCUMENT. */
NITRO_ATTEST_EXPORT int nitro_attest_inspect(const uint8_t *document, size_t len,
                                             nitro_attest_document **out,
                                             nitro_attest_error **error);

/* nitro_attest_document_free frees a document (NULL is fine). */
NITRO_ATTEST_EXPORT void nitro_attest_document_free(nitro_attest_document *document);
/* nitro_attest_document_verified returns 1 for a document that passed verification, else 0. */
NITRO_ATTEST_EXPORT int nitro_attest_document_verified(const nitro_attest_document *document);
/* Payload fields: module_id and digest ("SHA384") as NUL-terminated strings; the timestamp in
 * Unix milliseconds; the leaf certificate (DER); the cabundle (DER, root first). */
NITRO_ATTEST_EXPORT const char *nitro_attest_document_module_id(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT const char *nitro_attest_document_digest(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT uint64_t nitro_attest_document_timestamp_ms(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT const uint8_t *nitro_attest_document_certificate(
    const nitro_attest_document *d, size_t *len);
NITRO_ATTEST_EXPORT size_t nitro_attest_document_cabundle_count(const nitro_attest_document *d);
/* nitro_attest_document_cabundle_at returns entry i (0 = root), or NULL when out of range. */
NITRO_ATTEST_EXPORT const uint8_t *nitro_attest_document_cabundle_at(
    const nitro_attest_document *d, size_t i, size_t *len);
/* PCRs in index order: nitro_attest_document_pcr_at returns the i-th PCR's value and stores its
 * index, or NULL when i >= count; nitro_attest_document_pcr returns PCR `index` or NULL. */
NITRO_ATTEST_EXPORT size_t nitro_attest_document_pcr_count(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT const uint8_t *nitro_attest_document_pcr_at(const nitro_attest_document *d,
                                                                 size_t i, uint32_t *index,
                                                                 size_t *len);
NITRO_ATTEST_EXPORT const uint8_t *nitro_attest_document_pcr(const nitro_attest_document *d,
                                                             uint32_t index, size_t *len);
/* nitro_attest_document_field returns an optional field: NULL when the document has none (null
 * or omitted), else its bytes (non-NULL even when empty). */
NITRO_ATTEST_EXPORT const uint8_t *nitro_attest_document_field(const nitro_attest_document *d,
                                                               nitro_attest_field field,
                                                               size_t *len);

/* Verification facts; for an unverified document these return 0, NULL or -1.
 * - verified_at_ms: the time the chain was checked at;
 * - at_document_time: 1 when that was the document's own timestamp;
 * - any_image: 1 when no PCR policy applied (the policy allowed any image);
 * - pcr_set: the index of the PCR set that matched (its name, possibly "", in *name), or -1;
 * - leaf_subject (RFC 2253) and the leaf's validity;
 * - checks: the names of the checks that ran ("cose", "payload", "chain", ...). */
NITRO_ATTEST_EXPORT int64_t nitro_attest_document_verified_at_ms(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT int nitro_attest_document_at_document_time(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT int nitro_attest_document_any_image(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT int64_t nitro_attest_document_pcr_set(const nitro_attest_document *d,
                                                          const char **name);
NITRO_ATTEST_EXPORT const char *nitro_attest_document_leaf_subject(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT int64_t nitro_attest_document_leaf_not_before_ms(
    const nitro_attest_document *d);
NITRO_ATTEST_EXPORT int64_t nitro_attest_document_leaf_not_after_ms(
    const nitro_attest_document *d);
NITRO_ATTEST_EXPORT size_t nitro_attest_document_check_count(const nitro_attest_document *d);
NITRO_ATTEST_EXPORT const char *nitro_attest_document_check_at(const nitro_attest_document *d,
                                                               size_t i);

/* ---- Verification policy ---- */

/* nitro_attest_policy is the trust and policy of a verification (nitro_attest::VerifyOptions).
 * A new policy trusts the AWS Nitro root G1, verifies at the current time, rejects debug-mode
 * documents and, like the C++ API, fails closed: verification returns INVALID_ARGUMENT until a
 * PCR policy is set or any image is allowed explicitly. Setters check their own arguments;
 * the whole policy is checked again when it is used. A policy may be used by many
 * verifications at once (in several threads), but must not be changed while in use. */
typedef struct nitro_attest_policy nitro_attest_policy;

/* nitro_attest_policy_new returns a new policy, or NULL when out of memory. */
NITRO_ATTEST_EXPORT nitro_attest_policy *nitro_attest_policy_new(void);
/* nitro_attest_policy_copy returns a new policy equal to `policy` (NULL for NULL or when out of
 * memory): set the costly parts once (roots are parsed when added), copy per use. */
NITRO_ATTEST_EXPORT nitro_attest_policy *nitro_attest_policy_copy(const nitro_attest_policy *policy);
NITRO_ATTEST_EXPORT void nitro_attest_policy_free(nitro_attest_policy *policy);
/* Roots: nitro_attest_policy_clear_roots trusts none (add at least one after it);
 * nitro_attest_policy_add_root trusts another root, PEM or DER (INVALID_ARGUMENT if it is not
 * a certificate). cabundle[0] must equal one trusted root byte for byte. */
NITRO_ATTEST_EXPORT void nitro_attest_policy_clear_roots(nitro_attest_policy *policy);
NITRO_ATTEST_EXPORT int nitro_attest_policy_add_root(nitro_attest_policy *policy,
                                                     const uint8_t *certificate, size_t len,
                                                     nitro_attest_error **error);
/* Time: verify at a fixed Unix millisecond time (years 1970..9999), at the document's own signed
 * timestamp (at_document_time = 1), or at the clock (the default: set_clock). */
NITRO_ATTEST_EXPORT int nitro_attest_policy_set_time_ms(nitro_attest_policy *policy,
                                                        int64_t unix_ms,
                                                        nitro_attest_error **error);
NITRO_ATTEST_EXPORT void nitro_attest_policy_set_at_document_time(nitro_attest_policy *policy,
                                                                  int on);
NITRO_ATTEST_EXPORT void nitro_attest_policy_set_clock(nitro_attest_policy *policy);
/* nitro_attest_policy_set_max_age_ms rejects documents older than time - max_age (>= 0). */
NITRO_ATTEST_EXPORT int nitro_attest_policy_set_max_age_ms(nitro_attest_policy *policy,
                                                           int64_t max_age_ms,
                                                           nitro_attest_error **error);
/* nitro_attest_policy_expect demands an optional field: (data, len) must equal it, or, with
 * data == NULL, the field must be absent. nitro_attest_policy_expect_any stops checking it. */
NITRO_ATTEST_EXPORT int nitro_attest_policy_expect(nitro_attest_policy *policy,
                                                   nitro_attest_field field,
                                                   const uint8_t *data, size_t len,
                                                   nitro_attest_error **error);
NITRO_ATTEST_EXPORT int nitro_attest_policy_expect_any(nitro_attest_policy *policy,
                                                       nitro_attest_field field,
                                                       nitro_attest_error **error);
/* nitro_attest_policy_set_pcr requires PCR `index` (0..31) to equal `value` (48 bytes). */
NITRO_ATTEST_EXPORT int nitro_attest_policy_set_pcr(nitro_attest_policy *policy, uint32_t index,
                                                    const uint8_t *value, size_t len,
                                                    nitro_attest_error **error);
/* PCR sets ("any one of these images"): nitro_attest_policy_add_pcr_set starts a named set
 * (name may be NULL) and stores its index in *set; nitro_attest_policy_set_pcr_in_set fills
 * it. A document passes when it matches every PCR of at least one whole set. */
NITRO_ATTEST_EXPORT int nitro_attest_policy_add_pcr_set(nitro_attest_policy *policy,
                                                        const char *name, size_t *set,
                                                        nitro_attest_error **error);
NITRO_ATTEST_EXPORT int nitro_attest_policy_set_pcr_in_set(nitro_attest_policy *policy,
                                                           size_t set, uint32_t index,
                                                           const uint8_t *value, size_t len,
                                                           nitro_attest_error **error);
/* nitro_attest_policy_allow_any_image: the explicit opt-out of a PCR policy (1 = on). */
NITRO_ATTEST_EXPORT void nitro_attest_policy_allow_any_image(nitro_attest_policy *policy, int on);
/* nitro_attest_policy_allow_debug accepts debug-mode documents (1 = on). */
NITRO_ATTEST_EXPORT void nitro_attest_policy_allow_debug(nitro_attest_policy *policy, int on);

/* ---- Verification ---- */

/* nitro_attest_verify verifies `document` (raw COSE_Sign1 bytes) completely: COSE ES384
 * signature, every payload rule, the chain to a trusted root at the policy's time, then the
 * policy. On success *out (when out is not NULL) is the new verified document. Errors: the
 * first failure (e.g. BAD_SIGNATURE, CERTIFICATE_EXPIRED with a cert index, PCR_MISMATCH),
 * INVALID_ARGUMENT for a policy that is invalid or sets no PCR policy. */
NITRO_ATTEST_EXPORT int nitro_attest_verify(const nitro_attest_policy *policy,
                                            const uint8_t *document, size_t len,
                                            nitro_attest_document **out,
                                            nitro_attest_error **error);

/* nitro_attest_verifier is a long-lived verifier with a cache of verified certificate chains
 * (a hit skips only the chain's signatures; docs/design.md). Thread-safe. */
typedef struct nitro_attest_verifier nitro_attest_verifier;

/* nitro_attest_verifier_new returns a verifier caching up to `cache_entries` chains (0: no
 * cache), or NULL when out of memory. */
NITRO_ATTEST_EXPORT nitro_attest_verifier *nitro_attest_verifier_new(size_t cache_entries);
NITRO_ATTEST_EXPORT void nitro_attest_verifier_free(nitro_attest_verifier *verifier);
/* nitro_attest_verifier_verify is nitro_attest_verify with the verifier's cache. */
NITRO_ATTEST_EXPORT int nitro_attest_verifier_verify(const nitro_attest_verifier *verifier,
                                                     const nitro_attest_policy *policy,
                                                     const uint8_t *document, size_t len,
                                                     nitro_attest_document **out,
                                                     nitro_attest_error **error);
/* nitro_attest_verifier_stats reads the cache counters (any pointer may be NULL). */
NITRO_ATTEST_EXPORT void nitro_attest_verifier_stats(const nitro_attest_verifier *verifier,
                                                     uint64_t *hits, uint64_t *misses,
                                                     uint64_t *entries);

/* ---- Inside the enclave: the NSM ---- */

/* nitro_attest_nsm is a client of one NSM: /dev/nsm, a running nsm-emulator, or an in-process
 * emulator. Thread-safe: calls on one handle are serialized, one request at a time, as on the
 * device. NSM-level failures are NITRO_ATTEST_E_NSM_ERROR with the NSM's code in the error. */
typedef struct nitro_attest_nsm nitro_attest_nsm;

/* nitro_attest_nsm_open opens the NSM device (`path` NULL: /dev/nsm). DEVICE_ERROR when it
 * cannot be opened; never falls back to an emulator. */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_open(const char *path, nitro_attest_nsm **out,
                                              nitro_attest_error **error);
/* nitro_attest_nsm_connect_emulator uses an nsm-emulator listening on the Unix socket `path`. */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_connect_emulator(const char *path, nitro_attest_nsm **out,
                                                          nitro_attest_error **error);
NITRO_ATTEST_EXPORT void nitro_attest_nsm_free(nitro_attest_nsm *nsm);
/* nitro_attest_nsm_attestation asks for an attestation document carrying the optional fields
 * (NULL = absent; see the conventions) and returns its COSE_Sign1 bytes. */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_attestation(
    nitro_attest_nsm *nsm, const uint8_t *user_data, size_t user_data_len, const uint8_t *nonce,
    size_t nonce_len, const uint8_t *public_key, size_t public_key_len, uint8_t **document,
    size_t *document_len, nitro_attest_error **error);
/* nitro_attest_nsm_describe_pcr reads PCR `index`: its lock state (1 = locked) and value. */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_describe_pcr(nitro_attest_nsm *nsm, uint16_t index,
                                                      int *locked, uint8_t **value,
                                                      size_t *value_len,
                                                      nitro_attest_error **error);
/* nitro_attest_nsm_extend_pcr extends PCR `index` with `data` and returns its new value. */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_extend_pcr(nitro_attest_nsm *nsm, uint16_t index,
                                                    const uint8_t *data, size_t len,
                                                    uint8_t **value, size_t *value_len,
                                                    nitro_attest_error **error);
/* nitro_attest_nsm_lock_pcr locks PCR `index`; nitro_attest_nsm_lock_pcrs locks [0, range). */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_lock_pcr(nitro_attest_nsm *nsm, uint16_t index,
                                                  nitro_attest_error **error);
NITRO_ATTEST_EXPORT int nitro_attest_nsm_lock_pcrs(nitro_attest_nsm *nsm, uint16_t range,
                                                   nitro_attest_error **error);
/* nitro_attest_nsm_get_random returns the bytes one GetRandom yields (256 on a real NSM). */
NITRO_ATTEST_EXPORT int nitro_attest_nsm_get_random(nitro_attest_nsm *nsm, uint8_t **data,
                                                    size_t *len, nitro_attest_error **error);

/* nitro_attest_nsm_description is DescribeNSM's answer. Immutable. */
typedef struct nitro_attest_nsm_description nitro_attest_nsm_description;

NITRO_ATTEST_EXPORT int nitro_attest_nsm_describe(nitro_attest_nsm *nsm,
                                                  nitro_attest_nsm_description **out,
                                                  nitro_attest_error **error);
NITRO_ATTEST_EXPORT void nitro_attest_nsm_description_free(nitro_attest_nsm_description *d);
NITRO_ATTEST_EXPORT void nitro_attest_nsm_description_version(
    const nitro_attest_nsm_description *d, uint16_t *major, uint16_t *minor, uint16_t *patch);
NITRO_ATTEST_EXPORT const char *nitro_attest_nsm_description_module_id(
    const nitro_attest_nsm_description *d);
NITRO_ATTEST_EXPORT const char *nitro_attest_nsm_description_digest(
    const nitro_attest_nsm_description *d);
NITRO_ATTEST_EXPORT uint16_t nitro_attest_nsm_description_max_pcrs(
    const nitro_attest_nsm_description *d);
/* The locked PCRs in increasing order: count, then the i-th index (0 when out of range). */
NITRO_ATTEST_EXPORT size_t nitro_attest_nsm_description_locked_count(
    const nitro_attest_nsm_description *d);
NITRO_ATTEST_EXPORT uint16_t nitro_attest_nsm_description_locked_at(
    const nitro_attest_nsm_description *d, size_t i);

/* ---- The emulator (INSECURE: development and tests only) ---- */

/* nitro_attest_emulator is an in-process software NSM with the real one's semantics, signing
 * documents with its own generated chain; a verifier accepts them only when its root is added
 * explicitly. Thread-safe. Its options are set on an nitro_attest_emulator_options first (not
 * thread-safe; may be freed once the emulator exists). */
typedef struct nitro_attest_emulator nitro_attest_emulator;
typedef struct nitro_attest_emulator_options nitro_attest_emulator_options;

NITRO_ATTEST_EXPORT nitro_attest_emulator_options *nitro_attest_emulator_options_new(void);
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_free(nitro_attest_emulator_options *o);
/* A seed makes keys, ids and the root certificate reproducible (NULL: random). */
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_set_seed(nitro_attest_emulator_options *o,
                                                                const char *seed);
/* Boot measurements PCR0, 1, 2 or 8 (48 bytes each; INVALID_ARGUMENT otherwise). */
NITRO_ATTEST_EXPORT int nitro_attest_emulator_options_set_pcr(nitro_attest_emulator_options *o,
                                                              uint32_t index,
                                                              const uint8_t *value, size_t len,
                                                              nitro_attest_error **error);
/* The parent's IAM role (PCR3), instance id (PCR4) and the module_id to report (NULL: default). */
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_set_role_arn(
    nitro_attest_emulator_options *o, const char *role_arn);
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_set_instance_id(
    nitro_attest_emulator_options *o, const char *instance_id);
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_set_module_id(
    nitro_attest_emulator_options *o, const char *module_id);
/* A fixed clock (Unix ms) for documents and certificates; by default the system clock. */
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_set_time_ms(
    nitro_attest_emulator_options *o, int64_t unix_ms);
/* 1: a definite-length payload map, as documents before 2025 had (default 0: indefinite). */
NITRO_ATTEST_EXPORT void nitro_attest_emulator_options_set_definite_map(
    nitro_attest_emulator_options *o, int on);

/* nitro_attest_emulator_new boots an emulator (options NULL: defaults). */
NITRO_ATTEST_EXPORT int nitro_attest_emulator_new(const nitro_attest_emulator_options *options,
                                                  nitro_attest_emulator **out,
                                                  nitro_attest_error **error);
NITRO_ATTEST_EXPORT void nitro_attest_emulator_free(nitro_attest_emulator *emulator);
/* nitro_attest_emulator_nsm returns a new NSM client of this emulator (same PCRs and chain); it
 * may outlive the emulator handle. */
NITRO_ATTEST_EXPORT int nitro_attest_emulator_nsm(const nitro_attest_emulator *emulator,
                                                  nitro_attest_nsm **out,
                                                  nitro_attest_error **error);
/* The emulator's root certificate, DER and PEM (add it to a policy to accept its documents), and
 * its module_id. */
NITRO_ATTEST_EXPORT const uint8_t *nitro_attest_emulator_root_der(
    const nitro_attest_emulator *emulator, size_t *len);
NITRO_ATTEST_EXPORT const char *nitro_attest_emulator_root_pem(
    const nitro_attest_emulator *emulator);
NITRO_ATTEST_EXPORT const char *nitro_attest_emulator_module_id(
    const nitro_attest_emulator *emulator);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NITRO_ATTEST_NITRO_ATTEST_H_ */
