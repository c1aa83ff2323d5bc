// Value, Row and Rows: the typed values that cross the SQL seam (statement parameters and result
// columns), identical for every backend. Five types, as in SQLite: null, 64-bit integer, double,
// text (UTF-8) and blob (bytes, held in a std::string).
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/check.h"

namespace kycloud::storage {

class Value {
 public:
  enum class Type { kNull, kInt, kReal, kText, kBlob };

  Value() = default;
  Value(std::nullptr_t) {}  // NOLINT: implicit conversions make parameter lists readable
  Value(int v) : type_(Type::kInt), int_(v) {}                       // NOLINT
  Value(long v) : type_(Type::kInt), int_(v) {}                      // NOLINT
  Value(long long v) : type_(Type::kInt), int_(v) {}                 // NOLINT
  Value(unsigned v) : type_(Type::kInt), int_(v) {}                  // NOLINT
  Value(double v) : type_(Type::kReal), real_(v) {}                  // NOLINT
  Value(std::string v) : type_(Type::kText), text_(std::move(v)) {}  // NOLINT
  Value(std::string_view v) : type_(Type::kText), text_(v) {}        // NOLINT
  Value(const char* v) : type_(Type::kText), text_(v) {}             // NOLINT
  template <typename T>
  Value(const std::optional<T>& v) {  // NOLINT: nullopt becomes NULL
    if (v.has_value()) *this = Value(*v);
  }
  static Value Blob(std::string bytes) {
    Value v;
    v.type_ = Type::kBlob;
    v.text_ = std::move(bytes);
    return v;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  // Precondition: the type matches (checked). AsReal() also accepts an integer.
  std::int64_t AsInt() const {
    KY_CHECK(type_ == Type::kInt) << "column is not an integer";
    return int_;
  }
  double AsReal() const {
    KY_CHECK(type_ == Type::kReal || type_ == Type::kInt) << "column is not a number";
    return type_ == Type::kInt ? static_cast<double>(int_) : real_;
  }
  const std::string& AsText() const {
    KY_CHECK(type_ == Type::kText) << "column is not text";
    return text_;
  }
  const std::string& AsBlob() const {
    KY_CHECK(type_ == Type::kBlob) << "column is not a blob";
    return text_;
  }
  std::optional<std::int64_t> AsOptionalInt() const {
    return is_null() ? std::nullopt : std::optional<std::int64_t>(AsInt());
  }
  std::optional<std::string> AsOptionalText() const {
    return is_null() ? std::nullopt : std::optional<std::string>(AsText());
  }

  friend bool operator==(const Value& a, const Value& b) {
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
      case Type::kNull:
        return true;
      case Type::kInt:
        return a.int_ == b.int_;
      case Type::kReal:
        return a.real_ == b.real_;
      default:
        return a.text_ == b.text_;
    }
  }

 private:
  Type type_ = Type::kNull;
  std::int64_t int_ = 0;
  double real_ = 0;
  std::string text_;
};

using Params = std::vector<Value>;

struct Row {
  std::vector<Value> values;
  const Value& operator[](size_t i) const {
    KY_CHECK(i < values.size()) << "column " << i << " of " << values.size();
    return values[i];
  }
  size_t size() const { return values.size(); }
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  const Row& operator[](size_t i) const { return rows.at(i); }
};

}  // namespace kycloud::storage
