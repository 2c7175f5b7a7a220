#include "common/filter.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/text.h"

// The filter is split into tokens first, then the tokens are read as
// `condition (AND condition)*`. Every lexer step consumes at least one byte
// and every parser step at least one token, so any input ends in one pass:
// the parser is fuzzed and must never loop or read past the end.
//
// Positions in messages are 1-based and count characters, not bytes, so that
// they match what a person counts in a filter that holds Chinese text.

namespace grassroots {
namespace {

struct Token {
  enum class Kind { kWord, kString, kOperator, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;   // a word or operator as written; a string unescaped
  size_t offset = 0;  // byte offset in the filter
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Characters that make up operators. `=` and `:` are the ones we accept; the
// others are read too, so that `!=` or `<=` is reported as one unsupported
// operator rather than as a stray character.
bool IsOperatorChar(char c) {
  return c == '=' || c == ':' || c == '<' || c == '>' || c == '!' || c == '~';
}

bool IsWordChar(char c) {
  return !IsSpace(c) && !IsOperatorChar(c) && c != '"' && c != '(' && c != ')';
}

bool IsControl(unsigned char c) { return (c < 0x20 && !IsSpace(c)) || c == 0x7F; }

// A dotted path of identifiers: `level`, `compound.kind`.
bool IsFieldPath(absl::string_view word) {
  bool segment_start = true;
  for (char c : word) {
    if (c == '.') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    const bool ok = absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' ||
                    (!segment_start && absl::ascii_isdigit(static_cast<unsigned char>(c)));
    if (!ok) return false;
    segment_start = false;
  }
  return !segment_start;
}

bool IsKeyword(const Token& token) {
  return token.kind == Token::Kind::kWord &&
         (token.text == "AND" || token.text == "OR" || token.text == "NOT");
}

class FilterParser {
 public:
  explicit FilterParser(absl::string_view filter) : filter_(filter) {}

  absl::StatusOr<std::vector<FilterCondition>> Parse() {
    RETURN_IF_ERROR(CheckCharacters());
    ASSIGN_OR_RETURN(tokens_, Tokenize());
    std::vector<FilterCondition> conditions;
    if (Peek().kind == Token::Kind::kEnd) return conditions;
    while (true) {
      ASSIGN_OR_RETURN(FilterCondition condition, ParseCondition());
      conditions.push_back(std::move(condition));
      if (Peek().kind == Token::Kind::kEnd) return conditions;
      RETURN_IF_ERROR(ExpectAnd());
    }
  }

 private:
  // --- Errors ---

  size_t CharPosition(size_t byte_offset) const {
    return CountUtf8Chars(filter_.substr(0, byte_offset)) + 1;
  }

  absl::Status ErrorAt(size_t byte_offset, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("filter: at position ", CharPosition(byte_offset), ": ", what));
  }

  static std::string Describe(const Token& token) {
    switch (token.kind) {
      case Token::Kind::kEnd:
        return "the end of the filter";
      case Token::Kind::kString:
        return "a quoted string";
      case Token::Kind::kWord:
      case Token::Kind::kOperator:
        break;
    }
    return absl::StrCat("\"", token.text, "\"");
  }

  // --- Characters ---

  absl::Status CheckCharacters() const {
    if (filter_.size() > kMaxFilterLength) {
      return absl::InvalidArgumentError(absl::StrCat("filter: is ", filter_.size(),
                                                     " bytes long; at most ", kMaxFilterLength,
                                                     " are allowed"));
    }
    if (!Utf8Length(filter_).has_value()) {
      return absl::InvalidArgumentError("filter: is not valid UTF-8");
    }
    for (size_t i = 0; i < filter_.size(); ++i) {
      if (IsControl(static_cast<unsigned char>(filter_[i]))) {
        return ErrorAt(i, "a control character is not allowed");
      }
    }
    return absl::OkStatus();
  }

  // --- Tokens ---

  absl::StatusOr<std::vector<Token>> Tokenize() const {
    std::vector<Token> tokens;
    size_t pos = 0;
    while (true) {
      while (pos < filter_.size() && IsSpace(filter_[pos])) ++pos;
      if (pos == filter_.size()) break;
      const char c = filter_[pos];
      if (c == '(' || c == ')') return ErrorAt(pos, "parentheses are not supported");
      Token token;
      if (c == '"') {
        ASSIGN_OR_RETURN(token, ReadString(pos));
      } else if (IsOperatorChar(c)) {
        token = ReadRun(pos, Token::Kind::kOperator, IsOperatorChar);
      } else {
        token = ReadRun(pos, Token::Kind::kWord, IsWordChar);
      }
      tokens.push_back(std::move(token));
    }
    tokens.push_back(Token{Token::Kind::kEnd, "", filter_.size()});
    return tokens;
  }

