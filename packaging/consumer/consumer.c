/* Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
 *
 * A C99 program built against an installed nitro-attest through the C ABI
 * (packaging/tests/install_test.sh builds it with pkg-config and with CMake). Usage as
 * consumer.cc: `consumer_c [DOC.cbor]`; prints one line per check, exit 0 when all pass. */
#include <stdio.h>
#include <string.h>

#include "nitro_attest/nitro_attest.h"

static int fail(const char *what, int status, nitro_attest_error *error) {
  fprintf(stderr, "%s: %s: %s\n", what, nitro_attest_code_name(status),
          nitro_attest_error_detail(error));
  nitro_attest_error_free(error);
  return 1;
}

int main(int argc, char **argv) {
  static const uint8_t nonce[] = {1, 2, 3, 4, 5, 6, 7, 8};
  nitro_attest_error *error = NULL;
  nitro_attest_emulator *emulator = NULL;
  nitro_attest_nsm *nsm = NULL;
  nitro_attest_policy *policy;
  nitro_attest_document *doc = NULL;
  uint8_t *document = NULL;
  size_t len = 0;
  const char *root;
  int status;

  if (strcmp(nitro_attest_version(), NITRO_ATTEST_VERSION_STRING) != 0) {
    fprintf(stderr, "library %s, headers %s\n", nitro_attest_version(),
            NITRO_ATTEST_VERSION_STRING);
    return 1;
  }
  printf("version %s\n", NITRO_ATTEST_VERSION_STRING);
  if ((status = nitro_attest_emulator_new(NULL, &emulator, &error)) != NITRO_ATTEST_OK ||
      (status = nitro_attest_emulator_nsm(emulator, &nsm, &error)) != NITRO_ATTEST_OK ||
      (status = nitro_attest_nsm_attestation(nsm, NULL, 0, nonce, sizeof nonce, NULL, 0,
                                             &document, &len, &error)) != NITRO_ATTEST_OK) {
    return fail("emulator", status, error);
  }
  policy = nitro_attest_policy_new();
  root = nitro_attest_emulator_root_pem(emulator);
  nitro_attest_policy_clear_roots(policy);
  nitro_attest_policy_add_root(policy, (const uint8_t *)root, strlen(root), NULL);
  nitro_attest_policy_expect(policy, NITRO_ATTEST_FIELD_NONCE, nonce, sizeof nonce, NULL);
  nitro_attest_policy_allow_any_image(policy, 1);
  if ((status = nitro_attest_verify(policy, document, len, &doc, &error)) != NITRO_ATTEST_OK) {
    return fail("verify emulator document", status, error);
  }
  printf("emulator document verified: %s\n", nitro_attest_document_module_id(doc));
  nitro_attest_document_free(doc);
  nitro_attest_policy_free(policy);
  nitro_attest_free(document);
  nitro_attest_nsm_free(nsm);
  nitro_attest_emulator_free(emulator);

  if (argc > 1) {
    static uint8_t real[20000];
    FILE *f = fopen(argv[1], "rb");
    size_t n = f == NULL ? 0 : fread(real, 1, sizeof real, f);
    if (f != NULL) {
      fclose(f);
    }
    policy = nitro_attest_policy_new(); /* the pinned AWS root */
    nitro_attest_policy_set_at_document_time(policy, 1);
    nitro_attest_policy_allow_any_image(policy, 1);
    if ((status = nitro_attest_verify(policy, real, n, &doc, &error)) != NITRO_ATTEST_OK) {
      return fail("verify real document", status, error);
    }
    printf("real document verified: %s\n", nitro_attest_document_module_id(doc));
    nitro_attest_document_free(doc);
    nitro_attest_policy_free(policy);
  }
  return 0;
}
