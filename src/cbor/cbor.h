// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// A strict, bounded CBOR (RFC 8949) reader and a small writer, written for the shapes the NSM
// and COSE use. See docs/design.md for why this is ours rather than libcbor's.
//
// The reader accepts: unsigned and negative integers, definite byte and text strings (text must
// be UTF-8), arrays and maps of definite or indefinite length, false, true and null. It rejects:
// tags, floats, other simple values, indefinite strings, non-shortest heads, duplicate map keys,
// map keys other than integers and strings, trailing bytes, and anything past the limits.
#ifndef NITRO_ATTEST_SRC_CBOR_CBOR_H_
#define NITRO_ATTEST_SRC_CBOR_CBOR_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nitro_attest/result.h"

namespace nitro_attest::cbor {

enum class Type : uint8_t { kUint, kNegative, kBytes, kText, kArray, kMap, kFalse, kTrue, kNull };

// Item is one decoded data item. Strings alias the decoded input, which must outlive the Item.
struct Item {
  Type type = Type::kNull;
  // kUint: the value. kNegative: n where the value is -1 - n.
  uint64_t number = 0;
  // kBytes / kText: the content bytes.
  std::span<const uint8_t> bytes;
  // kArray: the elements. kMap: keys and values interleaved (k0, v0, k1, v1, ...).
  std::vector<Item> items;
  // kArray / kMap: encoded with indefinite length (0x9f / 0xbf ... 0xff).
  bool indefinite = false;
  // The whole encoding of this item, head included.
  std::span<const uint8_t> raw;

  bool is_uint() const { return type == Type::kUint; }
  bool is_bytes() const { return type == Type::kBytes; }
  bool is_text() const { return type == Type::kText; }
  bool is_array() const { return type == Type::kArray; }
  bool is_map() const { return type == Type::kMap; }
  bool is_null() const { return type == Type::kNull; }
  // text returns the content of a text string (empty for other types).
  std::string_view text() const {
    return is_text() ? std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())
                     : std::string_view();
  }
  // IsText reports whether this is the text string `s`.
  bool IsText(std::string_view s) const { return is_text() && text() == s; }
  // map_size returns the number of key/value pairs of a map.
  size_t map_size() const { return items.size() / 2; }
  const Item& key(size_t i) const { return items[2 * i]; }
  const Item& val(size_t i) const { return items[2 * i + 1]; }
  // Find returns the value under text key `key` of a map, or nullptr.
  const Item* Find(std::string_view key) const;
};

// Limits bound the decoder's work on hostile input.
struct Limits {
  size_t max_depth = 16;      // nested arrays/maps; the NSM's shapes need at most 4
  size_t max_items = 16384;   // data items in total
};

// Decode decodes exactly one data item that spans all of `data`. Returns kMalformedCbor, with
// the byte offset in the detail, for anything outside the accepted subset.
Result<Item> Decode(std::span<const uint8_t> data, const Limits& limits = {});

// Writer appends shortest-form CBOR to a buffer.
class Writer {
 public:
  void Uint(uint64_t v) { Head(0, v); }
  void Int(int64_t v);
  void Bytes(std::span<const uint8_t> b);
  void Text(std::string_view s);
  void ArrayHeader(uint64_t n) { Head(4, n); }
  void MapHeader(uint64_t n) { Head(5, n); }
  void IndefiniteMap() { out_.push_back(0xbf); }
  void IndefiniteArray() { out_.push_back(0x9f); }
  void Break() { out_.push_back(0xff); }
  void Bool(bool b) { out_.push_back(b ? 0xf5 : 0xf4); }
  void Null() { out_.push_back(0xf6); }
  // OptionalBytes writes the bytes, or null when `b` is nullptr.
  void OptionalBytes(const std::vector<uint8_t>* b);
  // Raw appends already-encoded CBOR.
  void Raw(std::span<const uint8_t> b);
  // Head writes a major type and argument in shortest form.
  void Head(uint8_t major, uint64_t arg);

  const std::vector<uint8_t>& bytes() const { return out_; }
  std::vector<uint8_t> Take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

// Encode re-encodes a decoded item; for accepted input it yields the input bytes exactly.
std::vector<uint8_t> Encode(const Item& item);

}  // namespace nitro_attest::cbor

#endif  // NITRO_ATTEST_SRC_CBOR_CBOR_H_
