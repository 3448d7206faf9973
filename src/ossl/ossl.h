// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// RAII handles for OpenSSL objects and the one helper that drains OpenSSL's error queue.
#ifndef NITRO_ATTEST_SRC_OSSL_OSSL_H_
#define NITRO_ATTEST_SRC_OSSL_OSSL_H_

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "nitro_attest/result.h"

namespace nitro_attest::ossl {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, Deleter<BASIC_CONSTRAINTS_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, Deleter<ASN1_BIT_STRING_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF_free>>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;

static_assert(sizeof(X509Ptr) == sizeof(X509*));

// DrainErrors empties OpenSSL's error queue, so a failure leaves nothing behind for the next
// caller on this thread. The queued texts are dropped, never put into Error::detail: they are
// OpenSSL's internals (source files, function and reason names), change between versions, and
// would hand input-dependent library text to logs and peers.
void DrainErrors();

// OsslError drains the error queue and builds an Error whose detail is `what` alone.
Error OsslError(ErrorCode code, std::string_view what);

}  // namespace nitro_attest::ossl

#endif  // NITRO_ATTEST_SRC_OSSL_OSSL_H_