  // Reads the longest run of characters from `*pos` that satisfy `in_run`;
  // the character at `*pos` must satisfy it.
  Token ReadRun(size_t& pos, Token::Kind kind, bool (*in_run)(char)) const {
    const size_t start = pos;
    while (pos < filter_.size() && in_run(filter_[pos])) ++pos;
    return Token{kind, std::string(filter_.substr(start, pos - start)), start};
  }

  // Reads a double-quoted string starting at `*pos`, which holds the quote.
  absl::StatusOr<Token> ReadString(size_t& pos) const {
    const size_t start = pos++;
    std::string value;
    while (pos < filter_.size()) {
      const char c = filter_[pos];
      if (c == '"') {
        ++pos;
        return Token{Token::Kind::kString, std::move(value), start};
      }
      if (c == '\\') {
        if (pos + 1 == filter_.size()) break;  // unterminated
        const char escaped = filter_[pos + 1];
        if (escaped != '"' && escaped != '\\') {
          return ErrorAt(pos, "only \\\" and \\\\ may be escaped in a string");
        }
        value.push_back(escaped);
        pos += 2;
        continue;
      }
      value.push_back(c);
      ++pos;
    }
    return ErrorAt(start, "the string that starts here is not terminated with \"");
  }

  // --- Grammar ---

  const Token& Peek() const { return tokens_[next_]; }
  // Returns the next token and moves past it; kEnd is never moved past.
  const Token& Take() {
    const Token& token = tokens_[next_];
    if (token.kind != Token::Kind::kEnd) ++next_;
    return token;
  }

  absl::StatusOr<FilterCondition> ParseCondition() {
    FilterCondition condition;
    ASSIGN_OR_RETURN(condition.field, ParseField());
    ASSIGN_OR_RETURN(condition.op, ParseOperator(condition.field));
    ASSIGN_OR_RETURN(condition.value, ParseValue());
    return condition;
  }

  absl::StatusOr<std::string> ParseField() {
    const Token& token = Take();
    if (token.kind == Token::Kind::kWord && token.text == "NOT") {
      return ErrorAt(token.offset, "NOT is not supported");
    }
    if (token.kind == Token::Kind::kWord && !token.text.empty() && token.text[0] == '-') {
      return ErrorAt(token.offset, "negation with '-' is not supported");
    }
    if (token.kind != Token::Kind::kWord || IsKeyword(token)) {
      return ErrorAt(token.offset,
                     absl::StrCat("expected a field name but found ", Describe(token)));
    }
    if (!IsFieldPath(token.text)) {
      return ErrorAt(token.offset, absl::StrCat("\"", token.text,
                                                "\" is not a field name (letters, digits, "
                                                "'_' and '.', as in compound.kind)"));
    }
    return token.text;
  }

  absl::StatusOr<FilterCondition::Op> ParseOperator(absl::string_view field) {
    const Token& token = Take();
    if (token.kind != Token::Kind::kOperator) {
      return ErrorAt(token.offset,
                     absl::StrCat("expected = or : after ", field, " but found ", Describe(token)));
    }
    if (token.text == "=") return FilterCondition::Op::kEquals;
    if (token.text == ":") return FilterCondition::Op::kHas;
    return ErrorAt(token.offset,
                   absl::StrCat("operator \"", token.text, "\" is not supported; use = or :"));
  }

  absl::StatusOr<std::string> ParseValue() {
    const Token& token = Take();
    if (token.kind == Token::Kind::kString) return token.text;
    if (token.kind == Token::Kind::kWord && !IsKeyword(token)) return token.text;
    std::string what = absl::StrCat("expected a value but found ", Describe(token));
    // AND, OR and NOT are reserved; a quoted "AND" is an ordinary value.
    if (IsKeyword(token)) absl::StrAppend(&what, " (quote it to use it as a value)");
    return ErrorAt(token.offset, what);
  }

  absl::Status ExpectAnd() {
    const Token& token = Take();
    if (token.kind == Token::Kind::kWord && token.text == "AND") {
      if (Peek().kind == Token::Kind::kEnd) {
        return ErrorAt(Peek().offset, "expected a condition after AND");
      }
      return absl::OkStatus();
    }
    if (token.kind == Token::Kind::kWord && token.text == "OR") {
      return ErrorAt(token.offset, "OR is not supported; conditions can only be joined by AND");
    }
    return ErrorAt(token.offset,
                   absl::StrCat("expected AND between conditions but found ", Describe(token)));
  }

  absl::string_view filter_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<FilterCondition>> ParseFilter(absl::string_view filter) {
  return FilterParser(filter).Parse();
}

}  // namespace grassroots
