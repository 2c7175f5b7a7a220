#include "common/text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace grassroots {
namespace {

bool IsWide(int32_t cp) {
  // The East Asian Wide and Fullwidth blocks that occur in Chinese text.
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool IsZeroWidth(int32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F);
}

}  // namespace

Utf8Char DecodeUtf8(absl::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t b0 = byte(pos);
  if (b0 < 0x80) return {b0, 1};
  size_t length = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {};  // a continuation byte, or 0xF8..0xFF
  }
  if (length > text.size() - pos) return {};
  for (size_t i = 1; i < length; ++i) {
    const uint8_t b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, length};
}

size_t CountUtf8Chars(absl::string_view text) {
  size_t count = 0;
  ForEachUtf8Char(text, [&](Utf8Char, absl::string_view) { ++count; });
  return count;
}

size_t CodePointWidth(int32_t code_point) {
  if (code_point == kInvalidCodePoint) return 1;
  if (IsWide(code_point)) return 2;
  if (IsZeroWidth(code_point)) return 0;
  return 1;
}

std::optional<size_t> Utf8Length(absl::string_view text) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) {
    const Utf8Char c = DecodeUtf8(text, pos);
    if (c.code_point == kInvalidCodePoint) return std::nullopt;
    pos += c.length;
  }
  return count;
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  ForEachUtf8Char(text,
                  [&](Utf8Char c, absl::string_view) { width += CodePointWidth(c.code_point); });
  return width;
}

absl::Status ValidateDisplayText(absl::string_view text, absl::string_view field, size_t max_chars,
                                 bool required) {
  if (text.empty()) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  }
  const std::optional<size_t> length = Utf8Length(text);
  if (!length) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is not valid UTF-8"));
  }
  if (*length > max_chars) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": is ", *length, " characters long; at most ", max_chars, " are allowed"));
  }
  bool only_space = true;
  size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Char c = DecodeUtf8(text, pos);
    pos += c.length;
    const int32_t cp = c.code_point;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain control characters"));
    }
    if (cp != ' ' && cp != 0x3000) only_space = false;  // U+3000: ideographic space
  }
  if (only_space) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must not be blank"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  constexpr size_t kMaxRequestIdChars = 64;
  return ValidateDisplayText(request_id, "request_id", kMaxRequestIdChars, /*required=*/false);
}

}  // namespace grassroots
