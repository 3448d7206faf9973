// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/document/builder.h"

#include "src/cbor/cbor.h"
#include "src/es384/es384.h"

namespace nitro_attest {

Bytes EncodePayload(const AttestationDocument& doc, bool indefinite_map) {
  cbor::Writer w;
  if (indefinite_map) {
    w.IndefiniteMap();
  } else {
    w.MapHeader(9);
  }
  w.Text("module_id");
  w.Text(doc.module_id);
  w.Text("digest");
  w.Text(doc.digest.empty() ? "SHA384" : doc.digest);
  w.Text("timestamp");
  w.Uint(doc.timestamp_ms);
  w.Text("pcrs");
  w.MapHeader(doc.pcrs.size());
  for (const auto& [index, value] : doc.pcrs) {
    w.Uint(index);
    w.Bytes(value);
  }
  w.Text("certificate");
  w.Bytes(doc.certificate);
  w.Text("cabundle");
  w.ArrayHeader(doc.cabundle.size());
  for (const Bytes& cert : doc.cabundle) {
    w.Bytes(cert);
  }
  w.Text("public_key");
  w.OptionalBytes(doc.public_key ? &*doc.public_key : nullptr);
  w.Text("user_data");
  w.OptionalBytes(doc.user_data ? &*doc.user_data : nullptr);
  w.Text("nonce");
  w.OptionalBytes(doc.nonce ? &*doc.nonce : nullptr);
  if (indefinite_map) {
    w.Break();
  }
  return w.Take();
}

Bytes AssembleCoseSign1(std::span<const uint8_t> protected_header,
                        std::span<const uint8_t> payload, std::span<const uint8_t> signature,
                        bool tagged) {
  cbor::Writer w;
  if (tagged) {
    w.Raw(std::array<uint8_t, 1>{0xd2});
  }
  w.ArrayHeader(4);
  w.Bytes(protected_header);
  w.MapHeader(0);
  w.Bytes(payload);
  w.Bytes(signature);
  return w.Take();
}

Result<Bytes> SignDocument(std::span<const uint8_t> payload, EVP_PKEY* key, bool tagged) {
  static constexpr uint8_t kProtected[] = {0xa1, 0x01, 0x38, 0x22};
  const Bytes to_sign = BuildSigStructure(kProtected, payload);
  NA_ASSIGN_OR_RETURN(const auto signature, es384::SignRaw(key, to_sign));
  return AssembleCoseSign1(kProtected, payload, signature, tagged);
}

}  // namespace nitro_attest
